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
from sqlalchemy.orm import joinedload, load_only

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursMonthTotal, HoursStatus
from aljisr.placements.models import Placement, PlacementStatus, ProjectBooking
from aljisr.projects.models import Project, ProjectStatus
from aljisr.scopes import placements_for
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer, VolunteerCount, VolunteerStatus


@dataclass(frozen=True)
class OverviewCounts:
    volunteers: int
    projects: int
    sites: int
    placements_today: int
    hours_to_review: int


def overview_counts(today: date) -> OverviewCounts:
    """Headline counts for staff, in one round trip. Volunteers not archived are added up from
    the ``volunteer_counts`` summary (a row per nationality and status); the other counts are
    answered from an index: placements by status, hours entries by status."""
    q = sa.select(
        sa.select(sa.func.coalesce(sa.func.sum(VolunteerCount.volunteers), 0))
        .where(VolunteerCount.status != VolunteerStatus.ARCHIVED)
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


@dataclass(frozen=True)
class OverviewPlacement:
    """What the overview shows of one placement (plain columns, no ORM objects to build)."""

    id: int
    start_date: date
    end_date: date
    status: PlacementStatus
    volunteer_id: int
    volunteer_name: str
    project_id: int
    project_title: str
    site_name: str


def _overview_placements(page: Any, order: list[Any]) -> list[tuple[OverviewPlacement, int]]:
    """Rows of the placements whose ids ``page`` (a subquery with ``id`` and ``total``)
    selects, with volunteer, project and site names: one query."""
    rows = db.session.execute(
        sa.select(
            Placement.id, Placement.start_date, Placement.end_date, Placement.status,
            Volunteer.id, Volunteer.full_name, Project.id, Project.title, Site.name,
            page.c.total,
        )
        .join(page, page.c.id == Placement.id)
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .join(Project, Project.id == Placement.project_id)
        .join(Site, Site.id == Project.site_id)
        .order_by(*order)
    ).all()
    return [(OverviewPlacement(*row[:9]), int(row[9])) for row in rows]


def _page_of(where: list[Any], order: list[Any], limit: int, total: bool = True) -> Any:
    """A narrow subquery: the first ``limit`` placement ids by ``order``, with the total (or
    0 when ``total`` is false, which lets the database stop after ``limit`` rows)."""
    count = sa.func.count().over() if total else sa.literal(0)
    return (
        sa.select(Placement.id.label("id"), count.label("total"))
        .where(*where)
        .order_by(*order)
        .limit(limit)
        .subquery("page")
    )


def current_placements(today: date, limit: int = 6) -> list[OverviewPlacement]:
    """The first ``limit`` active placements running today, ending soonest first (the full
    number is ``OverviewCounts.placements_today``); one query."""
    order = [Placement.end_date, Placement.id]
    page = _page_of(
        [Placement.status == PlacementStatus.ACTIVE, Placement.start_date <= today,
         Placement.end_date >= today],
        order,
        limit,
        total=False,
    )
    return [row for row, _total in _overview_placements(page, order)]


@dataclass(frozen=True)
class Movements:
    """Arrivals (placements starting) and departures (ending) in a window of days: the first
    rows of each, soonest first, and how many there are in all."""

    first: date
    last: date
    arrivals: list[OverviewPlacement]
    arrivals_total: int
    departures: list[OverviewPlacement]
    departures_total: int


#: Placements expected to arrive or leave: proposed ones are shown too (with their status).
ARRIVING_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)
LEAVING_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)


