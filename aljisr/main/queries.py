"""Read-only queries behind the landing pages (one per role).

The staff overview issues a fixed number of queries whatever the size of the data, and each
one is bounded by an index or by a small set (projects running in the coming weeks, one row
per country, per month), so its time barely grows with the association (see bench/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.placements.models import LIVE_STATUSES, Placement, PlacementStatus
from aljisr.projects.models import Project, ProjectStatus
from aljisr.scopes import placements_for
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer


@dataclass(frozen=True)
class OverviewCounts:
    volunteers: int
    projects: int
    sites: int
    placements_today: int
    hours_to_review: int


def overview_counts(today: date) -> OverviewCounts:
    """Headline counts for staff, in one round trip."""
    q = sa.select(
        sa.select(sa.func.count())
        .select_from(Volunteer)
        .where(Volunteer.archived_at.is_(None))
        .scalar_subquery(),
        sa.select(sa.func.count())
        .select_from(Project)
        .where(Project.archived_at.is_(None))
        .scalar_subquery(),
        sa.select(sa.func.count())
        .select_from(Site)
        .where(Site.archived_at.is_(None))
        .scalar_subquery(),
        sa.select(sa.func.count())
        .select_from(Placement)
        .where(
            Placement.status == PlacementStatus.ACTIVE,
            Placement.start_date <= today,
            Placement.end_date >= today,
        )
        .scalar_subquery(),
        sa.select(sa.func.count())
        .select_from(HoursEntry)
        .where(HoursEntry.status == HoursStatus.SUBMITTED)
        .scalar_subquery(),
    )
    return OverviewCounts(*db.session.execute(q).one())


def current_placements(today: date, limit: int = 10) -> list[Placement]:
    """The first ``limit`` active placements running today (ending soonest first), with
    volunteer, project and site loaded; the full number is ``OverviewCounts.placements_today``."""
    return list(
        db.session.scalars(
            sa.select(Placement)
            .where(
                Placement.status == PlacementStatus.ACTIVE,
                Placement.start_date <= today,
                Placement.end_date >= today,
            )
            .options(*_placement_options())
            .order_by(Placement.end_date, Placement.id)
            .limit(limit)
        )
    )


def _placement_options() -> list[Any]:
    return [
        joinedload(Placement.volunteer).options(lazyload(Volunteer.languages)),
        joinedload(Placement.project).joinedload(Project.site),
    ]


def _projects_overlapping(first: date, last: date) -> Any:
    """Ids of projects running some day in ``first``..``last`` (a small set: it lets the
    placement queries below use the (project, start, end) index instead of a full scan)."""
    return sa.select(Project.id).where(Project.start_date <= last, Project.end_date >= first)


@dataclass(frozen=True)
class Movements:
    """Arrivals (placements starting) and departures (ending) in a window of days: the first
    rows of each, soonest first, and how many there are in all."""

    first: date
    last: date
    arrivals: list[Placement]
    arrivals_total: int
    departures: list[Placement]
    departures_total: int


#: Placements expected to arrive or leave: proposed ones are shown too (with their status).
ARRIVING_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)
LEAVING_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)


def movements(today: date, days: int = 14, limit: int = 10) -> Movements:
    """Arrivals and departures from ``today`` to ``today + days - 1`` (both included), two
    queries, each returning at most ``limit`` rows plus the total (``count() OVER ()``)."""
    last = today + timedelta(days=days - 1)
    projects = _projects_overlapping(today, last)

    def fetch(column: Any, statuses: tuple[PlacementStatus, ...]) -> tuple[list[Placement], int]:
        rows = db.session.execute(
            sa.select(Placement, sa.func.count().over().label("total"))
            .where(
                Placement.project_id.in_(projects),
                Placement.status.in_(statuses),
                column >= today,
                column <= last,
            )
            .options(*_placement_options())
            .order_by(column, Placement.id)
            .limit(limit)
        ).all()
        return [row[0] for row in rows], (rows[0].total if rows else 0)

    arrivals, arrivals_total = fetch(Placement.start_date, ARRIVING_STATUSES)
    departures, departures_total = fetch(Placement.end_date, LEAVING_STATUSES)
    return Movements(today, last, arrivals, arrivals_total, departures, departures_total)


@dataclass(frozen=True)
class ProjectLoad:
    """A project's busiest day in a window: ``peak`` live placements for ``capacity`` places."""

    project: Project
    peak: int

    @property
    def ratio(self) -> float:
        return self.peak / self.project.capacity if self.project.capacity else 1.0

    @property
    def full(self) -> bool:
        return self.peak >= self.project.capacity


