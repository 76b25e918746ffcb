"""Reads for arrivals: a placement's details, the arrivals and departures board, the
placements whose details are missing (reminders), and what the infosheet prints.

Scoped in SQL with :mod:`aljisr.scopes` (docs/architecture.md §3.3): staff see every
proposed, confirmed or active placement; a host partner those at its sites while the host rule
lets it see the volunteer (confirmed or active, not ended: docs/architecture.md §6.1); a
volunteer their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from aljisr import scopes
from aljisr.arrivals.models import ArrivalDetails, TravelMode
from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.placements.models import ONGOING_STATUSES, Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer

#: The longest range the board shows at once, in days (a season and a half).
MAX_BOARD_DAYS = 366


def details(placement_id: int) -> ArrivalDetails | None:
    """The arrival details of a placement, or None when none were recorded."""
    return db.session.get(ArrivalDetails, placement_id)


def _board_statuses(user: User) -> tuple[PlacementStatus, ...]:
    return ONGOING_STATUSES if user.is_staff else scopes.HOST_VISIBLE_STATUSES


def placement_for_host(user: User, placement_id: int, today: date) -> Placement | None:
    """A placement at the host partner's sites whose volunteer it may see now (confirmed or
    active, not ended); None otherwise (the view answers 404), and for anyone but a host
    partner."""
    if not user.is_host_partner:
        return None
    return db.session.scalar(
        sa.select(Placement).where(
            Placement.id == placement_id, scopes.placement_filter(user),
            Placement.status.in_(scopes.HOST_VISIBLE_STATUSES), Placement.end_date >= today)
    )


@dataclass(frozen=True)
class BoardRow:
    """One arrival or departure on the board.

    ``day`` is the travel date when recorded, else the placement's first or last day
    (``planned`` False then: the volunteer has not said yet).
    """

    kind: str  # "arrival" | "departure"
    day: date
    time: time | None
    planned: bool
    placement_id: int
    volunteer_id: int
    volunteer: str
    project: str
    site: str
    site_id: int
    status: PlacementStatus
    mode: TravelMode | None
    number: str | None
    point: str | None
    pickup: bool
    first_day: date
    last_day: date


@dataclass(frozen=True)
class Board:
    """The board's range (inclusive), its site filter (None: every site) and its rows."""

    first: date
    last: date
    site_id: int | None
    rows: list[BoardRow]

    @property
    def arrivals(self) -> int:
        """How many rows are arrivals."""
        return sum(1 for r in self.rows if r.kind == "arrival")

    @property
    def departures(self) -> int:
        """How many rows are departures."""
        return sum(1 for r in self.rows if r.kind == "departure")

    @property
    def pickups(self) -> int:
        """How many arrivals need a pickup."""
        return sum(1 for r in self.rows if r.kind == "arrival" and r.pickup)


