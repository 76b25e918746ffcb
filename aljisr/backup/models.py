"""The record of each backup taken (the archive itself lives on disk)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db


class BackupRun(db.Model):
    """One run of ``flask backup``: when, where to, how large, and whether it worked."""

    __tablename__ = "backup_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(default=False)
    #: The archive's path on the machine that wrote it; None when it failed.
    path: Mapped[str | None] = mapped_column(sa.String(1000))
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: Why it failed, in English as the command said it; None when it worked.
    error: Mapped[str | None] = mapped_column(sa.Text)
    #: Why it failed, as a code of :data:`aljisr.backup.dump.BACKUP_ERRORS` and the values of
    #: its message, so the Backups page says it in the reader's language (None for a run that
    #: worked, or one recorded before codes were kept: :attr:`error` is shown then).
    error_code: Mapped[str | None] = mapped_column(sa.String(40))
    error_params: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
