"""The partner portal's reads: what a partner organisation sees of volunteers, and the hours
entries at a host organisation's sites (docs/architecture.md §3.2).

- A **sending** organisation sees the volunteers it sent: their profile without health notes
  (nor the coordinators' internal notes), their placements, approved hours and certificates.
- A **host** organisation sees the volunteers placed at its sites while the placement is live
  (confirmed or active, and not ended): name, languages, dietary needs and emergency contact,
  and nothing after.

Rows come from :mod:`aljisr.scopes` and :func:`aljisr.certificates.queries.certificates_for`
(scoped in SQL: anything else is a 404). Columns are chosen here: a view gets a
:class:`PartnerVolunteer`, which holds only what the partner may see, so a template cannot
show more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from aljisr.auth.models import User
from aljisr.certificates.models import Certificate
from aljisr.certificates.queries import certificates_for
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.hours.queries import approved_totals_by_placement
from aljisr.listing import Page, paginate, search_clause
from aljisr.placements.models import Placement
from aljisr.projects.models import Project
from aljisr.scopes import (
    HOST_VISIBLE_STATUSES,
    hours_entries_for,
    hours_entry_filter,
    placements_for,
    volunteers_for,
)
from aljisr.volunteers.models import Volunteer

# --- volunteers -----------------------------------------------------------------------------


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
            certificates_for(user, for_download=False)
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
    confirmation no longer informs the review (docs/architecture.md §6.5: the host confirms,
    the coordinator approves), so approved entries leave the list; the host still sees them, and
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


__all__ = [
    "COUNTED_STATES",
    "HOURS_STATES",
    "PartnerVolunteer",
    "VolunteerDetail",
    "count_host_hours",
    "host_hours_page",
    "host_sees",
    "host_state_clause",
    "hours_entries_for_host",
    "partner_view",
    "placements_by_volunteer",
    "sees_volunteer",
    "volunteer_detail",
    "volunteer_for_partner",
    "volunteer_page",
]