def board(user: User, first: date, last: date, *, language: str, today: date,
          site_id: int | None = None) -> Board:
    """Arrivals and departures from ``first`` to ``last`` (inclusive) that ``user`` may see,
    soonest first (by day, then time, arrivals before departures, then volunteer name). One
    statement: the placements whose arrival (recorded, else first day) or departure
    (recorded, else last day) falls in the range, with their details.

    :param language: the reader's language, for project titles and site names.
    :param site_id: only this site (ignored when outside the user's scope: nothing matches).
    """
    arrival_day = sa.func.coalesce(ArrivalDetails.arrival_date, Placement.start_date)
    departure_day = sa.func.coalesce(ArrivalDetails.departure_date, Placement.end_date)
    conditions = [
        scopes.placement_filter(user),
        Placement.status.in_(_board_statuses(user)),
        sa.or_(arrival_day.between(first, last), departure_day.between(first, last)),
    ]
    if not user.is_staff:
        conditions.append(Placement.end_date >= today)
    if site_id is not None:
        conditions.append(Project.site_id == site_id)
    rows = db.session.execute(
        sa.select(Placement.id, Placement.volunteer_id, Volunteer.full_name,
                  Project.title_sql(language).label("project"),
                  Site.name_sql(language).label("site"), Site.id.label("site_id"),
                  Placement.status, Placement.start_date, Placement.end_date,
                  ArrivalDetails)
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .join(Project, Project.id == Placement.project_id)
        .join(Site, Site.id == Project.site_id)
        .outerjoin(ArrivalDetails, ArrivalDetails.placement_id == Placement.id)
        .where(*conditions)
    ).all()
    out: list[BoardRow] = []
    for r in rows:
        d: ArrivalDetails | None = r.ArrivalDetails
        common = dict(placement_id=r.id, volunteer_id=r.volunteer_id, volunteer=r.full_name,
                      project=r.project, site=r.site, site_id=r.site_id, status=r.status,
                      first_day=r.start_date, last_day=r.end_date)
        arrive = d.arrival_date if d and d.arrival_date else None
        leave = d.departure_date if d and d.departure_date else None
        day = arrive or r.start_date
        if first <= day <= last:
            out.append(BoardRow("arrival", day, d.arrival_time if arrive and d else None,
                                arrive is not None, mode=d.arrival_mode if d else None,
                                number=d.arrival_number if d else None,
                                point=d.arrival_point if d else None,
                                pickup=bool(d and d.pickup_needed), **common))
        day = leave or r.end_date
        if first <= day <= last:
            out.append(BoardRow("departure", day, d.departure_time if leave and d else None,
                                leave is not None, mode=d.departure_mode if d else None,
                                number=d.departure_number if d else None, point=None,
                                pickup=False, **common))
    out.sort(key=lambda b: (b.day, b.time or time.min, b.kind != "arrival",
                            b.volunteer.casefold(), b.placement_id))
    return Board(first, last, site_id, out)


def board_sites(user: User, language: str) -> list[tuple[int, str]]:
    """The sites the board may be filtered by: those ``user`` sees, not archived, by name."""
    name = Site.name_sql(language)
    query = scopes.sites_for(user).with_only_columns(Site.id, name).where(
        Site.archived_at.is_(None)).order_by(name)
    return [(i, n) for i, n in db.session.execute(query)]


def missing_details(first: date, last: date) -> Sequence[Placement]:
    """Confirmed placements starting from ``first`` to ``last`` (inclusive) with no arrival
    date recorded, with volunteer, coordinator, project and site loaded, by first day."""
    return db.session.scalars(
        sa.select(Placement)
        .outerjoin(ArrivalDetails, ArrivalDetails.placement_id == Placement.id)
        .where(Placement.status == PlacementStatus.CONFIRMED,
               Placement.start_date >= first, Placement.start_date <= last,
               ArrivalDetails.arrival_date.is_(None))
        .options(selectinload(Placement.volunteer),
                 selectinload(Placement.coordinator),
                 selectinload(Placement.project).selectinload(Project.site))
        .order_by(Placement.start_date, Placement.id)
    ).all()


def coordinators() -> Sequence[User]:
    """Active coordinators (not administrators), by id: told when a placement with no
    coordinator lacks its arrival details."""
    from aljisr.permissions import Role

    return db.session.scalars(
        sa.select(User).where(User.role == Role.COORDINATOR, User.active.is_(True))
        .order_by(User.id)).all()


def placement_for_sheet(placement_id: int) -> Placement | None:
    """A placement with everything its infosheet prints loaded (volunteer and login, project,
    site and host organisation, coordinator), or None."""
    return db.session.scalar(
        sa.select(Placement).where(Placement.id == placement_id)
        .options(selectinload(Placement.volunteer).selectinload(Volunteer.user),
                 selectinload(Placement.coordinator),
                 selectinload(Placement.project).selectinload(Project.site)
                 .selectinload(Site.organisation))
    )


def any_placement(placement_id: int) -> Placement | None:
    """A placement by id (staff pages), or None."""
    return db.session.get(Placement, placement_id)



def details_for(placement_ids: list[int]) -> dict[int, ArrivalDetails]:
    """``{placement id: details}`` for those of ``placement_ids`` that have some (one query)."""
    if not placement_ids:
        return {}
    return {d.placement_id: d for d in db.session.scalars(
        sa.select(ArrivalDetails).where(ArrivalDetails.placement_id.in_(placement_ids)))}
