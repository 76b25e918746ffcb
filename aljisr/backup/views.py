"""The administrators' backups page: the last runs with their time, size and result."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from aljisr.backup import queries
from aljisr.permissions import Permission, require

bp = Blueprint("backups", __name__, url_prefix="/admin/backups")


@bp.route("")
@require(Permission.READ_BACKUPS)
def index() -> str:
    """The last 30 backup runs and whether the newest good one is too old."""
    return render_template(
        "admin/backups.html",
        runs=queries.recent_runs(),
        health=queries.backup_health(),
        backup_dir=current_app.config["BACKUP_DIR"] or "instance/backups",
    )
