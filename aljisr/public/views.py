"""Pages without login: the open projects catalogue and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from aljisr.errors import RETRY_AFTER_SECONDS
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
def healthz() -> tuple[dict[str, str], int] | tuple[dict[str, str], int, dict[str, str]]:
    """200 after a database round trip; 503 with ``Retry-After`` (seconds,
    :data:`aljisr.errors.RETRY_AFTER_SECONDS`, as every page answers then; RFC 9110 §10.2.3)
    when the database does not answer, so a load balancer or monitor knows when to ask
    again."""
    try:
        queries.database_answers()
    except SQLAlchemyError:
        db.session.rollback()
        return ({"status": "unavailable", "database": "unreachable"}, 503,
                {"Retry-After": str(RETRY_AFTER_SECONDS)})
    return {"status": "ok", "database": "ok"}, 200
