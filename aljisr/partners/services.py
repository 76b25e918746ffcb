"""The partner portal: what a partner organisation sees of volunteers, and host confirmation of
hours (DESIGN.md §3).

- A **sending** organisation sees the volunteers it sent: their profile without health notes
  (nor the coordinators' internal notes), their placements, approved hours and certificates.
- A **host** organisation sees the volunteers placed at its sites while the placement is live
  (confirmed or active, and not ended): name, languages, dietary needs and emergency contact,
  and nothing after. It confirms hours entries at its sites, or queries them with a message
  that the coordinators see beside the entry in their review queue.

Rows come from :mod:`aljisr.scopes` (scoped in SQL: anything else is a 404). Columns are chosen
here: a view gets a :class:`PartnerVolunteer`, which holds only what the partner may see, so a
template cannot show more. Services flush but never commit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.orm import joinedload, lazyload

from aljisr import audit
from aljisr.auth.models import User
from aljisr.certificates.models import Certificate
from aljisr.database import utcnow
from aljisr.errors import DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.hours.services import approved_totals_by_placement
from aljisr.i18n import _, force_locale
from aljisr.listing import Page, paginate, search_clause
from aljisr.mail import absolute_url, mail_locale, send_mail
from aljisr.notifications import services as notifications
from aljisr.permissions import Role
from aljisr.placements.models import Placement
from aljisr.projects.models import Project
from aljisr.scopes import (
    HOST_VISIBLE_STATUSES,
    certificates_for,
    hours_entries_for,
    hours_entry_filter,
    placements_for,
    volunteers_for,
)
from aljisr.volunteers.models import Volunteer

#: Longest message a host may attach to a query about hours.
QUERY_MAX_LENGTH = 1000


def host_sees(placement: Placement, today: date) -> bool:
    """Whether a host organisation sees the volunteer of ``placement`` (at one of its sites):
    only while the placement is live, i.e. confirmed or active and not ended."""
    return placement.status in HOST_VISIBLE_STATUSES and placement.end_date >= today


def sees_volunteer(user: User, placement: Placement, today: date) -> bool:
    """Whether ``user`` (a partner, for a placement in its scope) may open the volunteer's page."""
    if user.is_sending_partner:
        return True
    if user.is_host_partner:
        return host_sees(placement, today)
    return False


# --- volunteers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerVolunteer:
    """One volunteer as a partner may see them. Fields a partner may not see are left None;
    health notes and the coordinators' notes are never here."""

    id: int
    full_name: str
    name_ar: str | None
    languages: list[tuple[str, Any]]
    #: "sending" or "host": which of the two views this is.
    audience: str
    # sending organisations only
    email: str | None = None
    phone: str | None = None
    nationality: str | None = None
    date_of_birth: date | None = None
    status: Any = None
    skills: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    available_from: date | None = None
    available_to: date | None = None
    # sending organisations, and host organisations while the placement is live
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None
    dietary_notes: str | None = None
    #: False for a host when no placement at its sites is live (then the three above are None).
    practical_visible: bool = False


def partner_view(user: User, volunteer: Volunteer, placements: list[Placement],
                 today: date) -> PartnerVolunteer:
    """What ``user`` (a sending or host partner) may see of ``volunteer``.

    :param placements: the volunteer's placements in ``user``'s scope (for a host, those at its
        sites), used to decide whether dietary needs and emergency contact are shown.
    """
    common = {
        "id": volunteer.id,
        "full_name": volunteer.full_name,
        "name_ar": volunteer.name_ar,
        "languages": [(lang.code, lang.level) for lang in volunteer.languages],
    }
    practical = {
        "emergency_contact_name": volunteer.emergency_contact_name,
        "emergency_contact_phone": volunteer.emergency_contact_phone,
        "dietary_notes": volunteer.dietary_notes,
        "practical_visible": True,
    }
    if user.is_sending_partner:
        return PartnerVolunteer(
            **common, **practical, audience="sending",
            email=volunteer.email, phone=volunteer.phone, nationality=volunteer.nationality,
            date_of_birth=volunteer.date_of_birth, status=volunteer.status,
            skills=list(volunteer.skills or []), interests=list(volunteer.interests or []),
            available_from=volunteer.available_from, available_to=volunteer.available_to,
        )
    live = any(host_sees(p, today) for p in placements)
    return PartnerVolunteer(**common, **(practical if live else {}), audience="host")


def volunteer_page(user: User, query: str | None, page: int, today: date) -> Page:
    """The volunteers ``user`` sees (scoped in SQL), by name, one page (two queries)."""
    stmt = volunteers_for(user, today).where(search_clause(Volunteer.search_key, query))
    return paginate(stmt, page, order=[Volunteer.search_key, Volunteer.id])


def placements_by_volunteer(user: User, volunteer_ids: list[int]) -> dict[int, list[Placement]]:
    """``{volunteer_id: [placements in user's scope, newest first]}`` in one query."""
    grouped: dict[int, list[Placement]] = {vid: [] for vid in volunteer_ids}
    if not volunteer_ids:
        return grouped
    rows = db.session.scalars(
        placements_for(user)
        .where(Placement.volunteer_id.in_(volunteer_ids))
        .options(joinedload(Placement.project).joinedload(Project.site))
        .order_by(Placement.start_date.desc(), Placement.id.desc())
    )
    for placement in rows:
        grouped[placement.volunteer_id].append(placement)
    return grouped


