"""How organisation events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditWording, RecordWording, enum_titles
from aljisr.i18n import _l
from aljisr.organisations.forms import OrganisationForm
from aljisr.organisations.models import Organisation, OrganisationKind

WORDING = AuditWording(
    actions={
        "organisation.create": _l("Organisation added"),
        "organisation.update": _l("Organisation updated"),
        "organisation.archive": _l("Organisation archived"),
        "organisation.unarchive": _l("Organisation restored"),
    },
    records=(
        RecordWording(
            table="organisations",
            label=_l("Organisation"),
            page=("organisations.detail", "organisation_id"),
            forms=(OrganisationForm,),
            values={"kind": enum_titles(OrganisationKind)},
            names=lambda: sa.select(Organisation.id, Organisation.name),
        ),
    ),
    key_labels={"organisation_id": _l("Organisation")},
    id_keys={"organisation_id": "organisations"},
)
