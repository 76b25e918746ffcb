"""Pages without login: the open projects catalogue and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from aljisr.extensions import db, limiter
from aljisr.permissions import public
from aljisr.public import queries

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def index() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return render_template("public/index.html", projects=queries.open_projects())


@bp.route("/healthz")
@limiter.exempt
@public
def healthz() -> tuple[dict[str, str], int]:
    """200 after a database round trip; 503 when the database does not answer."""
    try:
        queries.database_answers()
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
