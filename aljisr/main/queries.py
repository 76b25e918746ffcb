"""Read-only queries behind the landing pages (one per role)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
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
        sa.select(sa.func.count()).select_from(Volunteer)
        .where(Volunteer.archived_at.is_(None)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(Project)
        .where(Project.archived_at.is_(None)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(Site)
        .where(Site.archived_at.is_(None)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(Placement).where(
            Placement.status == PlacementStatus.ACTIVE,
            Placement.start_date <= today,
            Placement.end_date >= today,
        ).scalar_subquery(),
        sa.select(sa.func.count()).select_from(HoursEntry)
        .where(HoursEntry.status == HoursStatus.SUBMITTED).scalar_subquery(),
    )
    return OverviewCounts(*db.session.execute(q).one())


def current_placements(today: date, limit: int = 50) -> list[Placement]:
    """Active placements running today, with volunteer, project and site loaded."""
    return list(
        db.session.scalars(
            sa.select(Placement)
            .where(
                Placement.status == PlacementStatus.ACTIVE,
                Placement.start_date <= today,
                Placement.end_date >= today,
            )
            .options(
                joinedload(Placement.volunteer),
                joinedload(Placement.project).joinedload(Project.site),
            )
            .order_by(Placement.end_date, Placement.id)
            .limit(limit)
        )
    )


def projects_by_site() -> list[tuple[Site, list[Project]]]:
    """Every site that is not archived, with its projects ordered by start date."""
    sites = db.session.scalars(
        sa.select(Site)
        .where(Site.archived_at.is_(None))
        .options(joinedload(Site.projects))
        .order_by(Site.name)
    ).unique()
    return [
        (site, sorted((p for p in site.projects if p.archived_at is None),
                      key=lambda p: (p.start_date, p.id)))
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
