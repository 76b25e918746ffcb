"""Landing pages, one per role: coordinator overview, volunteer and partner home."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.dates import get_month_names
from flask import Blueprint, render_template
from flask_login import current_user

from aljisr.backup.queries import backup_health
from aljisr.dates import association_today
from aljisr.i18n import get_locale
from aljisr.main import queries
from aljisr.permissions import Permission, Role, has_permission, require

bp = Blueprint("main", __name__)

#: Countries shown one by one in "Volunteers by nationality"; the rest are added up.
NATIONALITIES_SHOWN = 10
#: Days ahead covered by "Arrivals and departures" and by "Projects full or nearly full".
MOVEMENT_DAYS = 14
CAPACITY_DAYS = 30
CAPACITY_THRESHOLD = 0.8
#: Projects shown in "Projects full or nearly full" (the fullest first; the rest are counted).
CAPACITY_SHOWN = 6


@bp.route("/home")
@require(Permission.SIGNED_IN)
def home() -> str:
    today = association_today()
    if current_user.is_staff:
        backups = (
            backup_health() if has_permission(current_user, Permission.READ_BACKUPS) else None
        )
        return render_template(
            "main/overview.html", today=today, backups=backups, **_overview(today)
        )
    groups = queries.split_by_time(queries.placements_of(current_user), today)
    if current_user.role is Role.VOLUNTEER:
        return render_template("main/volunteer_home.html", groups=groups, today=today)
    return render_template("main/partner_home.html", groups=groups, today=today)


def _overview(today: Any) -> dict[str, Any]:
    """Everything the staff overview shows; a fixed number of queries (see queries.py)."""
    locale = get_locale() or "en"
    months = get_month_names("abbreviated", locale=locale)
    month_names = get_month_names("wide", locale=locale)
    by_month = queries.approved_hours_by_month(today.year)
    nationalities = queries.volunteers_by_nationality()
    shown = nationalities[:NATIONALITIES_SHOWN]
    loads = queries.projects_near_capacity(today, CAPACITY_DAYS, CAPACITY_THRESHOLD)
    return {
        "counts": queries.overview_counts(today),
        "current": queries.current_placements(today),
        "movements": queries.movements(today, MOVEMENT_DAYS),
        "loads": loads[:CAPACITY_SHOWN],
        "loads_more": len(loads[CAPACITY_SHOWN:]),
        "capacity_days": CAPACITY_DAYS,
        "capacity_percent": round(CAPACITY_THRESHOLD * 100),
        "hours_by_month": [(month_names[i + 1], total) for i, total in enumerate(by_month)],
        "hours_year_total": sum(by_month, Decimal(0)),
        "chart": {
            "labels": [months[i] for i in range(1, 13)],
            "values": [float(total) for total in by_month],
        },
        "nationalities": shown,
        "other_nationalities": sum(n for _code, n in nationalities[NATIONALITIES_SHOWN:]),
        "other_countries": len(nationalities[NATIONALITIES_SHOWN:]),
        "sites": queries.projects_by_site(),
    }
