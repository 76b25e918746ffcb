"""Reads for calendars: a feed's owner, and the placements and phases a user may see."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from aljisr.auth.models import User
from aljisr.calendars.models import CalendarFeed
from aljisr.extensions import db
from aljisr.placements.models import Placement
from aljisr.projects.models import Project
from aljisr.scopes import placement_filter


def feed_of(user: User) -> CalendarFeed | None:
    """``user``'s feed, or None when they have not opened one (or revoked it)."""
    return db.session.get(CalendarFeed, user.id)


def feed_owner(token: str) -> User | None:
    """The active user whose feed has this token, or None (unknown, revoked, or the account
    deactivated)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        sa.select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token == token, User.active.is_(True))
    )


def visible_placements(user: User, placement_id: int | None = None) -> Sequence[Placement]:
    """The placements ``user`` may see (:func:`aljisr.scopes.placement_filter`, as in their
    portal), or the one with ``placement_id`` among them; volunteer, project and site loaded."""
    query = (
        sa.select(Placement).where(placement_filter(user))
        .options(selectinload(Placement.volunteer),
                 selectinload(Placement.project).selectinload(Project.site))
        .order_by(Placement.start_date, Placement.id)
    )
    if placement_id is not None:
        query = query.where(Placement.id == placement_id)
    return db.session.scalars(query).all()


def project_phases() -> Sequence[Project]:
    """Every project phase (a project with a parent), for the association's calendar."""
    return db.session.scalars(
        sa.select(Project).where(Project.parent_id.is_not(None), Project.archived_at.is_(None))
        .options(selectinload(Project.site)).order_by(Project.start_date, Project.id)
    ).all()
