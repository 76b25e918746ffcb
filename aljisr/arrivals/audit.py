"""How arrival events read in the audit log (see :mod:`aljisr.audit`).

``arrival.update`` is recorded on the placement (whose wording, in
:mod:`aljisr.placements.audit`, names it, links to it and reads the field labels of
:class:`aljisr.arrivals.forms.ArrivalForm`); its ``changed`` list names the fields that
changed, the emergency contact's included (which is the volunteer's); ``first_record`` says
whether these were the first details recorded.
"""

from __future__ import annotations

from aljisr.audit import AuditWording
from aljisr.i18n import _l

WORDING = AuditWording(
    actions={"arrival.update": _l("Arrival details recorded")},
    key_labels={"first_record": _l("First record")},
    boolean_keys=frozenset({"first_record"}),
)
