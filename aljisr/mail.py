"""Outgoing e-mail goes through the outbox: :func:`send_mail` writes a queued row in the
caller's transaction and never talks to SMTP; the worker (``flask --app aljisr worker``,
:mod:`aljisr.notifications.worker`) delivers it. So a request never waits for a mail server,
and a message exists exactly when the change that caused it was committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context, url_for

from aljisr.extensions import db
from aljisr.i18n import LANGUAGES
from aljisr.notifications.models import OutboxAttachment, OutboxMessage

if TYPE_CHECKING:
    from aljisr.auth.models import User

__all__ = ["OutboxAttachment", "OutboxMessage", "absolute_url", "mail_locale", "send_mail"]


def send_mail(
    recipient: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    language: str | None = None,
    kind: str | None = None,
    dedup_key: str | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> OutboxMessage:
    """Queue a message to ``recipient`` in the outbox; flushes, never commits, never sends.

    :param body: the plain-text part; ``html`` an optional HTML alternative of the same text.
    :param headers: extra headers (``List-Unsubscribe`` …), strings.
    :param language: the language it is written in (shown to admins, set as Content-Language).
    :param kind: the notification kind, for opt-outs and the admin page.
    :param dedup_key: a unique marker; a second message with the same key is refused by the
        database (callers check first: :func:`aljisr.notifications.queries.already_written`).
    :param attachments: ``(filename, content_type, bytes)`` triples.
    :returns: the queued row (status ``queued``, due now).
    """
    entry = OutboxMessage(
        recipient=recipient,
        subject=subject[:300],
        body=body,
        html=html,
        headers=dict(headers or {}),
        language=language,
        kind=kind,
        dedup_key=dedup_key,
        attachments=[
            OutboxAttachment(filename=name, content_type=content_type, data=data)
            for name, content_type, data in attachments
        ],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for links in e-mails: ``PUBLIC_BASE_URL`` + path when it is set, else
    the current request's scheme and host (``url_for(_external=True)``); outside a request
    and without ``PUBLIC_BASE_URL`` (the worker, unconfigured), ``http://localhost``."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base or not has_request_context():
        path = current_app.url_map.bind(
            "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/"
        ).build(endpoint, values)
        return (base or "http://localhost").rstrip("/") + path
    return url_for(endpoint, _external=True, **values)


def mail_locale(user: User | None) -> str:
    """The language to write to ``user`` in: theirs, else the association's default."""
    if user is not None and user.locale in LANGUAGES:
        return user.locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
