"""How hours events read in the audit log (see :mod:`aljisr.audit`); partners' confirmations
and queries are hours events too."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditWording, RecordWording, status_titles
from aljisr.hours.forms import LogHoursForm
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.i18n import _l
from aljisr.volunteers.models import Volunteer


def _names() -> sa.Select:
    """An hours entry is called by its volunteer's name."""
    return sa.select(HoursEntry.id, Volunteer.full_name).join(
        Volunteer, Volunteer.id == HoursEntry.volunteer_id)


WORDING = AuditWording(
    actions={
        "hours.log": _l("Hours logged"),
        "hours.approve": _l("Hours approved"),
        "hours.reject": _l("Hours rejected"),
        "hours.withdraw": _l("Hours entry withdrawn"),
        "hours.host_confirm": _l("Hours confirmed by the host"),
        "hours.host_query": _l("Hours queried by the host"),
    },
    records=(
        RecordWording(
            table="hours_entries",
            label=_l("Hours entry"),
            forms=(LogHoursForm,),
            values=status_titles(HoursStatus),
            names=_names,
        ),
    ),
    key_labels={"hours": _l("Hours"), "work_date": _l("Date"), "activity": _l("Activity")},
    number_keys=frozenset({"hours"}),
)
