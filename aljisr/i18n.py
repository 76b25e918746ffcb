"""One internationalisation façade for the whole application.

Import ``_`` (gettext, evaluated now) and ``_l`` (lazy gettext, for class-level
strings such as form labels) from here, never from flask_babel directly, so the
project has a single place that knows how translation works.

``force_locale(code)`` renders something in another language than the current
request's (certificates, e-mails). Outside an application context every
function falls back to English, so pure builders can be tested without an app.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import babel.dates
import babel.numbers
import flask_babel
from flask import has_app_context
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: Languages the interface is offered in: code -> name written in that language.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "ar": "العربية"}

#: Languages written right to left among :data:`LANGUAGES`.
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})


def format_date(value: date | datetime, format: str = "medium") -> str:  # noqa: A002
    """A date in the current locale (English outside an app context)."""
    if has_app_context():
        return flask_babel.format_date(value, format)
    return babel.dates.format_date(value, format, locale="en")


def format_datetime(value: datetime, format: str = "medium") -> str:  # noqa: A002
    """A timestamp in the current locale, shown in the association's time zone.

    Converts with :mod:`zoneinfo` (the system's tz database): pytz's table, which
    flask-babel would use, has Africa/Casablanca at UTC+0 in late 2026 where the tz
    database has UTC+1. English and the default zone outside an app context.
    """
    from aljisr.dates import association_zone

    locale = str(flask_babel.get_locale() or "en") if has_app_context() else "en"
    return babel.dates.format_datetime(value, format, tzinfo=association_zone(), locale=locale)


def format_decimal(value: Decimal | float | int, format: str | None = None) -> str:  # noqa: A002
    """A number in the current locale (English outside an app context)."""
    if has_app_context():
        return flask_babel.format_decimal(value, format)
    return babel.numbers.format_decimal(value, format, locale="en")


def text_direction(code: str | None) -> str:
    """Return ``"rtl"`` for a right-to-left language code, else ``"ltr"``."""
    return "rtl" if (code or "").split("_")[0] in RTL_LANGUAGES else "ltr"


__all__ = [
    "LANGUAGES",
    "RTL_LANGUAGES",
    "_",
    "_l",
    "force_locale",
    "format_date",
    "format_datetime",
    "format_decimal",
    "ngettext",
    "text_direction",
]


def select_locale() -> str:
    """Choose the interface language: the signed-in user's choice, then the session's,
    then the browser's ``Accept-Language``, then English."""
    from flask import has_request_context, request, session
    from flask_login import current_user

    if not has_request_context():
        return "en"
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def select_timezone() -> str:
    """Timestamps are shown in the association's zone (``TIMEZONE`` setting)."""
    from flask import current_app

    return current_app.config["TIMEZONE"]
