"""One internationalisation façade for the whole application.

Import ``_`` (gettext, evaluated now) and ``_l`` (lazy gettext, for class-level
strings such as form labels) from here, never from flask_babel directly, so the
project has a single place that knows how translation works.

``force_locale(code)`` renders something in another language than the current
request's (certificates, e-mails). Outside an application context every
function falls back to English, so pure builders can be tested without an app.

Flask-Babel finds the locale and the catalogue again on every ``gettext`` call
(several context-local lookups, about 5 µs), which a register's rows pay once per
translated title and date. Here they are looked up once per application context
and kept in ``g``, with the dates formatted so far; :func:`force_locale` swaps that
state for the duration of its block. Always switch languages through this
module's ``force_locale``, never Flask-Babel's directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import babel.dates
import babel.numbers
import flask_babel
import sqlalchemy as sa
from babel import Locale
from babel.support import NullTranslations
from flask import g, has_app_context
from flask_babel.speaklater import LazyString

#: Languages the interface is offered in: code -> name written in that language.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "ar": "العربية"}

#: Languages written right to left among :data:`LANGUAGES`.
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})


def format_date(value: date | datetime, format: str = "medium") -> str:  # noqa: A002
    """A date in the current locale (English outside an app context).

    Timestamps go through Flask-Babel (converted to the user's time zone first); plain
    dates are formatted by Babel once per context and then read back.
    """
    state = _state()
    if state is None:
        return babel.dates.format_date(value, format, locale="en")
    if isinstance(value, datetime):
        return flask_babel.format_date(value, format)
    key = (value, format)
    text = state.dates.get(key)
    if text is None:
        text = state.dates[key] = first_of_month(
            babel.dates.format_date(value, format, locale=state.locale), value, state.locale)
    return text


_DAY_ONE = re.compile(r"(?<!\d)1(?= )")


def first_of_month(text: str, value: date, locale: Locale | str) -> str:
    """French writes the first day of a month as an ordinal: "1er septembre 2025", "1er sept.
    2025" (Imprimerie nationale, *Lexique des règles typographiques*), which CLDR's patterns
    do not. ``text`` is ``value`` formatted in ``locale``; other days and languages, and
    numeric formats ("01/09/2025"), are returned unchanged."""
    if value.day != 1 or str(locale).split("_")[0] != "fr":
        return text
    return _DAY_ONE.sub("1er", text, count=1)


def format_datetime(value: datetime, format: str = "medium") -> str:  # noqa: A002
    """A timestamp in the current locale, shown in the association's time zone.

    Converts with :mod:`zoneinfo` (the system's tz database): pytz's table, which
    flask-babel would use, has Africa/Casablanca at UTC+0 in late 2026 where the tz
    database has UTC+1. English and the default zone outside an app context. A format that
    shows the hour and no zone gets the UTC offset after it when the wall time is ambiguous
    (:func:`offset_if_ambiguous`): "Feb 15, 2026, 2:30:00 AM UTC+01:00".
    """
    locale = get_locale() or "en"
    local = _association_time(value)
    text = first_of_month(babel.dates.format_datetime(local, format, locale=locale), local, locale)
    return text + (offset_if_ambiguous(local) if _names_a_time(format) else "")


#: Named formats, which all show the time; and the CLDR pattern letters of hours and zones.
_NAMED_FORMATS = frozenset({"short", "medium", "long", "full"})
_HOUR_LETTERS = frozenset("HhKk")
_ZONE_LETTERS = frozenset("zZOvVXx")


def _names_a_time(format: str) -> bool:  # noqa: A002
    """Whether a Babel datetime ``format`` shows the hour and no time zone of its own (text
    in single quotes is literal)."""
    if format in _NAMED_FORMATS:
        return format in ("short", "medium")  # long and full print the zone already
    letters = set("".join(format.split("'")[::2]))
    return bool(letters & _HOUR_LETTERS) and not letters & _ZONE_LETTERS


def offset_if_ambiguous(local: datetime) -> str:
    """" UTC+01:00" (the offset from UTC, with a leading space) when the wall time of the
    aware ``local`` occurs twice on its clock, else "".

    The association's clock goes back an hour when Morocco leaves UTC+1 for Ramadan
    (Africa/Casablanca in the tz database: 15 February 2026, 03:00 -> 02:00), so 02:30 that
    night names two moments; the offset tells them apart (02:30 UTC+01:00 comes first).
    A time that occurs once is shown as it is. ``fold`` is Python's flag for the second of
    the two (PEP 495); :meth:`datetime.astimezone` sets it.
    """
    if local.replace(fold=0).utcoffset() == local.replace(fold=1).utcoffset():
        return ""
    minutes = int((local.utcoffset() or timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f" UTC{sign}{hours:02d}:{minutes:02d}"


def _association_time(value: datetime) -> datetime:
    """``value`` on the association's clock; a naive one is taken as UTC, as timestamps are
    stored (and as Babel reads it)."""
    from aljisr.dates import association_zone

    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(association_zone())


def format_timestamp(value: datetime) -> str:
    """A moment as the current locale joins a date and a time (CLDR ``dateTimeFormats``,
    medium): "Nov 29, 2026, 4:22 PM", "29 nov. 2026, 16:22", with the Arabic comma in
    Arabic. The date reads as :func:`format_date` writes dates everywhere else ("1er" in
    French), the time is the locale's short time; both in the association's time zone, the
    time followed by its UTC offset when the clock shows it twice (:func:`offset_if_ambiguous`)."""
    locale = get_locale() or Locale("en")
    local = _association_time(value)
    time_text = babel.dates.format_time(local, "short", locale=locale) + offset_if_ambiguous(local)
    pattern = str(locale.datetime_formats["medium"])
    return pattern.replace("{1}", format_date(local.date())).replace("{0}", time_text)


def format_decimal(value: Decimal | float | int, format: str | None = None) -> str:  # noqa: A002
    """A number in the current locale (English outside an app context)."""
    if has_app_context():
        return flask_babel.format_decimal(value, format)
    return babel.numbers.format_decimal(value, format, locale="en")


def format_wait(seconds: float) -> str:
    """A wait of ``seconds`` in words, in the current locale, rounded to its largest sensible
    unit ("55 minutes", "55 دقيقة", "2 hours", "40 seconds"; Babel's ``format_timedelta``,
    CLDR unit patterns). A unit is used from one and a half of it (90 minutes is "2 hours",
    80 is "80 minutes"), so a wait under an hour is never called "1 hour"."""
    locale = (get_locale() or Locale("en")) if has_app_context() else Locale("en")
    return babel.dates.format_timedelta(timedelta(seconds=seconds), threshold=1.5,
                                        locale=locale)


def current_language() -> str:
    """The interface language's code ("en", "fr", "ar"): the request's, or the one a
    :func:`force_locale` block sets; "en" outside an application context."""
    return str(get_locale() or "en").split("_")[0] if has_app_context() else "en"


def in_language(language: str, text: str, **forms: str | None) -> str:
    """A record's ``text`` in ``language``: ``forms[language]`` when it is given (a project's
    ``title_fr``, a site's ``name_ar``...), else the text as the association wrote it."""
    return forms.get(language) or text


def in_language_sql(language: str, column: Any, **forms: Any) -> Any:
    """:func:`in_language` in SQL: ``COALESCE(forms[language], column)``, or ``column`` for a
    language without a column of its own."""
    form = forms.get(language)
    return column if form is None else sa.func.coalesce(form, column)


def text_direction(code: str | None) -> str:
    """Return ``"rtl"`` for a right-to-left language code, else ``"ltr"``."""
    return "rtl" if (code or "").split("_")[0] in RTL_LANGUAGES else "ltr"


#: Unicode bidi isolates (UAX #9 §2.4): LEFT-TO-RIGHT ISOLATE, FIRST STRONG ISOLATE and POP
#: DIRECTIONAL ISOLATE.
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"


def ltr(example: str) -> str:
    """``example`` (a phone number, address, date or code shown as an example inside a
    sentence) isolated as left-to-right text, so that a right-to-left sentence around it keeps
    it in its own order: without it an Arabic sentence shows "+33 6 12 34 56 78" as
    "78 56 34 12 6 33+" (Unicode Bidirectional Algorithm, UAX #9). The isolate characters are
    invisible and also hold in attributes (placeholders), where ``<bdi>`` cannot go."""
    return f"{LRI}{example}{PDI}"


def isolated_text(*parts: Any, separator: str = " · ") -> str:
    """The non-empty ``parts`` joined by ``separator``, each between FIRST STRONG ISOLATE and
    POP DIRECTIONAL ISOLATE (UAX #9 §2.4): plain text for where no ``<bdi>`` can go (the text
    of a select's option, an attribute). Each part keeps its own direction, so an Arabic page
    shows "Construction of a room (second step) · Maggamane socio-educational centre" as two
    whole pieces, not "…centre Maggamane socio-educational centre · (second step)"."""
    return separator.join(f"{FSI}{part}{PDI}" for part in parts if part not in (None, ""))


__all__ = [
    "LANGUAGES",
    "RTL_LANGUAGES",
    "_",
    "_l",
    "ltr",
    "isolated_text",
    "current_language",
    "force_locale",
    "first_of_month",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_timestamp",
    "format_wait",
    "get_locale",
    "offset_if_ambiguous",
    "in_language",
    "in_language_sql",
    "ngettext",
    "text_direction",
    "translations",
]


class _State:
    """The locale and catalogue of the current application context, and the dates
    formatted so far in it (``(date, format) -> text``)."""

    __slots__ = ("dates", "locale", "translations")

    def __init__(self) -> None:
        self.locale: Locale = flask_babel.get_locale() or Locale("en")
        self.translations: NullTranslations = flask_babel.get_translations()
        self.dates: dict[tuple[date, str], str] = {}


def _state() -> _State | None:
    """This application context's :class:`_State` (made on first use), or None outside one."""
    if not has_app_context():
        return None
    state = g.get("_aljisr_i18n")
    if state is None:
        state = g._aljisr_i18n = _State()
    return state


def _(string: str, **variables: Any) -> str:
    """Translate ``string`` into the current language, then fill ``%(name)s`` placeholders
    from ``variables`` (as Flask-Babel's ``gettext`` does). English outside an app context."""
    state = _state()
    text = state.translations.ugettext(string) if state is not None else string
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural form for ``num`` under the language's plural rule, with
    ``%(num)d`` and the other placeholders filled (as Flask-Babel's ``ngettext``)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def translations() -> NullTranslations:
    """The current language's catalogue (an empty one outside an app context)."""
    state = _state()
    return state.translations if state is not None else NullTranslations()


def _l(string: str, **variables: Any) -> LazyString:
    """:func:`_` evaluated when the text is used, in the language current at that moment
    (for class-level strings: form labels, enum titles)."""
    return LazyString(_, string, **variables)


def get_locale() -> Locale | None:
    """The current interface locale (a Babel ``Locale``), or None outside an app context."""
    state = _state()
    return state.locale if state is not None else None


@contextmanager
def force_locale(code: str) -> Iterator[None]:
    """Render the block in language ``code`` (e.g. a certificate or an e-mail in the
    recipient's language), then return to the request's language."""
    if not has_app_context():
        yield
        return
    saved = g.pop("_aljisr_i18n", None)
    try:
        with flask_babel.force_locale(code):
            yield
    finally:
        g.pop("_aljisr_i18n", None)
        if saved is not None:
            g._aljisr_i18n = saved


#: Blueprints whose pages name their language in the address (``?lang=fr``), so that a
#: search engine fetches each language at its own URL (the public site); there the address
#: wins over every other choice.
URL_LANGUAGE_BLUEPRINTS: frozenset[str] = frozenset({"public", "applications"})


def url_language() -> str | None:
    """The language the address names (``?lang=``) on a page of
    :data:`URL_LANGUAGE_BLUEPRINTS`, or None."""
    from flask import has_request_context, request

    if not has_request_context() or request.blueprint not in URL_LANGUAGE_BLUEPRINTS:
        return None
    code = request.args.get("lang")
    return code if code in LANGUAGES else None


def select_locale() -> str:
    """Choose the interface language: on the public site the address's (``?lang=``), then
    the signed-in user's choice, then the session's, then the browser's ``Accept-Language``,
    then English."""
    from flask import has_request_context, request, session
    from flask_login import current_user

    if not has_request_context():
        return "en"
    if (code := url_language()) is not None:
        return code
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def select_timezone() -> str:
    """Timestamps are shown in the association's zone (``TIMEZONE`` setting)."""
    from flask import current_app

    return current_app.config["TIMEZONE"]
