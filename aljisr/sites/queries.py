"""Reads behind the sites register."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import contains_eager, joinedload

from aljisr.extensions import db
from aljisr.listing import Page, Sort, archived_clause, order_by, paginate, search_clause
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.projects.models import Project
from aljisr.sites.models import Site, SiteKind

SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Site.search_key,),
    "kind": (Site.kind,),
    "city": (Site.city,),
    "region": (Site.region,),
    "organisation": (sa.func.nullif(Organisation.search_key, ""),),  # NULL: no organisation
}
DEFAULT_SORT = "name"

#: How many projects a site's page lists.
DETAIL_LIMIT = 100


def site_page(filters: Mapping[str, Any], sort: Sort, page: int) -> Page:
    """One page of (site, number of current projects) rows with the host organisation:
    2 queries.

    :param filters: q, kind, organisation (id), archived ("", "archived", "all").
    """
    projects = (
        sa.select(sa.func.count()).select_from(Project)
        .where(Project.site_id == Site.id, Project.archived_at.is_(None)).scalar_subquery()
    )
    stmt = sa.select(Site, projects.label("projects")).where(
        archived_clause(Site.archived_at, filters.get("archived")),
        search_clause(Site.search_key, filters.get("q")),
    )
    if filters.get("kind"):
        stmt = stmt.where(Site.kind == SiteKind(filters["kind"]))
    if filters.get("organisation"):
        stmt = stmt.where(Site.organisation_id == filters["organisation"])
    if sort.key == "organisation":
        stmt = stmt.outerjoin(Site.organisation)
        options: list[Any] = [contains_eager(Site.organisation)]
    else:
        options = [joinedload(Site.organisation)]
    return paginate(stmt, page, order=order_by(sort, SORTS, Site.id), options=options,
                    rows=True)


def get_site(site_id: int) -> Site:
    """The site with its host organisation, or 404."""
    site = db.session.scalar(
        sa.select(Site).where(Site.id == site_id).options(joinedload(Site.organisation))
    )
    if site is None:
        abort(404)
    return site


def site_projects(site: Site) -> tuple[list[Project], int]:
    """The site's projects (archived ones too), newest first, at most :data:`DETAIL_LIMIT`;
    and their total. 2 queries."""
    base = sa.select(Project).where(Project.site_id == site.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    items = list(db.session.scalars(
        base.order_by(Project.start_date.desc(), Project.id).limit(DETAIL_LIMIT)
    ))
    return items, total


def host_organisation_options(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of current host organisations, plus ``include_id`` even if archived."""
    stmt = sa.select(Organisation.id, Organisation.name).where(
        Organisation.kind == OrganisationKind.HOST,
        sa.or_(Organisation.archived_at.is_(None), Organisation.id == (include_id or 0)),
    )
    return [(r.id, r.name) for r in db.session.execute(stmt.order_by(Organisation.search_key))]