def projects_near_capacity(
    today: date, days: int = 30, threshold: float = 0.8
) -> list[ProjectLoad]:
    """Open or running projects whose peak booking over ``today``..``today + days - 1``
    reaches ``threshold`` of their capacity (DESIGN.md §2: capacity is per single day, live
    placements count), fullest first. One query.

    The number of placements present is a step function: a sweep over start (+1) and end
    (-1) events per project, ordered by day with starts before ends on the same day (dates are
    inclusive), gives the count on every day; its maximum is the peak. Work grows with the
    placements overlapping the window, never with the number of days.
    """
    last = today + timedelta(days=days - 1)
    first_day = sa.literal(today, sa.Date)
    running = (
        _projects_overlapping(today, last)
        .where(
            Project.archived_at.is_(None),
            Project.status.in_((ProjectStatus.OPEN, ProjectStatus.IN_PROGRESS)),
        )
    )
    in_window = (
        Placement.project_id.in_(running),
        Placement.status.in_(LIVE_STATUSES),
        Placement.start_date <= last,
        Placement.end_date >= today,
    )
    starts = sa.select(
        Placement.project_id.label("project_id"),
        sa.case((Placement.start_date < first_day, first_day), else_=Placement.start_date)
        .label("day"),
        sa.literal(0).label("kind"),
        sa.literal(1).label("delta"),
    ).where(*in_window)
    ends = sa.select(
        Placement.project_id, Placement.end_date, sa.literal(1), sa.literal(-1)
    ).where(*in_window, Placement.end_date < last)
    events = sa.union_all(starts, ends).subquery("events")
    present = sa.select(
        events.c.project_id,
        sa.func.sum(events.c.delta)
        .over(partition_by=events.c.project_id, order_by=(events.c.day, events.c.kind))
        .label("n"),
    ).subquery("present")
    peaks = (
        sa.select(present.c.project_id, sa.func.max(present.c.n).label("peak"))
        .group_by(present.c.project_id)
        .subquery("peaks")
    )
    rows = db.session.execute(
        sa.select(Project, peaks.c.peak)
        .join(peaks, peaks.c.project_id == Project.id)
        .where(peaks.c.peak * 100 >= Project.capacity * round(threshold * 100))
        .options(joinedload(Project.site))
        .order_by(
            (peaks.c.peak * 1000 / sa.func.nullif(Project.capacity, 0)).desc(),
            Project.start_date,
            Project.id,
        )
    ).all()
    return [ProjectLoad(project, int(peak)) for project, peak in rows]


def approved_hours_by_month(year: int) -> list[Decimal]:
    """Approved hours of ``year`` per month: 12 Decimals, January first, in one query over the
    (status, work_date) index. Submitted and rejected entries never count."""
    month = sa.extract("month", HoursEntry.work_date)
    rows = db.session.execute(
        sa.select(month.label("month"), sa.func.sum(HoursEntry.hours))
        .where(
            HoursEntry.status == HoursStatus.APPROVED,
            HoursEntry.work_date >= date(year, 1, 1),
            HoursEntry.work_date <= date(year, 12, 31),
        )
        .group_by(month)
    ).all()
    totals = [Decimal("0.00")] * 12
    for number, total in rows:
        totals[int(number) - 1] = Decimal(str(total or 0)).quantize(Decimal("0.01"))
    return totals


def volunteers_by_nationality() -> list[tuple[str | None, int]]:
    """(ISO 3166-1 alpha-2 code or None, number of volunteers not archived), most first; at
    most one row per country, so the result stays small whatever the number of volunteers."""
    count = sa.func.count().label("n")
    rows = db.session.execute(
        sa.select(Volunteer.nationality, count)
        .where(Volunteer.archived_at.is_(None))
        .group_by(Volunteer.nationality)
        .order_by(count.desc(), Volunteer.nationality)
    ).all()
    return [(code, int(n)) for code, n in rows]


def projects_by_site() -> list[tuple[Site, list[Project]]]:
    """Every site that is not archived, with its projects ordered by start date."""
    sites = db.session.scalars(
        sa.select(Site)
        .where(Site.archived_at.is_(None))
        .options(joinedload(Site.projects))
        .order_by(Site.name)
    ).unique()
    return [
        (
            site,
            sorted(
                (p for p in site.projects if p.archived_at is None),
                key=lambda p: (p.start_date, p.id),
            ),
        )
        for site in sites
    ]


def placements_of(user: User) -> list[Placement]:
    """Placements visible to ``user`` (scoped in SQL), newest first, with project and site."""
    return list(
        db.session.scalars(
            placements_for(user)
            .options(
                joinedload(Placement.volunteer),
                joinedload(Placement.project).joinedload(Project.site),
                joinedload(Placement.coordinator),
            )
            .order_by(Placement.start_date.desc(), Placement.id.desc())
        )
    )


def split_by_time(placements: list[Placement], today: date) -> dict[str, list[Placement]]:
    """Group placements into ``upcoming``, ``current`` and ``past`` relative to ``today``.

    Cancelled and withdrawn placements count as past.
    """
    groups: dict[str, list[Placement]] = {"upcoming": [], "current": [], "past": []}
    for p in placements:
        if not p.status.is_live or p.end_date < today or p.status is PlacementStatus.COMPLETED:
            groups["past"].append(p)
        elif p.start_date > today:
            groups["upcoming"].append(p)
        else:
            groups["current"].append(p)
    groups["upcoming"].sort(key=lambda p: p.start_date)
    return groups
