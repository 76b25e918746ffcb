"""Notifications: who is told what, written to the outbox in the caller's transaction.

The other areas call the verbs here right after their change (placements, hours review,
certificates); each verb works out the recipients, composes the message in each recipient's
language (:mod:`.messages`), renders ``templates/notifications/email.html`` and ``.txt`` and
queues it with :func:`aljisr.mail.send_mail`. They flush, never commit, and never talk to SMTP:
the worker delivers (:mod:`.worker`).

Who (issue 14): a placement proposed, confirmed, re-dated, cancelled or withdrawn -> the
volunteer and their sending organisation's contacts; confirmed and re-dated -> the host
organisation's contacts too; arrival reminders 7 days and 1 day ahead -> the volunteer and the
host; hours rejected or queried -> the volunteer; certificate issued -> the volunteer and the
sending organisation. An organisation's contacts are its active partner logins, or, when it
has none, its own e-mail address.

Opting out: kinds in :data:`.messages.OPTIONAL_KINDS` carry a one-click unsubscribe link and
the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers of RFC 2369 and RFC 8058; the
link holds a token signed with ``SECRET_KEY`` naming the address and the kind. Kinds about a
placement's dates or the volunteer's safety (:data:`.messages.ESSENTIAL_KINDS`) always go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from aljisr.extensions import db
from aljisr.i18n import _, force_locale, text_direction
from aljisr.mail import absolute_url, mail_locale, send_mail
from aljisr.notifications import queries
from aljisr.notifications.messages import (
    KINDS,
    OPTIONAL_KINDS,
    Composer,
    Notice,
    Recipient,
    certificate_notice,
    hours_notice,
    placement_notice,
)
from aljisr.notifications.models import NotificationOptOut, OutboxMessage

#: Days before the first day at which arrival reminders are written, by kind.
REMINDERS: dict[str, int] = {"reminder.week": 7, "reminder.day": 1}


# --------------------------------------------------------------------------------------------
# Unsubscribe tokens
# --------------------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="aljisr.unsubscribe")


def unsubscribe_token(email: str, kind: str) -> str:
    """A URL-safe token naming ``email`` (lower-cased) and ``kind``, signed with
    ``SECRET_KEY``; it does not expire (an old message's link keeps working)."""
    return _serializer().dumps([email.strip().lower(), kind])


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    """``(email, kind)`` from a token made by :func:`unsubscribe_token`; None when it is
    forged, damaged or names a kind that cannot be turned off."""
    try:
        email, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(email, str) or kind not in OPTIONAL_KINDS:
        return None
    return email, kind


def opt_out(email: str, kind: str) -> bool:
    """Turn off ``kind`` for ``email``; flushes. Idempotent.

    :returns: True when it was on until now.
    """
    email = email.strip().lower()
    if queries.is_opted_out(email, kind):
        return False
    db.session.add(NotificationOptOut(email=email, kind=kind))
    db.session.flush()
    return True


# --------------------------------------------------------------------------------------------
# Writing messages
# --------------------------------------------------------------------------------------------


def notify(kind: str, recipients: Iterable[Recipient], compose: Composer, *,
           dedup_key: str | None = None,
           attach: Callable[[Recipient], list[tuple[str, str, bytes]]] | None = None,
           ) -> list[OutboxMessage]:
    """Queue one message of ``kind`` to each recipient (an address once), in their language:
    ``compose(recipient)`` gives the content, rendered as HTML and plain text. Skips a
    recipient who turned ``kind`` off, and, with ``dedup_key``, one already written (the key
    is suffixed with the address). ``attach(recipient)`` gives the files attached to that
    recipient's message, as ``(filename, content type, bytes)``. Flushes, never commits.

    :returns: the queued rows.
    """
    assert kind in KINDS, kind
    association = current_app.config["ASSOCIATION_NAME"]
    seen: set[str] = set()
    written = []
    for recipient in recipients:
        address = recipient.email.strip().lower()
        if not address or address in seen:
            continue
        seen.add(address)
        optional = kind in OPTIONAL_KINDS
        if optional and queries.is_opted_out(address, kind):
            continue
        key = f"{dedup_key}:{address}"[:200] if dedup_key else None
        if key and queries.already_written(key):
            continue
        unsubscribe = (absolute_url("notifications.unsubscribe",
                                    token=unsubscribe_token(address, kind))
                       if optional else None)
        with force_locale(recipient.language):
            notice: Notice = compose(recipient)
            context: dict[str, Any] = {
                "notice": notice, "recipient": recipient, "association": _(association),
                "language": recipient.language, "direction": text_direction(recipient.language),
                "unsubscribe": unsubscribe, "optional": optional,
            }
            html = _render("notifications/email.html", context)
            text = _render("notifications/email.txt", context)
        headers = {}
        if unsubscribe:
            headers = {"List-Unsubscribe": f"<{unsubscribe}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        written.append(send_mail(recipient.email.strip(), str(notice.subject), text, html=html,
                                 headers=headers, language=recipient.language, kind=kind,
                                 dedup_key=key,
                                 attachments=attach(recipient) if attach else ()))
    return written


