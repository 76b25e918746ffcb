"""Dates in the association's time zone.

"Today" is the date in Morocco (``TIMEZONE`` setting, Africa/Casablanca by default), not on
the server's clock: a volunteer logging hours at 00:30 in Tangier logs them for that day.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Africa/Casablanca"


def association_zone() -> ZoneInfo:
    """The association's time zone (from config inside an app, else the default)."""
    name = current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE
    return ZoneInfo(name)


def association_today() -> date:
    """Today's date in the association's time zone."""
    return datetime.now(association_zone()).date()
