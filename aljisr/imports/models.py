"""Import batches: a file being imported (kept until it is committed or discarded), the
volunteers each committed batch created or updated (so it can be undone), and each sending
organisation's remembered column mapping."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db

if TYPE_CHECKING:
    from aljisr.auth.models import User
    from aljisr.organisations.models import Organisation

#: Batch statuses: uploaded and waiting (its file kept), committed, undone.
PENDING, COMMITTED, UNDONE = "pending", "committed", "undone"

#: Jobs the worker runs for a pending batch (aljisr.imports.jobs), and their states.
PREVIEW_JOB, COMMIT_JOB = "preview", "commit"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class ImportBatch(db.Model):
    """One file imported as one batch.

    ``content`` holds the file while the batch is pending (dropped once committed); ``options``
    the reading choices ({"encoding", "delimiter", "date_order", "targets": [one per column]});
    ``counts`` what the commit did ({"created", "updated", "skipped", "invalid"}).

    A large file's preview or commit is a job for the worker (:mod:`aljisr.imports.jobs`):
    ``job`` says which, ``job_state`` where it is (queued, running, done, failed; None: no
    job), ``job_claimed_at`` when a worker took it (its lease), ``job_error`` why it failed;
    ``progress_done``/``progress_total`` count rows; ``preview`` keeps the checked rows for
    the page (:meth:`aljisr.imports.preview.Preview.stored`), dropped when the options change.
    """

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    options: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    job: Mapped[str | None] = mapped_column(sa.String(16))
    job_state: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    job_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    job_error: Mapped[str | None] = mapped_column(sa.Text)
    progress_done: Mapped[int] = mapped_column(default=0, server_default="0")
    progress_total: Mapped[int] = mapped_column(default=0, server_default="0")
    preview: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    @property
    def busy(self) -> bool:
        """A job is queued or running: the batch is not to be changed meanwhile."""
        return self.job_state in (QUEUED, RUNNING)

    records: Mapped[list[ImportRecord]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="ImportRecord.id")


class ImportRecord(db.Model):
    """A volunteer a committed batch created or updated; ``before`` holds the updated fields'
    previous values (JSON), so that undoing restores them."""

    __tablename__ = "import_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    row_number: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(16))
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    batch: Mapped[ImportBatch] = relationship(back_populates="records")


class ImportMapping(db.Model):
    """A sending organisation's last column choices: {header key: target}."""

    __tablename__ = "import_mappings"

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    columns: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
