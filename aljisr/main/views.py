"""Landing pages, one per role: coordinator overview, volunteer and partner home."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from aljisr.dates import today as local_today
from aljisr.main import queries
from aljisr.permissions import Permission, Role, require

bp = Blueprint("main", __name__)


@bp.route("/home")
@require(Permission.SIGNED_IN)
def home() -> str:
    today = local_today()
    if current_user.is_staff:
        return render_template(
            "main/overview.html",
            counts=queries.overview_counts(today),
            current=queries.current_placements(today),
            sites=queries.projects_by_site(),
            today=today,
        )
    groups = queries.split_by_time(queries.placements_of(current_user), today)
    if current_user.role is Role.VOLUNTEER:
        return render_template("main/volunteer_home.html", groups=groups, today=today)
    return render_template("main/partner_home.html", groups=groups, today=today)
