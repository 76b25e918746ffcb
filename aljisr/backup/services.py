"""Recording backups (flush, never commit)."""

from __future__ import annotations

from datetime import datetime

from aljisr.backup.dump import BackupError
from aljisr.backup.models import BackupRun
from aljisr.database import utcnow
from aljisr.extensions import db


def record_run(started_at: datetime, *, path: str | None = None, size_bytes: int | None = None,
               error: BackupError | None = None) -> BackupRun:
    """Add the record of a backup that started at ``started_at`` (aware UTC) and ended now:
    a success when ``error`` is None, else why it failed (its English text, code and
    values). Flushes; the caller commits."""
    run = BackupRun(
        started_at=started_at, finished_at=utcnow(), ok=error is None, path=path,
        size_bytes=size_bytes, error=str(error) if error else None,
        error_code=error.code if error else None, error_params=error.params if error else None,
    )
    db.session.add(run)
    db.session.flush()
    return run
