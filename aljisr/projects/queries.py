"""Reads behind the projects register."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import aliased, selectinload

from aljisr.extensions import db
from aljisr.i18n import isolated_text
from aljisr.listing import Page, Sort, archived_clause, order_by, paginate, search_clause
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.models import LIVE_STATUSES, Placement
from aljisr.projects.models import Project, ProjectStatus, Theme
from aljisr.sites.models import Site

SORTS: dict[str, tuple[Any, ...]] = {
    "title": (Project.search_key,),
    "site": (Site.search_key,),
    "theme": (Project.theme,),
    "start_date": (Project.start_date,),
    "end_date": (Project.end_date,),
    "capacity": (Project.capacity,),
    "status": (Project.status,),
}
DEFAULT_SORT = "start_date"


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """What a row of the projects register shows: plain values, no ORM object to build."""

    id: int
    title: str
    phase_number: int | None
    theme: Theme
    status: ProjectStatus
    start_date: date
    end_date: date
    capacity: int
    archived_at: datetime | None
    site_id: int
    site_name: str
    parent_id: int | None
    parent_title: str | None


def project_page(filters: Mapping[str, Any], sort: Sort, page: int) -> Page:
    """One page of projects (:class:`ProjectRow`) with their site and parent: 2 queries.

    :param filters: q, status, site (id), theme, date_from/date_to (projects running on at
        least one day of the range, both ends included), archived ("", "archived", "all").
    """
    where: list[Any] = [
        archived_clause(Project.archived_at, filters.get("archived")),
        search_clause(Project.search_key, filters.get("q")),
    ]
    if filters.get("status"):
        where.append(Project.status == ProjectStatus(filters["status"]))
    if filters.get("site"):
        where.append(Project.site_id == filters["site"])
    if filters.get("theme"):
        where.append(Project.theme == Theme(filters["theme"]))
    if filters.get("date_from"):
        where.append(Project.end_date >= filters["date_from"])
    if filters.get("date_to"):
        where.append(Project.start_date <= filters["date_to"])
    parent = aliased(Project, name="parent")
    stmt = (
        sa.select(
            Project.id, Project.title, Project.phase_number, Project.theme, Project.status,
            Project.start_date, Project.end_date, Project.capacity, Project.archived_at,
            Site.id, Site.name, parent.id, parent.title,
        )
        .join(Site, Site.id == Project.site_id)
        .outerjoin(parent, parent.id == Project.parent_id)
        .where(*where)
    )
    # counted without the joins, which only add names to show
    result = paginate(stmt, page, order=order_by(sort, SORTS, Project.id), rows=True,
                      count=sa.select(Project.id).where(*where))
    result.items = [ProjectRow(*row) for row in result.items]
    return result


def get_project(project_id: int) -> Project:
    """The project with site, funder, parent, phases and SDG tags, or 404 (3 queries)."""
    project = db.session.scalar(
        sa.select(Project)
        .where(Project.id == project_id)
        .options(
            selectinload(Project.site),
            selectinload(Project.funder),
            selectinload(Project.parent),
            selectinload(Project.phases),
            selectinload(Project.sdg_tags),
        )
    )
    if project is None:
        abort(404)
    return project


def site_options(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of current sites, plus ``include_id`` even if archived."""
    stmt = sa.select(Site.id, Site.name).where(
        sa.or_(Site.archived_at.is_(None), Site.id == (include_id or 0))
    )
    return [(r.id, r.name) for r in db.session.execute(stmt.order_by(Site.search_key))]


def funder_options(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of current funders, plus ``include_id``."""
    stmt = sa.select(Organisation.id, Organisation.name).where(
        Organisation.kind == OrganisationKind.FUNDER,
        sa.or_(Organisation.archived_at.is_(None), Organisation.id == (include_id or 0)),
    )
    return [(r.id, r.name) for r in db.session.execute(stmt.order_by(Organisation.search_key))]


def parent_options(project: Project | None) -> list[tuple[int, str]]:
    """(id, "title (start year)") of current projects that can be a parent: not ``project``
    itself (cycles deeper down are refused by the service), plus its current parent."""
    current = project.parent_id if project is not None else None
    stmt = sa.select(Project.id, Project.title, Project.start_date).where(
        sa.or_(Project.archived_at.is_(None), Project.id == (current or 0))
    )
    if project is not None and project.id is not None:
        stmt = stmt.where(Project.id != project.id)
    rows = db.session.execute(stmt.order_by(Project.start_date.desc(), Project.id))
    return [(r.id, isolated_text(r.title, r.start_date.year)) for r in rows]


# --- read by the services' checks ------------------------------------------------------------


def placements_outside(project: Project, start: date, end: date) -> list[Placement]:
    """Live placements (not cancelled or withdrawn) of ``project`` that do not lie within
    ``start``..``end`` (inclusive), earliest first; one query."""
    return list(db.session.scalars(
        sa.select(Placement)
        .where(Placement.project_id == project.id, Placement.status.in_(LIVE_STATUSES),
               sa.or_(Placement.start_date < start, Placement.end_date > end))
        .order_by(Placement.start_date, Placement.id)
    ))
