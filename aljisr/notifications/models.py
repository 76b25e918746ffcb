"""The outbox (messages waiting for, or past, delivery), their attachments, and opt-outs.

Every e-mail is a row of ``outbox_messages`` written in the transaction of the change that
causes it (:func:`aljisr.mail.send_mail`); the worker (:mod:`aljisr.notifications.worker`)
delivers it later. A row goes ``queued -> sending -> sent``, back to ``queued`` after a
temporary failure (with ``next_attempt_at`` pushed back), or to ``failed`` for good.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import UTCDateTime, enum_column, utcnow
from aljisr.extensions import db
from aljisr.i18n import _l


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def title(self) -> str:
        return str(
            {
                "queued": _l("Queued"),
                "sending": _l("Sending"),
                "sent": _l("Sent"),
                "failed": _l("Failed"),
            }[self.value]
        )


class OutboxMessage(db.Model):
    """One e-mail to one recipient, and where its delivery stands."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    #: The plain-text part (always present).
    body: Mapped[str] = mapped_column(sa.Text)
    #: The HTML part, when the message has one (multipart/alternative with ``body``).
    html: Mapped[str | None] = mapped_column(sa.Text)
    #: Extra headers, e.g. ``{"List-Unsubscribe": "<https://…>", "List-Unsubscribe-Post": …}``.
    headers: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: The recipient's language the message was written in (en, fr, ar).
    language: Mapped[str | None] = mapped_column(sa.String(8))
    #: The notification kind (``placement.confirmed`` …), None for account mail.
    kind: Mapped[str | None] = mapped_column(sa.String(40))
    #: Unique marker of a message that must be written once only (arrival reminders).
    dedup_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, name="outbox_status"), default=OutboxStatus.QUEUED
    )
    #: Delivery attempts started (a claim counts as one).
    attempts: Mapped[int] = mapped_column(default=0)
    #: When a queued message is due (now for a new one; later after a temporary failure).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When a worker claimed it (status "sending"): the lease runs from here.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    #: "smtp" when the SMTP server accepted it, "log" when no server is configured.
    transport: Mapped[str | None] = mapped_column(sa.String(16))

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )


class OutboxAttachment(db.Model):
    """A file sent with an outbox message (bytes kept until the message is deleted)."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    #: MIME type, e.g. ``application/pdf``.
    content_type: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


class NotificationOptOut(db.Model):
    """An address that turned off one kind of non-essential notification (unsubscribe link)."""

    __tablename__ = "notification_opt_outs"

    #: Lower-cased e-mail address.
    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
