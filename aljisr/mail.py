"""Outgoing e-mail: SMTP when configured, otherwise the outbox (visible to admins) and the log."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db

log = logging.getLogger(__name__)


class OutboxMessage(db.Model):
    """A copy of every message the application sent or would have sent."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    #: "smtp" when handed to the SMTP server, "outbox" when only kept here.
    transport: Mapped[str] = mapped_column(sa.String(16))


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Send a plain-text message, and keep a copy in the outbox.

    Uses SMTP when ``MAIL_SERVER`` is set; otherwise logs the message. Never commits.

    :raises smtplib.SMTPException: when the SMTP server refuses the message.
    """
    config = current_app.config
    transport = "outbox"
    if config.get("MAIL_SERVER"):
        message = EmailMessage()
        message["From"] = config["MAIL_SENDER"]
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
        transport = "smtp"
    else:
        log.info("mail to %s: %s\n%s", recipient, subject, body)
    entry = OutboxMessage(recipient=recipient, subject=subject, body=body, transport=transport)
    db.session.add(entry)
    return entry
