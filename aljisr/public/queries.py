"""Reads of the pages without login: the public site (open projects with their filters, one
project, past projects counted, what the sitemap lists) and the health check's round trip.

Only what the association publishes leaves here: projects open, running or completed (never a
draft, a cancelled or an archived one), places left, counts of volunteers and hours, and
never a volunteer's name (testimonials are signed as their writers chose, in
:mod:`aljisr.testimonials.queries`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.placements.models import Placement, PlacementStatus, ProjectBooking
from aljisr.projects.models import Project, ProjectSDG, ProjectStatus, Theme

#: Statuses of the projects the public site shows a page for.
PUBLIC_STATUSES = (ProjectStatus.OPEN, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)


@dataclass(frozen=True)
class CatalogueFilters:
    """The catalogue's filters, each None when not chosen: a theme, an SDG (1-17), a site id,
    a month (its first day) the project runs in, a language (ISO 639-1) it needs."""

    theme: Theme | None = None
    sdg: int | None = None
    site_id: int | None = None
    month: date | None = None
    language: str | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.theme, self.sdg, self.site_id, self.month,
                                           self.language))


@dataclass(frozen=True)
class PastProject:
    """A completed project as the portfolio shows it: counts, never names."""

    project: Project
    volunteers: int
    hours: float


def _public() -> sa.ColumnElement[bool]:
    return sa.and_(Project.archived_at.is_(None), Project.status.in_(PUBLIC_STATUSES))


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def open_projects(filters: CatalogueFilters | None = None) -> list[Project]:
    """The open, not archived projects matching ``filters``, by start date, each with its site
    and SDG tags loaded (two queries)."""
    filters = filters or CatalogueFilters()
    query = (
        sa.select(Project)
        .where(Project.status == ProjectStatus.OPEN, Project.archived_at.is_(None))
        .options(joinedload(Project.site), selectinload(Project.sdg_tags))
        .order_by(Project.start_date, Project.id)
    )
    if filters.theme is not None:
        query = query.where(Project.theme == filters.theme)
    if filters.sdg is not None:
        query = query.where(sa.exists().where(ProjectSDG.project_id == Project.id,
                                              ProjectSDG.goal == filters.sdg))
    if filters.site_id is not None:
        query = query.where(Project.site_id == filters.site_id)
    if filters.month is not None:
        query = query.where(Project.start_date <= _month_end(filters.month),
                            Project.end_date >= filters.month)
    if filters.language is not None:
        # the JSON list as text holds each code in double quotes, on SQLite and PostgreSQL
        query = query.where(sa.cast(Project.required_languages, sa.Text)
                            .like(f'%"{filters.language}"%'))
    return list(db.session.scalars(query).unique())


def places_left(projects: list[Project], today: date) -> dict[int, int]:
    """Project id -> places still free on its fullest day from ``today`` (or its first day)
    to its last: capacity minus the most live placements on any such day, never below 0
    (docs/architecture.md §2.3; one query on ``project_bookings``)."""
    if not projects:
        return {}
    booked = dict(db.session.execute(
        sa.select(ProjectBooking.project_id, sa.func.max(ProjectBooking.placements))
        .where(ProjectBooking.project_id.in_([p.id for p in projects]),
               ProjectBooking.day >= today)
        .group_by(ProjectBooking.project_id)
    ).all())
    return {p.id: max(p.capacity - int(booked.get(p.id) or 0), 0) for p in projects}


def public_project(project_id: int) -> Project | None:
    """A project the public site shows (open, in progress or completed, not archived), with
    its site, funder, parent, phases and SDG tags; None otherwise."""
    return db.session.scalar(
        sa.select(Project).where(Project.id == project_id, _public())
        .options(joinedload(Project.site), joinedload(Project.funder),
                 joinedload(Project.parent), selectinload(Project.phases),
                 selectinload(Project.sdg_tags)))


def past_projects() -> list[PastProject]:
    """Completed, not archived projects, latest first, with the volunteers who completed a
    placement on each and the approved hours they gave (three queries)."""
    projects = list(db.session.scalars(
        sa.select(Project)
        .where(Project.status == ProjectStatus.COMPLETED, Project.archived_at.is_(None))
        .options(joinedload(Project.site), selectinload(Project.sdg_tags))
        .order_by(Project.end_date.desc(), Project.id.desc())).unique())
    ids = [p.id for p in projects]
    if not ids:
        return []
    volunteers = dict(db.session.execute(
        sa.select(Placement.project_id, sa.func.count(sa.distinct(Placement.volunteer_id)))
        .where(Placement.project_id.in_(ids), Placement.status == PlacementStatus.COMPLETED)
        .group_by(Placement.project_id)).all())
    hours = dict(db.session.execute(
        sa.select(Placement.project_id, sa.func.sum(HoursEntry.hours))
        .join(HoursEntry, HoursEntry.placement_id == Placement.id)
        .where(Placement.project_id.in_(ids), HoursEntry.status == HoursStatus.APPROVED)
        .group_by(Placement.project_id)).all())
    return [PastProject(p, int(volunteers.get(p.id) or 0), float(hours.get(p.id) or 0))
            for p in projects]


def sitemap_projects() -> list[tuple[int, datetime]]:
    """(id, last change) of every project with a public page, by id."""
    return [(row[0], row[1]) for row in db.session.execute(
        sa.select(Project.id, Project.updated_at).where(_public()).order_by(Project.id))]


def database_answers() -> None:
    """One round trip to the database (``SELECT 1``); raises
    :class:`sqlalchemy.exc.SQLAlchemyError` when it does not answer."""
    db.session.execute(sa.text("SELECT 1")).scalar_one()
