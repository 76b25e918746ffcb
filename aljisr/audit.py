"""The audit log: who did what to which record, when and why."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db

if TYPE_CHECKING:
    from aljisr.auth.models import User


class AuditEvent(db.Model):
    """One recorded action. ``subject_type``/``subject_id`` name the record (e.g. placement 12)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_events_subject", "subject_type", "subject_id"),)


def record(
    actor: Any,
    action: str,
    subject: Any,
    *,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session (flushed with the change it records, never committed).

    :param actor: the User acting, or None for the system (CLI, seed).
    :param action: a dotted verb such as ``"placement.confirm"``.
    :param subject: a model instance with ``__tablename__`` and ``id`` (flushed first if new).
    """
    if subject.id is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        reason=reason,
        details=details or {},
    )
    db.session.add(event)
    return event
