"""Reads of the pages without login: the open projects, and the health check's round trip."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from aljisr.extensions import db
from aljisr.projects.models import Project, ProjectStatus


def open_projects() -> list[Project]:
    """The open, not archived projects, by start date, each with its site loaded (one query)."""
    return list(db.session.scalars(
        sa.select(Project)
        .where(Project.status == ProjectStatus.OPEN, Project.archived_at.is_(None))
        .options(joinedload(Project.site))
        .order_by(Project.start_date)
    ).all())


def database_answers() -> None:
    """One round trip to the database (``SELECT 1``); raises
    :class:`sqlalchemy.exc.SQLAlchemyError` when it does not answer."""
    db.session.execute(sa.text("SELECT 1")).scalar_one()