def _render(name: str, context: dict[str, Any]) -> str:
    """Render an e-mail template without the web pages' context processors (they read the
    request, and messages are also written by the worker and the command line)."""
    return current_app.jinja_env.get_template(name).render(**context)


def _volunteer_recipient(volunteer: Any, link: str | None) -> list[Recipient]:
    if not volunteer.email or volunteer.anonymised_at is not None:
        return []
    return [Recipient(volunteer.email, mail_locale(volunteer.user), volunteer.full_name, link)]


def _organisation_recipients(organisation_id: int | None, link: str | None) -> list[Recipient]:
    """An organisation's contacts: its active partner logins (each in their language), or its
    own address (default language) when it has none; every one with ``link`` (README: each
    notification links to the page concerned; one without a login is asked to sign in)."""
    logins = queries.partner_logins(organisation_id)
    if logins:
        return [Recipient(u.email, mail_locale(u), u.display_name, link) for u in logins]
    organisation = queries.organisation(organisation_id)
    if organisation is None or not organisation.email or organisation.archived_at is not None:
        return []
    return [Recipient(organisation.email, mail_locale(None),
                      organisation.contact_name or organisation.name, link)]


def _partner_link(placement: Any) -> str:
    return absolute_url("partners.volunteer", volunteer_id=placement.volunteer_id)


def _placement_recipients(placement: Any, *, sending: bool, host: bool) -> list[Recipient]:
    volunteer = placement.volunteer
    recipients = _volunteer_recipient(
        volunteer, absolute_url("portal.placement", placement_id=placement.id))
    if sending:
        recipients += _organisation_recipients(volunteer.sending_organisation_id,
                                               _partner_link(placement))
    if host:
        recipients += _organisation_recipients(placement.project.site.organisation_id,
                                               _partner_link(placement))
    return recipients


#: Placement kinds that also go to the host organisation's contacts.
HOST_TOLD = frozenset({"placement.confirmed", "placement.dates_changed"})


def placement_changed(placement: Any, kind: str, *,
                      old: tuple[date, date] | None = None) -> list[OutboxMessage]:
    """Tell the volunteer and their sending organisation (and for ``placement.confirmed`` and
    ``placement.dates_changed`` the host organisation) that ``placement`` was proposed,
    confirmed, re-dated (``old`` = the former first and last days), cancelled or withdrawn.
    Flushes, never commits.

    :param kind: ``placement.proposed|confirmed|dates_changed|cancelled|withdrawn``.
    :returns: the queued rows.
    """
    recipients = _placement_recipients(placement, sending=True, host=kind in HOST_TOLD)
    attach = _infosheet_for_volunteer(placement) if kind == "placement.confirmed" else None
    return notify(kind, recipients, lambda r: placement_notice(kind, placement, r, old=old),
                  attach=attach)


def _infosheet_for_volunteer(placement: Any) -> Callable[[Recipient], list[tuple[str, str,
                                                                               bytes]]]:
    """Attach the pre-arrival infosheet, in their language, to the volunteer's message
    (issue 14, item 5); the organisations' messages carry none (the host downloads it from
    its volunteer's page)."""
    from aljisr.arrivals.infosheet import render_placement
    from aljisr.dates import association_today

    volunteer_address = (placement.volunteer.email or "").strip().lower()

    def attach(recipient: Recipient) -> list[tuple[str, str, bytes]]:
        if recipient.email.strip().lower() != volunteer_address:
            return []
        name, data = render_placement(placement, recipient.language, association_today())
        return [(name, "application/pdf", data)]

    return attach


