"""Read queries of the hours pages (the review queue, a placement's entries) and the hours
totals every area reads (approved and submitted hours by placement, volunteer or project).

Each function issues a fixed number of SQL statements whatever the amount of data (rows are
eager-loaded, sums are computed in SQL), so pages keep a constant query count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload, selectinload

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.listing import Page, Sort, order_by, paginate, search_clause
from aljisr.placements.models import Placement
from aljisr.projects.models import Project
from aljisr.scopes import placements_for
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer

#: Values of the queue's ``host`` filter: entries with an open query from the host organisation
#: of their site, or confirmed by it.
HOST_ANSWERS = ("queried", "confirmed")

#: Sort keys of the review queue accepted in the URL -> columns (anything else falls back to
#: "date", oldest first). Entries equal on the chosen key follow by date, then by id;
#: statuses sort in review order: submitted, approved, rejected.
SORTS: dict[str, tuple[Any, ...]] = {
    "date": (HoursEntry.work_date,),
    "volunteer": (Volunteer.search_key, HoursEntry.work_date),
    "project": (Project.search_key, HoursEntry.work_date),
    "hours": (HoursEntry.hours, HoursEntry.work_date),
    "status": (
        sa.case(
            {HoursStatus.SUBMITTED: 0, HoursStatus.APPROVED: 1, HoursStatus.REJECTED: 2},
            value=HoursEntry.status,
        ),
        HoursEntry.work_date,
    ),
}
DEFAULT_SORT = "date"


@dataclass(frozen=True)
class QueueFilters:
    """Filters of the review queue; None means "any". ``status`` None shows every status;
    ``host`` is one of :data:`HOST_ANSWERS`."""

    status: HoursStatus | None = HoursStatus.SUBMITTED
    project_id: int | None = None
    site_id: int | None = None
    volunteer: str | None = None  # text searched in the volunteer's name and e-mail
    volunteer_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    host: str | None = None


def _entry_options() -> list[Any]:
    """Loading of what a queue row shows, and only that: the names of the volunteer, project,
    site and reviewer, each table read by id for the page's rows (``selectinload``: four
    small queries). Joined eager loads would alias the five tables, and SQLAlchemy keeps a
    proxy of every column of every alias in each cached statement: 650 KB of a worker's
    memory for each of the queue's statements (docs/architecture.md §6.25)."""
    placement = selectinload(HoursEntry.placement).load_only(
        Placement.volunteer_id, Placement.project_id)
    project = placement.selectinload(Placement.project).load_only(Project.title, Project.site_id)
    return [
        placement.selectinload(Placement.volunteer).load_only(Volunteer.full_name)
        .options(lazyload(Volunteer.languages)),
        project.selectinload(Project.site).load_only(Site.name),
        selectinload(HoursEntry.reviewed_by).load_only(User.display_name),
    ]


def _conditions(filters: QueueFilters, *, status: bool = True) -> list[Any]:
    """WHERE clauses on ``HoursEntry`` for ``filters`` (without the status one when
    ``status`` is False)."""
    where: list[Any] = []
    if status and filters.status is not None:
        where.append(HoursEntry.status == filters.status)
    if filters.host == "queried":
        where.append(HoursEntry.host_query.is_not(None))
    elif filters.host == "confirmed":
        where.append(HoursEntry.host_confirmed_at.is_not(None))
    if filters.date_from is not None:
        where.append(HoursEntry.work_date >= filters.date_from)
    if filters.date_to is not None:
        where.append(HoursEntry.work_date <= filters.date_to)
    if filters.volunteer_id is not None:
        where.append(HoursEntry.volunteer_id == filters.volunteer_id)
    if filters.volunteer or filters.project_id is not None or filters.site_id is not None:
        # one set of placements for project, site and name together: with a project chosen,
        # only its placements' volunteers are looked at, not every volunteer's name
        placements = sa.select(Placement.id)
        if filters.project_id is not None:
            placements = placements.where(Placement.project_id == filters.project_id)
        if filters.site_id is not None:
            placements = placements.where(
                Placement.project_id.in_(
                    sa.select(Project.id).where(Project.site_id == filters.site_id)
                )
            )
        if filters.volunteer:
            placements = placements.join(Volunteer, Volunteer.id == Placement.volunteer_id).where(
                search_clause(Volunteer.search_key, filters.volunteer)
            )
        where.append(HoursEntry.placement_id.in_(placements))
    return where


