"""How import events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditWording, RecordWording
from aljisr.i18n import _l
from aljisr.imports.models import ImportBatch

WORDING = AuditWording(
    actions={
        "import.submit": _l("Volunteer list sent by a partner"),
        "import.commit": _l("Volunteers imported"),
        "import.undo": _l("Import undone"),
    },
    records=(
        RecordWording(
            table="import_batches",
            label=_l("Import"),
            page=("imports.batch", "batch_id"),
            names=lambda: sa.select(ImportBatch.id, ImportBatch.file_name),
        ),
    ),
    key_labels={
        "file_name": _l("File"),
        "created": _l("Added"),
        "updated": _l("Updated"),
        "skipped": _l("Skipped"),
        "invalid": _l("With errors"),
        "deleted": _l("Removed"),
    },
)