def hours_reviewed(entry: Any, kind: str, *, message: str | None = None,
                   organisation: str | None = None) -> list[OutboxMessage]:
    """Tell the volunteer that ``entry`` was rejected (``hours.rejected``, with its reason)
    or queried by the host (``hours.queried``, with ``message`` and the ``organisation``'s
    name). Flushes, never commits."""
    placement = entry.placement
    recipients = _volunteer_recipient(
        placement.volunteer, absolute_url("portal.hours_entry", entry_id=entry.id))
    return notify(kind, recipients, lambda r: hours_notice(kind, entry, r, message=message,
                                                           organisation=organisation))


def certificate_issued(certificate: Any) -> list[OutboxMessage]:
    """Tell the volunteer and their sending organisation that ``certificate`` was issued,
    with its public verification link. Flushes, never commits."""
    from aljisr.certificates.services import verification_url

    verify = verification_url(certificate.verification_code)
    volunteer = certificate.volunteer
    recipients = _volunteer_recipient(volunteer, verify)
    recipients += _organisation_recipients(volunteer.sending_organisation_id, verify)
    return notify("certificate.issued", recipients,
                  lambda r: certificate_notice(certificate, r, verify_link=verify))


def write_arrival_reminders(today: date) -> int:
    """Write the arrival reminders due on ``today`` (the association's date): for each
    confirmed placement starting within 7 days (``reminder.week``, from 2 to 7 days ahead) or
    tomorrow (``reminder.day``, up to the first day itself, in case the worker was stopped),
    to the volunteer and the host organisation's contacts. Idempotent: each message has a
    unique marker (placement, kind, first day, address), so running it again -- or in two
    workers -- writes nothing twice, and a re-dated placement is reminded of its new date.
    Flushes, never commits.

    :returns: the number of messages written.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # two workers' daily jobs take turns, so each sees the other's markers
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(1414)"))
    written = 0
    for placement in queries.placements_starting_between(today, today + timedelta(days=7)):
        days_ahead = (placement.start_date - today).days
        kind = "reminder.day" if days_ahead <= REMINDERS["reminder.day"] else "reminder.week"
        recipients = _placement_recipients(placement, sending=False, host=True)
        written += len(notify(
            kind, recipients, lambda r, p=placement, k=kind: placement_notice(k, p, r),
            dedup_key=f"{kind}:{placement.id}:{placement.start_date.isoformat()}",
        ))
    return written


#: Days before the first day at which missing arrival details are asked of the volunteer,
#: then told to the coordinator (issue 14, item 1).
DETAILS_VOLUNTEER_DAYS = 14
DETAILS_STAFF_DAYS = 10


def _coordinator_recipients(placement: Any, link: str) -> list[Recipient]:
    """The placement's coordinator (an active login), else every active coordinator."""
    from aljisr.arrivals.queries import coordinators

    chosen = placement.coordinator
    users = [chosen] if chosen is not None and chosen.active else list(coordinators())
    return [Recipient(u.email, mail_locale(u), u.display_name, link) for u in users]


def write_details_reminders(today: date) -> int:
    """Ask for missing arrival details: for each confirmed placement starting within
    :data:`DETAILS_VOLUNTEER_DAYS` days with no arrival date recorded, the volunteer
    (``reminder.details``, with the link to their arrival form); within
    :data:`DETAILS_STAFF_DAYS` days and still missing, the placement's coordinator (or every
    coordinator when it has none: ``reminder.details_staff``). Idempotent like
    :func:`write_arrival_reminders` (a marker per placement, kind, first day and address).
    Flushes, never commits.

    :returns: the number of messages written.
    """
    from aljisr.arrivals.queries import missing_details

    written = 0
    last = today + timedelta(days=DETAILS_VOLUNTEER_DAYS)
    for placement in missing_details(today + timedelta(days=1), last):
        start = placement.start_date.isoformat()
        written += len(notify(
            "reminder.details",
            _volunteer_recipient(placement.volunteer,
                                 absolute_url("portal.arrival", placement_id=placement.id)),
            lambda r, p=placement: placement_notice("reminder.details", p, r),
            dedup_key=f"reminder.details:{placement.id}:{start}",
        ))
        if (placement.start_date - today).days <= DETAILS_STAFF_DAYS:
            link = absolute_url("arrivals.edit", placement_id=placement.id)
            written += len(notify(
                "reminder.details_staff", _coordinator_recipients(placement, link),
                lambda r, p=placement: placement_notice("reminder.details_staff", p, r),
                dedup_key=f"reminder.details_staff:{placement.id}:{start}",
            ))
    return written
