"""Pages without login: the open projects catalogue and the health check."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from aljisr.extensions import db, limiter
from aljisr.permissions import public
from aljisr.projects.models import Project, ProjectStatus

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def index() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    projects = db.session.scalars(
        sa.select(Project)
        .where(Project.status == ProjectStatus.OPEN, Project.archived_at.is_(None))
        .options(joinedload(Project.site))
        .order_by(Project.start_date)
    ).all()
    return render_template("public/index.html", projects=projects)


@bp.route("/healthz")
@limiter.exempt
@public
def healthz() -> tuple[dict[str, str], int]:
    """200 after a database round trip; 503 when the database does not answer."""
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