def queue(
    filters: QueueFilters, page: int, per_page: int | None = None, sort: Sort | None = None
) -> Page:
    """Entries matching ``filters``, one page (a count, a page query and four small queries by
    id for the names the rows show), in the order of
    ``sort`` (a key of :data:`SORTS`; None: oldest date first), ties broken by date then id.
    The count is capped (``Page.more``): the queue over every status holds every entry ever
    logged (docs/architecture.md §6.25)."""
    sort = sort or Sort(DEFAULT_SORT, "asc")
    counted = sa.select(HoursEntry).where(*_conditions(filters))
    stmt = counted
    if sort.key in ("volunteer", "project"):
        # sorting by a name needs the tables in the page query itself; the count does not
        stmt = stmt.join(HoursEntry.placement).join(Placement.volunteer).join(Placement.project)
    return paginate(
        stmt,
        page,
        order=order_by(sort, SORTS, HoursEntry.id),
        options=_entry_options(),
        per_page=per_page,
        count=counted,
        capped=True,
    )


def queried_hidden_by_status(filters: QueueFilters) -> int:
    """How many entries queried by their host match ``filters`` except for their status, and so
    are not in the queue (e.g. queried after a coordinator approved them): one count on the
    partial index ``ix_hours_entries_host_queried``. 0 when the status filter hides nothing
    (any status) or the host filter leaves queried entries out."""
    if filters.status is None or filters.host not in (None, "queried"):
        return 0
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(HoursEntry).where(
            *_conditions(filters, status=False),
            HoursEntry.host_query.is_not(None),
            HoursEntry.status != filters.status,
        )
    ) or 0


def entries_by_id(ids: Iterable[int]) -> list[HoursEntry]:
    """The entries with these ids (unknown ids are left out), with their placement, its
    volunteer, project and site, and their reviewer: what reviewing them reads."""
    ids = sorted(set(ids))
    if not ids:
        return []
    placement = joinedload(HoursEntry.placement)
    return list(
        db.session.scalars(
            sa.select(HoursEntry).where(HoursEntry.id.in_(ids)).options(
                placement.joinedload(Placement.volunteer).options(lazyload(Volunteer.languages)),
                placement.joinedload(Placement.project).joinedload(Project.site),
                joinedload(HoursEntry.reviewed_by),
            )
        ).unique()
    )


def day_totals(entries: Iterable[HoursEntry]) -> dict[tuple[int, date], Decimal]:
    """For each (volunteer id, date) of ``entries``: the hours in that volunteer's entries of
    that date that are approved, in one query (lets a reviewer see the 24-hour limit coming)."""
    keys = {(e.volunteer_id, e.work_date) for e in entries}
    if not keys:
        return {}
    volunteer_ids = {v for v, _ in keys}
    dates = {d for _, d in keys}
    rows = db.session.execute(
        sa.select(HoursEntry.volunteer_id, HoursEntry.work_date, sa.func.sum(HoursEntry.hours))
        .where(
            HoursEntry.status == HoursStatus.APPROVED,
            HoursEntry.volunteer_id.in_(volunteer_ids),
            HoursEntry.work_date.in_(dates),
        )
        .group_by(HoursEntry.volunteer_id, HoursEntry.work_date)
    ).all()
    found = {(v, d): Decimal(str(total)).quantize(Decimal("0.01")) for v, d, total in rows}
    return {key: found.get(key, Decimal("0.00")) for key in keys}


def filter_choices() -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """(projects as (id, title, site name), sites as (id, name)) for the queue's filters,
    archived ones left out; two queries."""
    projects = db.session.execute(
        sa.select(Project.id, Project.title, Site.name)
        .join(Site, Site.id == Project.site_id)
        .where(Project.archived_at.is_(None))
        .order_by(Project.title, Project.id)
    ).all()
    sites = db.session.execute(
        sa.select(Site.id, Site.name).where(Site.archived_at.is_(None)).order_by(Site.name, Site.id)
    ).all()
    return [tuple(r) for r in projects], [tuple(r) for r in sites]  # type: ignore[misc]


@dataclass
class PlacementHours:
    """A placement's entries (newest date first) and its totals by status."""

    entries: list[HoursEntry] = field(default_factory=list)
    approved: Decimal = Decimal("0.00")
    submitted: Decimal = Decimal("0.00")
    rejected: Decimal = Decimal("0.00")


def placement_to_log(user: Any, placement_id: int) -> Placement | None:
    """A placement within ``user``'s scope, with its volunteer, project and site (the log page
    shows them), or None. One statement."""
    return db.session.scalar(
        placements_for(user).where(Placement.id == placement_id).options(
            joinedload(Placement.volunteer),
            joinedload(Placement.project).joinedload(Project.site)))


