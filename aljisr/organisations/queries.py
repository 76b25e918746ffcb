"""Reads behind the organisations register."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from aljisr.extensions import db
from aljisr.listing import Page, Sort, archived_clause, order_by, paginate, search_clause
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.projects.models import Project
from aljisr.sites.models import Site
from aljisr.text import search_key
from aljisr.volunteers.models import Volunteer

SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Organisation.search_key,),
    "kind": (Organisation.kind,),
    "country": (Organisation.country,),
    "city": (Organisation.city,),
}
DEFAULT_SORT = "name"

#: How many linked records a detail page lists (the rest: a link to the filtered register).
DETAIL_LIMIT = 50


def _count(model: Any, column: Any) -> Any:
    return (sa.select(sa.func.count()).select_from(model)
            .where(column == Organisation.id).scalar_subquery())


def organisation_page(filters: Mapping[str, Any], sort: Sort, page: int) -> Page:
    """One page of (organisation, sites, volunteers sent, projects funded) rows: 2 queries.

    :param filters: q, kind, country, archived ("", "archived", "all").
    """
    stmt = sa.select(
        Organisation,
        _count(Site, Site.organisation_id).label("sites"),
        _count(Volunteer, Volunteer.sending_organisation_id).label("volunteers"),
        _count(Project, Project.funder_id).label("projects"),
    ).where(
        archived_clause(Organisation.archived_at, filters.get("archived")),
        search_clause(Organisation.search_key, filters.get("q")),
    )
    if filters.get("kind"):
        stmt = stmt.where(Organisation.kind == OrganisationKind(filters["kind"]))
    if filters.get("country"):
        stmt = stmt.where(Organisation.country == filters["country"])
    return paginate(stmt, page, order=order_by(sort, SORTS, Organisation.id), rows=True)


def same_name(name: str | None, *, exclude_id: int | None = None) -> list[Organisation]:
    """Organisations (archived ones too) whose name is ``name`` once case, accents and spaces
    are folded (:func:`aljisr.text.search_key`: "Ecole  Anoual" = "École anoual"), by id.

    One query on the search key's prefix (name, then city), the exact name compared here.
    """
    key = search_key(name)
    if not key:
        return []
    stmt = sa.select(Organisation).where(sa.or_(
        Organisation.search_key == key,
        Organisation.search_key.startswith(key + " ", autoescape=True),
    )).order_by(Organisation.id)
    if exclude_id is not None:
        stmt = stmt.where(Organisation.id != exclude_id)
    return [found for found in db.session.scalars(stmt) if search_key(found.name) == key]


def get_organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@dataclass(frozen=True)
class Linked:
    """Records linked to an organisation: the first :data:`DETAIL_LIMIT` and the total."""

    items: list[Any]
    total: int


def _linked(stmt: sa.Select[Any], order: Any, options: tuple[Any, ...] = ()) -> Linked:
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.subquery())
    ) or 0
    page = stmt.order_by(*order).options(*options).limit(DETAIL_LIMIT)
    items = list(db.session.scalars(page)) if total else []
    return Linked(items, total)


def organisation_links(organisation: Organisation) -> dict[str, Linked]:
    """Its sites, the volunteers it sent and the projects it funds (at most 6 queries,
    whatever their number)."""
    return {
        "sites": _linked(sa.select(Site).where(Site.organisation_id == organisation.id),
                         (Site.search_key, Site.id)),
        "volunteers": _linked(
            sa.select(Volunteer).where(Volunteer.sending_organisation_id == organisation.id),
            (Volunteer.search_key, Volunteer.id)),
        "projects": _linked(sa.select(Project).where(Project.funder_id == organisation.id),
                            (Project.start_date.desc(), Project.id), (joinedload(Project.site),)),
    }
