"""How application events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.applications.forms import ApplyForm
from aljisr.applications.models import Application, ApplicationStatus
from aljisr.audit import AuditWording, RecordWording, status_titles
from aljisr.i18n import _l

WORDING = AuditWording(
    actions={
        "application.submit": _l("Application sent (not yet confirmed)"),
        "application.resubmit": _l("Application sent again with the same e-mail"),
        "application.confirm": _l("Application confirmed by its sender"),
        "application.update": _l("Application changes confirmed by its sender"),
        "application.withdraw": _l("Application withdrawn by its sender"),
        "application.review": _l("Application in review"),
        "application.accept": _l("Application accepted"),
        "application.decline": _l("Application declined"),
        "application.anonymise": _l("Application anonymised"),
    },
    records=(
        RecordWording(
            table="applications",
            label=_l("Application"),
            page=("applications.detail", "application_id"),
            forms=(ApplyForm,),
            values=status_titles(ApplicationStatus),
            names=lambda: sa.select(Application.id, Application.full_name),
        ),
    ),
    key_labels={
        "project_ids": _l("Projects"),
        "placement_ids": _l("Placements"),
        "invited": _l("Invited to sign in"),
        "pending": _l("Waiting for confirmation"),
    },
    id_keys={
        "volunteer_id": "volunteers",
        "project_ids": "projects",
        "placement_ids": "placements",
    },
    boolean_keys=frozenset({"invited", "pending"}),
)
