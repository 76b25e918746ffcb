"""How volunteer events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditWording, RecordWording, status_titles
from aljisr.i18n import _l
from aljisr.volunteers.forms import VolunteerForm
from aljisr.volunteers.models import Volunteer, VolunteerStatus

WORDING = AuditWording(
    actions={
        "volunteer.create": _l("Volunteer added"),
        "volunteer.update": _l("Volunteer updated"),
        "volunteer.archive": _l("Volunteer archived"),
        "volunteer.unarchive": _l("Volunteer restored"),
        "volunteer.anonymise": _l("Volunteer anonymised"),
        "volunteer.data_export": _l("Everything held about the volunteer downloaded"),
    },
    records=(
        RecordWording(
            table="volunteers",
            label=_l("Volunteer"),
            page=("volunteers.detail", "volunteer_id"),
            forms=(VolunteerForm,),
            values=status_titles(VolunteerStatus),
            names=lambda: sa.select(Volunteer.id, Volunteer.full_name),
        ),
    ),
    key_labels={
        "volunteer_id": _l("Volunteer"),
        "duplicates_confirmed": _l("Not a duplicate of"),
    },
    id_keys={
        "volunteer_id": "volunteers",
        "duplicates_confirmed": "volunteers",
        "sending_organisation_id": "organisations",
    },
)
