"""Outgoing e-mail: SMTP when configured, otherwise the outbox (visible to admins) and the log."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import Mapped, mapped_column

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db
from aljisr.i18n import LANGUAGES

log = logging.getLogger(__name__)


if TYPE_CHECKING:
    from aljisr.auth.models import User


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


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for links in e-mails: ``PUBLIC_BASE_URL`` + path when it is set, else
    the current request's scheme and host (``url_for(_external=True)``)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def mail_locale(user: User) -> str:
    """The language to write to ``user`` in: theirs, else the association's default."""
    if user.locale in LANGUAGES:
        return user.locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