def entry(entry_id: int) -> HoursEntry | None:
    """The hours entry with this id (the queue's review button), or None."""
    return db.session.get(HoursEntry, entry_id)


def placement_hours(placement_id: int) -> PlacementHours:
    """Every entry of one placement with its reviewer loaded, and totals by status summed in
    SQL (two queries)."""
    entries = list(
        db.session.scalars(
            sa.select(HoursEntry)
            .where(HoursEntry.placement_id == placement_id)
            .options(joinedload(HoursEntry.reviewed_by))
            .order_by(HoursEntry.work_date.desc(), HoursEntry.id.desc())
        )
    )
    result = PlacementHours(entries=entries)
    rows = db.session.execute(
        sa.select(HoursEntry.status, sa.func.sum(HoursEntry.hours))
        .where(HoursEntry.placement_id == placement_id)
        .group_by(HoursEntry.status)
    ).all()
    for status, total in rows:
        setattr(result, HoursStatus(status).value, Decimal(str(total)).quantize(Decimal("0.01")))
    return result


# --- totals (SQL) -----------------------------------------------------------------------------

#: Hours are kept to the hundredth.
_CENT = Decimal("0.01")


def day_total(
    volunteer_id: int,
    work_date: date,
    statuses: Iterable[HoursStatus] = (HoursStatus.SUBMITTED, HoursStatus.APPROVED),
    exclude_id: int | None = None,
) -> Decimal:
    """Hours of ``volunteer_id`` on ``work_date`` in entries with one of ``statuses``."""
    query = sa.select(sa.func.coalesce(sa.func.sum(HoursEntry.hours), 0)).where(
        HoursEntry.volunteer_id == volunteer_id,
        HoursEntry.work_date == work_date,
        HoursEntry.status.in_(list(statuses)),
    )
    if exclude_id is not None:
        query = query.where(HoursEntry.id != exclude_id)
    return Decimal(str(db.session.scalar(query) or 0)).quantize(_CENT)


def _hours_sum_by(column: Any, ids: Iterable[int], join_placements: bool,
                  status: HoursStatus = HoursStatus.APPROVED) -> dict[int, Decimal]:
    ids = list(set(ids))
    if not ids:
        return {}
    query = sa.select(column, sa.func.sum(HoursEntry.hours)).where(
        HoursEntry.status == status, column.in_(ids)
    )
    if join_placements:
        query = query.join(Placement, Placement.id == HoursEntry.placement_id)
    rows = db.session.execute(query.group_by(column)).all()
    totals = {i: Decimal("0.00") for i in ids}
    totals.update({key: Decimal(str(total)).quantize(_CENT) for key, total in rows})
    return totals


def approved_totals_by_placement(placement_ids: Iterable[int]) -> dict[int, Decimal]:
    """``{placement_id: approved hours}`` for each id given (0.00 when none), one query."""
    return _hours_sum_by(HoursEntry.placement_id, placement_ids, False)


def submitted_totals_by_placement(placement_ids: Iterable[int]) -> dict[int, Decimal]:
    """``{placement_id: hours submitted and not yet reviewed}`` (0.00 when none), one query:
    hours that an hours certificate issued now would leave out."""
    return _hours_sum_by(HoursEntry.placement_id, placement_ids, False, HoursStatus.SUBMITTED)


def approved_totals_by_volunteer(volunteer_ids: Iterable[int]) -> dict[int, Decimal]:
    """``{volunteer_id: approved hours}`` across all of each volunteer's placements."""
    return _hours_sum_by(HoursEntry.volunteer_id, volunteer_ids, False)


def approved_totals_by_project(project_ids: Iterable[int]) -> dict[int, Decimal]:
    """``{project_id: approved hours}`` across all placements of each project."""
    return _hours_sum_by(Placement.project_id, project_ids, True)


def placement_total(placement: Placement) -> Decimal:
    """Approved hours of one placement."""
    return approved_totals_by_placement([placement.id])[placement.id]


def volunteer_total(volunteer: Volunteer) -> Decimal:
    """Approved hours of one volunteer, all placements together."""
    return approved_totals_by_volunteer([volunteer.id])[volunteer.id]


def project_total(project: Any) -> Decimal:
    """Approved hours given on one project, all placements together."""
    return approved_totals_by_project([project.id])[project.id]