def volunteer_for_partner(user: User, volunteer_id: int, today: date) -> Volunteer | None:
    """The volunteer if ``user`` may see them today, else None (the view answers 404)."""
    return db.session.scalar(volunteers_for(user, today).where(Volunteer.id == volunteer_id))


@dataclass(frozen=True)
class VolunteerDetail:
    volunteer: PartnerVolunteer
    placements: list[Placement]
    approved_hours: dict[int, Decimal]
    certificates: list[Certificate]


def volunteer_detail(user: User, volunteer: Volunteer, today: date) -> VolunteerDetail:
    """The partner's page of one volunteer: visible fields, placements in scope with their
    approved hours (sending partners), and certificates in scope. A fixed number of queries."""
    placements = placements_by_volunteer(user, [volunteer.id])[volunteer.id]
    totals = (approved_totals_by_placement([p.id for p in placements])
              if user.is_sending_partner else {})
    certificates = list(
        db.session.scalars(
            certificates_for(user)
            .where(Certificate.volunteer_id == volunteer.id)
            .options(joinedload(Certificate.placement).joinedload(Placement.project))
            .order_by(Certificate.issue_date.desc(), Certificate.id.desc())
        )
    )
    return VolunteerDetail(partner_view(user, volunteer, placements, today), placements, totals,
                           certificates)


# --- hours at a host's sites ----------------------------------------------------------------

#: Filters of the host's hours list.
HOURS_STATES = ("to_confirm", "queried", "confirmed", "all")


def host_state_clause(state: str) -> Any:
    """The WHERE clause on ``HoursEntry`` of one of :data:`HOURS_STATES` (None for ``all``).

    ``to_confirm``: waiting for the association's review (submitted), neither confirmed nor
    queried by the host. Once a coordinator approved or rejected an entry, the host's
    confirmation no longer informs the review (DESIGN.md §3: the host confirms, the
    coordinator approves), so approved entries leave the list; the host still sees them, and
    may confirm or query them, under ``all``. ``queried``: the host's query is open;
    ``confirmed``: confirmed by the host.
    """
    if state == "to_confirm":
        return sa.and_(HoursEntry.status == HoursStatus.SUBMITTED,
                       HoursEntry.host_confirmed_at.is_(None), HoursEntry.host_query.is_(None))
    if state == "queried":
        return HoursEntry.host_query.is_not(None)
    if state == "confirmed":
        return HoursEntry.host_confirmed_at.is_not(None)
    return None


def host_hours_page(user: User, state: str, page: int) -> Page:
    """Hours entries at ``user``'s sites (scoped in SQL) in one of :data:`HOURS_STATES`
    (see :func:`host_state_clause`), newest date first; two queries."""
    stmt = hours_entries_for(user)
    clause = host_state_clause(state)
    if clause is not None:
        stmt = stmt.where(clause)
    placement = joinedload(HoursEntry.placement)
    return paginate(
        stmt,
        page,
        order=[HoursEntry.work_date.desc(), HoursEntry.id.desc()],
        options=[
            placement.joinedload(Placement.volunteer).options(lazyload(Volunteer.languages)),
            placement.joinedload(Placement.project).joinedload(Project.site),
        ],
    )


#: The states of :data:`HOURS_STATES` whose tabs show how many entries they hold.
COUNTED_STATES = ("to_confirm", "queried")


def count_host_hours(user: User) -> dict[str, int]:
    """``{state: entries at user's sites}`` for :data:`COUNTED_STATES`, with the clauses of
    the lists themselves (so a tab's count is its list's length), in one query."""
    counts = [sa.func.count(sa.case((host_state_clause(state), 1))) for state in COUNTED_STATES]
    row = db.session.execute(
        sa.select(*counts).select_from(HoursEntry).where(hours_entry_filter(user))
    ).one()
    return {state: int(n or 0) for state, n in zip(COUNTED_STATES, row, strict=True)}


def hours_entries_for_host(user: User, entry_ids: list[int]) -> list[HoursEntry]:
    """The entries with these ids at ``user``'s sites (scoped); missing ids are left out."""
    if not entry_ids:
        return []
    return list(db.session.scalars(
        hours_entries_for(user).where(HoursEntry.id.in_(entry_ids))
        .options(joinedload(HoursEntry.placement).joinedload(Placement.volunteer)
                 .options(lazyload(Volunteer.languages)),
                 joinedload(HoursEntry.placement).joinedload(Placement.project)
                 .joinedload(Project.site))
        .order_by(HoursEntry.work_date, HoursEntry.id)
    ))


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
    "COUNTED_STATES",
    "HOURS_STATES",
    "QUERY_MAX_LENGTH",
    "PartnerVolunteer",
    "VolunteerDetail",
    "confirm_hours",
    "count_host_hours",
    "host_hours_page",
    "host_sees",
    "host_state_clause",
    "hours_entries_for_host",
    "partner_view",
    "placements_by_volunteer",
    "query_hours",
    "sees_volunteer",
    "volunteer_detail",
    "volunteer_for_partner",
    "volunteer_page",
]
