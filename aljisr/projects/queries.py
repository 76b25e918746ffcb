"""Reads behind the projects register."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from aljisr.extensions import db
from aljisr.listing import Page, Sort, order_by, paginate, search_clause
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.projects.models import Project, ProjectStatus, Theme
from aljisr.sites.models import Site
from aljisr.volunteers.queries import archived_clause

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
#: What a row of the list shows.
LIST_COLUMNS = (Project.id, Project.title, Project.phase_number, Project.parent_id,
                Project.site_id, Project.theme, Project.start_date, Project.end_date,
                Project.capacity, Project.status, Project.archived_at)


def project_page(filters: Mapping[str, Any], sort: Sort, page: int) -> Page:
    """One page of projects with their site and parent: 2 queries.

    :param filters: q, status, site (id), theme, date_from/date_to (projects running on at
        least one day of the range, both ends included), archived ("", "archived", "all").
    """
    stmt = sa.select(Project).where(
        archived_clause(Project.archived_at, filters.get("archived")),
        search_clause(Project.search_key, filters.get("q")),
    )
    if filters.get("status"):
        stmt = stmt.where(Project.status == ProjectStatus(filters["status"]))
    if filters.get("site"):
        stmt = stmt.where(Project.site_id == filters["site"])
    if filters.get("theme"):
        stmt = stmt.where(Project.theme == Theme(filters["theme"]))
    if filters.get("date_from"):
        stmt = stmt.where(Project.end_date >= filters["date_from"])
    if filters.get("date_to"):
        stmt = stmt.where(Project.start_date <= filters["date_to"])
    if sort.key == "site":
        stmt = stmt.join(Project.site)
        site: Any = contains_eager(Project.site)
    else:
        site = joinedload(Project.site)
    # only the columns the list shows (a project row also holds a description and lists)
    options = [
        load_only(*LIST_COLUMNS, raiseload=True),
        site.load_only(Site.id, Site.name, raiseload=True),
        joinedload(Project.parent).load_only(Project.id, Project.title, raiseload=True),
    ]
    return paginate(stmt, page, order=order_by(sort, SORTS, Project.id), options=options)


def get_project(project_id: int) -> Project:
    """The project with site, partner, parent, phases and SDG tags, or 404 (3 queries)."""
    project = db.session.scalar(
        sa.select(Project)
        .where(Project.id == project_id)
        .options(
            joinedload(Project.site),
            joinedload(Project.partner),
            joinedload(Project.parent),
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


def partner_options(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of current partner organisations, plus ``include_id``."""
    stmt = sa.select(Organisation.id, Organisation.name).where(
        Organisation.kind == OrganisationKind.PARTNER,
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
    return [(r.id, f"{r.title} ({r.start_date.year})") for r in rows]
