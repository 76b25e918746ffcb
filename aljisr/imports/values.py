"""Reading cell values as people write them: dates in the file's own order, countries and
languages by name or code in several languages, CEFR levels by code or name.

Phone numbers are normalised by the volunteer form itself (libphonenumber, region from the
nationality: :class:`aljisr.formfields.PhoneNumber`), so an imported row obeys the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache

from babel import Locale

from aljisr.dates import association_today
from aljisr.i18n import _
from aljisr.imports.mapping import key
from aljisr.volunteers.models import LanguageLevel

#: Languages whose names of countries and languages are recognised (CLDR, via Babel).
NAME_LOCALES = ("en", "fr", "es", "de", "ar")

#: Date orders: day-month-year, month-day-year (ISO year-month-day is always recognised).
DATE_ORDERS = ("dmy", "mdy")

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})$")


def detect_date_order(texts: Iterable[str]) -> str | None:
    """The order of the dates in a column (:data:`DATE_ORDERS`) as the values tell it: a first
    number above 12 means day-first, a second above 12 month-first.

    :returns: ``"dmy"`` or ``"mdy"``; ``"dmy"`` when no value is written day/month at all
        (nothing to decide); None when the values cannot tell (or contradict each other): ask.
    """
    day_first = month_first = seen = False
    for text in texts:
        match = _NUMERIC.match((text or "").strip())
        if not match:
            continue
        seen = True
        first, second = int(match[1]), int(match[2])
        day_first |= first > 12
        month_first |= second > 12
    if day_first != month_first:
        return "dmy" if day_first else "mdy"
    return None if seen else "dmy"


def parse_date(text: str, order: str | None) -> date | None:
    """A date written ISO (``2001-03-04``) or with numbers in ``order`` (two-digit years are
    19xx above the current century's, else 20xx).

    :raises ValueError: not a date, or ``order`` is None and the date is not ISO (message for
        people).
    """
    text = (text or "").strip()
    if not text:
        return None
    match = _ISO.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _NUMERIC.match(text)
        if match:
            if order is None:
                raise ValueError(_("Say whether dates are written day first or month first."))
            first, second, year = int(match[1]), int(match[2]), int(match[3])
            if len(match[3]) == 2:
                year += 2000 if year <= association_today().year % 100 else 1900
            day, month = (first, second) if order == "dmy" else (second, first)
            return date(year, month, day)
    except ValueError as error:
        if match and "order" not in str(error):
            raise ValueError(_("“%(value)s” is not a date.", value=text)) from error
        raise
    raise ValueError(_("“%(value)s” is not a date.", value=text))


@cache
def _country_names() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for value in (country.alpha_2, country.alpha_3, country.name,
                      getattr(country, "official_name", ""), getattr(country, "common_name", "")):
            if value:
                names[key(value)] = country.alpha_2
    for locale_code in NAME_LOCALES:
        for code, name in Locale.parse(locale_code).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(key(name), code)
    return names


def parse_country(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code from a code (alpha-2 or alpha-3, as VEF files write it) or a
    name in English, French, Spanish, German or Arabic.

    :raises ValueError: no such country.
    """
    import pycountry

    if not (text or "").strip():
        return None
    code = _country_names().get(key(text))
    if code is None or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(_("“%(value)s” is not a country we know.", value=text))
    return code


@cache
def _language_names() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", None)
        if not alpha_2:
            continue
        for value in (alpha_2, language.alpha_3, getattr(language, "bibliographic", ""),
                      language.name):
            if value:
                names.setdefault(key(value), alpha_2)
    for locale_code in NAME_LOCALES:
        for code, name in Locale.parse(locale_code).languages.items():
            if len(code) == 2:
                names.setdefault(key(name), code)
    return names


def parse_language(text: str) -> str | None:
    """ISO 639-1 code from a code (639-1 or 639-2) or a name in the five languages.

    :raises ValueError: no such language.
    """
    if not (text or "").strip():
        return None
    code = _language_names().get(key(text))
    if code is None:
        raise ValueError(_("“%(value)s” is not a language we know.", value=text))
    return code


#: Level names as written in lists (en, fr, es, de, ar) -> CEFR level.
LEVEL_NAMES = {
    LanguageLevel.A1: ("beginner", "basic", "débutant", "principiante", "anfänger", "مبتدئ"),
    LanguageLevel.A2: ("elementary", "élémentaire", "elemental", "grundkenntnisse", "أساسي"),
    LanguageLevel.B1: ("intermediate", "good", "intermédiaire", "intermedio", "mittelstufe",
                       "متوسط"),
    LanguageLevel.B2: ("upper intermediate", "intermédiaire avancé", "intermedio alto",
                       "gute kenntnisse", "فوق المتوسط"),
    LanguageLevel.C1: ("advanced", "fluent", "avancé", "courant", "avanzado", "fluido",
                       "fortgeschritten", "fließend", "متقدم"),
    LanguageLevel.C2: ("proficient", "mastery", "maîtrise", "bilingue", "experto",
                       "verhandlungssicher", "متمكن"),
    LanguageLevel.NATIVE: ("native", "mother tongue", "native speaker", "langue maternelle",
                           "maternelle", "nativo", "lengua materna", "muttersprache",
                           "اللغة الأم", "لغة أم"),
}
_LEVELS = {key(name): level for level, names in LEVEL_NAMES.items() for name in names}
_LEVELS.update({key(level.value): level for level in LanguageLevel})


def parse_level(text: str) -> LanguageLevel | None:
    """A CEFR level from its code (``B2``) or a usual name (``courant``, ``native``).

    :raises ValueError: not a level.
    """
    if not (text or "").strip():
        return None
    level = _LEVELS.get(key(text))
    if level is None:
        raise ValueError(_("“%(value)s” is not a language level (A1 to C2, or native).",
                           value=text))
    return level


#: Genders as lists write them (en, fr, es, de, ar, and one-letter codes) -> the volunteer
#: form's choices (:class:`aljisr.volunteers.forms.VolunteerForm` ``gender``).
GENDER_NAMES = {
    "female": ("f", "w", "female", "woman", "women", "girl", "femme", "féminin", "feminin",
               "fille", "mujer", "femenino", "weiblich", "frau", "أنثى", "انثى", "امرأة",
               "إمرأة", "مؤنث"),
    "male": ("m", "h", "male", "man", "men", "boy", "homme", "masculin", "garçon", "hombre",
             "masculino", "varón", "männlich", "mann", "ذكر", "رجل", "مذكر"),
    "other": ("x", "d", "o", "other", "non binary", "nonbinary", "diverse", "divers",
              "autre", "non binaire", "otro", "otra", "no binario", "آخر", "اخر"),
}
_GENDERS = {key(name): gender for gender, names in GENDER_NAMES.items() for name in names}


def parse_gender(text: str) -> str | None:
    """``"female"``, ``"male"`` or ``"other"`` (the volunteer form's choices) from a code
    (``F``, ``M``, ``W``, ``X``; VEF ``<sex>`` writes ``M``/``F``) or a word in English,
    French, Spanish, German or Arabic.

    :raises ValueError: a value not recognised (message for people).
    """
    if not (text or "").strip():
        return None
    gender = _GENDERS.get(key(text))
    if gender is None:
        raise ValueError(_("“%(value)s” is not a gender we recognise (woman, man or "
                           "other).", value=text))
    return gender