def movements(today: date, days: int = 14, limit: int = 6) -> Movements:
    """Arrivals and departures from ``today`` to ``today + days - 1`` (both included), two
    queries over the start-date and end-date indexes, each returning at most ``limit`` rows plus
    the total (``count() OVER ()``)."""
    last = today + timedelta(days=days - 1)

    def fetch(column: Any,
              statuses: tuple[PlacementStatus, ...]) -> tuple[list[OverviewPlacement], int]:
        order = [column, Placement.id]
        page = _page_of([Placement.status.in_(statuses), column >= today, column <= last],
                        order, limit)
        rows = _overview_placements(page, order)
        return [row for row, _total in rows], (rows[0][1] if rows else 0)

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
    reaches ``threshold`` of their capacity (docs/architecture.md §2.3: capacity is per single
    day, live placements count), fullest first. Two queries.

    The first takes each running project's busiest day in the window from the
    ``project_bookings`` summary (live placements per project and day, kept by triggers: see
    :class:`aljisr.placements.models.ProjectBooking`), through its primary key, and keeps the
    projects at or over the threshold; the second loads them with their site.
    """
    last = today + timedelta(days=days - 1)
    running = sa.select(Project.id).where(
        Project.start_date <= last,
        Project.end_date >= today,
        Project.archived_at.is_(None),
        Project.status.in_((ProjectStatus.OPEN, ProjectStatus.IN_PROGRESS)),
    )
    percent = round(threshold * 100)
    peak = sa.func.max(ProjectBooking.placements)
    peaks = dict(db.session.execute(
        sa.select(ProjectBooking.project_id, peak)
        .join(Project, Project.id == ProjectBooking.project_id)
        .where(ProjectBooking.project_id.in_(running),
               ProjectBooking.day >= today, ProjectBooking.day <= last)
        .group_by(ProjectBooking.project_id, Project.capacity)
        .having(peak * 100 >= Project.capacity * percent)
    ).all())
    projects = db.session.scalars(
        sa.select(Project).where(Project.id.in_(peaks)).options(joinedload(Project.site))
    ).all()
    loads = [ProjectLoad(p, peaks[p.id]) for p in projects]
    return sorted(loads, key=lambda load: (-load.ratio, load.project.start_date, load.project.id))


def approved_hours_by_month(year: int) -> list[Decimal]:
    """Approved hours of ``year`` per month: 12 Decimals, January first. Submitted and rejected
    entries never count. Reads at most twelve rows of ``hours_month_totals``, the summary the
    database keeps with triggers (see :class:`aljisr.hours.models.HoursMonthTotal`)."""
    rows = db.session.execute(
        sa.select(HoursMonthTotal.month, HoursMonthTotal.centihours).where(
            HoursMonthTotal.month >= date(year, 1, 1), HoursMonthTotal.month <= date(year, 12, 1)
        )
    ).all()
    totals = [Decimal("0.00")] * 12
    for month, centihours in rows:
        totals[month.month - 1] = (Decimal(centihours) / 100).quantize(Decimal("0.01"))
    return totals


def volunteers_by_nationality() -> list[tuple[str | None, int]]:
    """(ISO 3166-1 alpha-2 code or None, number of volunteers not archived), most first.

    One query over the ``volunteer_counts`` summary (a row per nationality and status, kept by
    triggers: see :class:`aljisr.volunteers.models.VolunteerCount`), not over the volunteers.
    """
    total = sa.func.sum(VolunteerCount.volunteers)
    rows = db.session.execute(
        sa.select(VolunteerCount.nationality, total)
        .where(VolunteerCount.status != VolunteerStatus.ARCHIVED)
        .group_by(VolunteerCount.nationality)
        .having(total > 0)
    ).all()
    return sorted(
        ((code or None, int(n)) for code, n in rows),
        key=lambda item: (-item[1], item[0] or "~"),
    )


@dataclass(frozen=True)
class SiteProjects:
    """A site with its most relevant projects (running, then open, then the latest) and how
    many projects it has in all."""

    site: Site
    projects: list[Project]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.projects)


@dataclass(frozen=True)
class SitesOverview:
    sites: list[SiteProjects]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.sites)


def projects_by_site(sites: int = 5, per_site: int = 3) -> SitesOverview:
    """Up to ``sites`` sites that are not archived (those with a running or open project
    first, then by name), each with up to ``per_site`` projects, in two queries whatever the
    number of sites and projects."""
    busy = sa.exists().where(
        Project.site_id == Site.id,
        Project.archived_at.is_(None),
        Project.status.in_((ProjectStatus.IN_PROGRESS, ProjectStatus.OPEN)),
    )
    site_rows = db.session.execute(
        sa.select(Site, sa.func.count().over().label("total"))
        .options(load_only(Site.id, Site.name, Site.kind, Site.city, raiseload=True))
        .where(Site.archived_at.is_(None))
        .order_by(sa.case((busy, 0), else_=1), Site.name, Site.id)
        .limit(sites)
    ).all()
    if not site_rows:
        return SitesOverview([], 0)
    chosen = [row[0] for row in site_rows]
    relevance = sa.case(
        (Project.status == ProjectStatus.IN_PROGRESS, 0),
        (Project.status == ProjectStatus.OPEN, 1),
        (Project.status == ProjectStatus.DRAFT, 2),
        else_=3,
    )
    ranked = (
        sa.select(
            Project.id.label("id"),
            sa.func.row_number()
            .over(
                partition_by=Project.site_id,
                order_by=(relevance, Project.start_date.desc(), Project.id),
            )
            .label("position"),
            sa.func.count().over(partition_by=Project.site_id).label("total"),
        )
        .where(Project.archived_at.is_(None), Project.site_id.in_([s.id for s in chosen]))
        .subquery("ranked")
    )
    rows = db.session.execute(
        sa.select(Project, ranked.c.total)
        .options(load_only(Project.id, Project.title, Project.site_id, Project.status,
                           Project.start_date, Project.end_date, raiseload=True))
        .join(ranked, ranked.c.id == Project.id)
        .where(ranked.c.position <= per_site)
        .order_by(ranked.c.position)
    ).all()
    projects: dict[int, list[Project]] = {s.id: [] for s in chosen}
    totals: dict[int, int] = {}
    for project, total in rows:
        projects[project.site_id].append(project)
        totals[project.site_id] = int(total)
    return SitesOverview(
        [SiteProjects(s, projects[s.id], totals.get(s.id, 0)) for s in chosen],
        int(site_rows[0].total),
    )


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
