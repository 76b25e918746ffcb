"""The partner portal's writes: a host organisation confirms hours entries at its sites, or
queries them with a message that the coordinators see beside the entry in their review queue
(docs/architecture.md §3.2, §6.5). What partners see is read by :mod:`aljisr.partners.queries`.

Services flush but never commit.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from flask import current_app, render_template

from aljisr import audit
from aljisr.auth.models import User
from aljisr.database import utcnow
from aljisr.errors import DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.i18n import _, force_locale
from aljisr.mail import absolute_url, mail_locale, send_mail
from aljisr.notifications import services as notifications
from aljisr.permissions import Role

#: Longest message a host may attach to a query about hours.
QUERY_MAX_LENGTH = 1000


def confirm_hours(entry: HoursEntry, *, actor: User) -> bool:
    """The host confirms that ``entry`` happened; an open query on it is closed.

    :returns: False when it was already confirmed (nothing changes), True otherwise.
    :raises NotAllowed: the entry was rejected by the association.
    """
    if entry.status is HoursStatus.REJECTED:
        raise NotAllowed(_("A rejected entry cannot be confirmed."))
    if entry.host_confirmed_at is not None:
        return False
    entry.host_confirmed_at = utcnow()
    entry.host_query = None
    db.session.flush()
    audit.record(actor, "hours.host_confirm", entry)
    return True


def _coordinators_to_notify(entry: HoursEntry) -> list[User]:
    coordinator = entry.placement.coordinator
    if coordinator is not None and coordinator.active and coordinator.is_staff:
        return [coordinator]
    for role in (Role.COORDINATOR, Role.ADMIN):
        users = list(db.session.scalars(
            sa.select(User).where(User.role == role, User.active.is_(True)).order_by(User.id)
        ))
        if users:
            return users
    return []


def query_hours(entry: HoursEntry, message: str | None, *, actor: User) -> list[User]:
    """The host queries ``entry`` with ``message`` (any confirmation is withdrawn), whatever
    its review status short of rejected. The query stays on the entry, where every coordinator
    sees it in the review queue (marked, and found with the "queried by the host" filter, also
    once approved); it is audited and mailed to the placement's coordinator (or, when it has
    none, to every active coordinator), each in their own language, with a link to the queue
    filtered to the volunteer's queried entries; the volunteer is told too
    (:func:`aljisr.notifications.services.hours_reviewed`). Mail waits in the outbox for the
    worker (:func:`aljisr.mail.send_mail`), so the queue is what coordinators rely on.

    :returns: the users notified.
    :raises DomainError: field ``message`` when it is empty or longer than
        :data:`QUERY_MAX_LENGTH` characters.
    :raises NotAllowed: the entry was rejected by the association.
    """
    text = unicodedata.normalize("NFC", message or "").strip()
    if not text:
        raise DomainError(_("Say what is wrong with these hours."), field="message")
    if len(text) > QUERY_MAX_LENGTH:
        raise DomainError(_("Keep the message under %(n)d characters.", n=QUERY_MAX_LENGTH),
                          field="message")
    if entry.status is HoursStatus.REJECTED:
        raise NotAllowed(_("This entry was already rejected by the association."))
    entry.host_query = text
    entry.host_confirmed_at = None
    db.session.flush()
    audit.record(actor, "hours.host_query", entry, reason=text)
    recipients = _coordinators_to_notify(entry)
    link = None
    if "hours.queue" in current_app.view_functions:
        link = absolute_url("hours.queue", status="all", host="queried",
                            volunteer_id=entry.volunteer_id)
    for recipient in recipients:
        with force_locale(mail_locale(recipient)):
            subject = _("Hours queried by %(organisation)s",
                        organisation=actor.organisation.name if actor.organisation else "")
            body = render_template("email/hours_query.txt", entry=entry, message=text,
                                   actor=actor, recipient=recipient, link=link,
                                   association=_(current_app.config["ASSOCIATION_NAME"]))
        send_mail(recipient.email, str(subject), body)
    notifications.hours_reviewed(entry, "hours.queried", message=text,
                                 organisation=actor.organisation.name if actor.organisation
                                 else None)
    return recipients


__all__ = [
    "QUERY_MAX_LENGTH",
    "confirm_hours",
    "query_hours",
]
