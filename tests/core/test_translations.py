"""French and Arabic message catalogues: well formed, complete, in step with the code, used.

A deliberate rule: every string the code marks for translation has a French and an Arabic
translation, none empty, none fuzzy. A new string without translations fails this suite; the
fix is to run the translations update and translate what it added (see ``UPDATE_HINT``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.support import REPOSITORY

ROOT = REPOSITORY
TRANSLATIONS = ROOT / "aljisr" / "translations"
BABEL_CFG = ROOT / "aljisr" / "babel.cfg"

#: Plural forms per language, as Babel (CLDR) declares them.
PLURAL_FORMS = {"fr": 3, "ar": 6}

UPDATE_HINT = (
    "Run `flask --app aljisr translations update` (or the pybabel extract/update it wraps), "
    "then translate every new entry in aljisr/translations/fr/LC_MESSAGES/messages.po and "
    "aljisr/translations/ar/LC_MESSAGES/messages.po: no empty msgstr, no fuzzy flag, every "
    "plural form filled (fr: 3, ar: 6), placeholders kept as in the msgid."
)

#: ``%(name)s`` style placeholders; ``%%`` is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")


def _catalogue(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def _entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _placeholders(text: str) -> dict[str, str]:
    """``{name: conversion}`` of the named placeholders in ``text`` (``%%`` left out)."""
    return {name: kind for name, kind in PLACEHOLDER.findall(text) if kind != "%" and name}


def _sample(kinds: dict[str, str]) -> dict[str, Any]:
    return {name: 3 if kind in "diouxXc" else 2.5 if kind in "eEfFgG" else "x"
            for name, kind in kinds.items()}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> Iterator[None]:
    """Compile a catalogue whose .mo is missing or older than its .po (what `make
    translations` does), so the app tests below read the catalogues as committed."""
    for language in PLURAL_FORMS:
        folder = TRANSLATIONS / language / "LC_MESSAGES"
        po, mo = folder / "messages.po", folder / "messages.mo"
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with open(mo, "wb") as handle:
                write_mo(handle, _catalogue(language))
    yield


# --------------------------------------------------------------------------- well formed

@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_catalogue_parses_and_babel_check_finds_no_error(language):
    catalog = _catalogue(language)
    assert catalog.num_plurals == PLURAL_FORMS[language]
    assert len(_entries(catalog)) > 500
    errors = [(message.id, [str(error) for error in found]) for message, found in catalog.check()]
    assert errors == [], UPDATE_HINT


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_no_entry_is_untranslated_or_fuzzy(language):
    catalog = _catalogue(language)
    untranslated = [message.id for message in _entries(catalog)
                    if not all(form.strip() for form in _forms(message))]
    fuzzy = [message.id for message in _entries(catalog) if message.fuzzy]
    wrong_count = [message.id for message in _entries(catalog) if message.pluralizable
                   and len(_forms(message)) != PLURAL_FORMS[language]]
    assert untranslated == [], f"{language}: untranslated entries. {UPDATE_HINT}"
    assert fuzzy == [], f"{language}: fuzzy entries. {UPDATE_HINT}"
    assert wrong_count == [], f"{language}: plural entries without every form. {UPDATE_HINT}"


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_placeholders_of_every_form_match_the_msgid(language):
    """Stricter than ``Catalog.check()`` (which compares only the first two plural forms):
    a plain string keeps exactly the msgid's placeholders; a plural form uses only the msgid's
    placeholders, and the forms for "many" numbers keep them all (Arabic zero, one and two may
    spell the number out). Every translation survives ``%`` formatting, as templates format
    every string."""
    problems = []
    for message in _entries(catalog := _catalogue(language)):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = {}
        for text in ids:
            wanted.update(_placeholders(text))
        for index, form in enumerate(_forms(message)):
            found = _placeholders(form)
            if message.pluralizable:
                english = ids[0] if index == 0 else ids[-1]
                must_keep = set(_placeholders(english))
                may_drop = language == "ar" and index <= 2
                if not set(found) <= set(wanted) or (not may_drop and not must_keep <= set(found)):
                    problems.append((ids[0], index, form))
            elif found != wanted:
                problems.append((ids[0], index, form))
            if any(found[name] != wanted.get(name, found[name]) for name in found):
                problems.append((ids[0], index, form))
            try:
                form % _sample(wanted)
            except (KeyError, TypeError, ValueError) as error:
                problems.append((ids[0], index, f"{form!r}: {error}"))
    assert catalog.num_plurals == PLURAL_FORMS[language]
    assert problems == [], f"{language}: placeholders differ from the msgid"


def test_plural_forms_follow_each_language():
    """The header's plural rule picks the form written for it (Arabic: zero, one, two,
    3-10, 11-99, 100+)."""
    from gettext import c2py

    catalog = _catalogue("ar")
    form = c2py(catalog.plural_expr)
    days = catalog["%(num)d day"].string
    assert [days[form(n)] for n in (0, 1, 2, 3, 11, 100)] == [
        "%(num)d يوم", "يوم واحد", "يومان", "%(num)d أيام", "%(num)d يومًا", "%(num)d يوم"]
    french = _catalogue("fr")
    form = c2py(french.plural_expr)
    days = french["%(num)d day"].string
    assert [days[form(n)] for n in (0, 1, 2)] == ["%(num)d jour", "%(num)d jour", "%(num)d jours"]


# --------------------------------------------------------------------------- in step with code

def _extracted_msgids() -> set[str]:
    """The msgids the code marks today, extracted as the translations update does (same
    mapping file, ``_l`` keyword, and directories starting with "_" such as _macros kept)."""
    with open(BABEL_CFG, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(BABEL_CFG))
    keywords = {**DEFAULT_KEYWORDS, "_l": None}

    def keep(path: str) -> bool:
        name = os.path.basename(path)
        return not name.startswith(".") and name != "__pycache__"

    found = set()
    for folder in (ROOT / "aljisr", ROOT / "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                folder, method_map, options_map, keywords=keywords, directory_filter=keep):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_in_the_code_is_in_both_catalogues():
    extracted = _extracted_msgids()
    assert "Volunteers" in extracted and "Previous" in extracted  # templates/_macros included
    for language in PLURAL_FORMS:
        known = {message.id[0] if isinstance(message.id, tuple) else message.id
                 for message in _entries(_catalogue(language))}
        missing = sorted(extracted - known)
        assert missing == [], (
            f"{len(missing)} string(s) of the code have no {language} translation: "
            f"{missing[:10]}. {UPDATE_HINT}")


# --------------------------------------------------------------------------- through the app

def _translation(language: str, msgid: str) -> str:
    return _catalogue(language)[msgid].string


def _navigation(html: str) -> str:
    """The main navigation bar of a page."""
    return html[html.index("<nav"):html.index("</nav>")]


def test_coordinator_home_in_arabic_is_rtl_with_arabic_navigation(as_role):
    client, _user = as_role("coordinator")
    client.post("/language", data={"language": "ar", "next": "/home"})
    html = client.get("/home").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert _translation("ar", "Volunteers") == "المتطوعون"
    navigation = _navigation(html)
    for label in ("Volunteers", "Projects", "Placements", "Certificates", "Reports"):
        assert re.search(rf">\s*{_translation('ar', label)}\s*<", navigation), label
        assert not re.search(rf">\s*{label}\s*<", navigation), label


def test_coordinator_home_in_french(as_role):
    client, _user = as_role("coordinator")
    client.post("/language", data={"language": "fr", "next": "/home"})
    html = client.get("/home").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    navigation = _navigation(html)
    assert re.search(r">\s*Bénévoles\s*<", navigation)
    assert not re.search(r">\s*Volunteers\s*<", navigation)


def test_login_page_in_french_from_the_browser_language(client):
    html = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(
        as_text=True)
    assert _translation("fr", "Sign in") == "Se connecter"
    assert "Se connecter" in html
    assert _translation("fr", "Password") in html
    assert ">Sign in<" not in html


def test_plural_and_placeholder_rendered_in_arabic(app):
    from aljisr.i18n import _, force_locale, ngettext

    with app.test_request_context(), force_locale("ar"):
        assert ngettext("%(num)d day", "%(num)d days", 2) == "يومان"
        assert ngettext("%(num)d day", "%(num)d days", 7) == "7 أيام"
        assert ngettext("%(num)d day", "%(num)d days", 12) == "12 يومًا"
        assert _("Invitation sent to %(email)s.", email="a@b.ma") == "أُرسلت الدعوة إلى a@b.ma."
    with app.test_request_context(), force_locale("fr"):
        assert ngettext("%(num)d entry approved.", "%(num)d entries approved.", 1) == (
            "1 saisie approuvée.")
        assert ngettext("%(num)d entry approved.", "%(num)d entries approved.", 4) == (
            "4 saisies approuvées.")


def test_force_locale_inside_a_request_and_back(app):
    """The locale, catalogue and formatted dates are kept per request; a forced language
    (a certificate, an e-mail) uses its own, and the request's come back after it."""
    from datetime import date

    from aljisr.i18n import _, _l, force_locale, format_date, get_locale
    from aljisr.projects.models import ProjectStatus

    day = date(2026, 9, 30)
    lazy = _l("Volunteers")
    # each request has its own app context (and g), as in the server
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "fr"}):
        assert str(get_locale()) == "fr"
        assert _("Volunteers") == str(lazy) == "Bénévoles"
        assert format_date(day) == "30 sept. 2026"
        with force_locale("ar"):
            assert str(get_locale()) == "ar"
            assert _("Volunteers") == str(lazy) == _translation("ar", "Volunteers")
            assert format_date(day) != "30 sept. 2026" and "2026" in format_date(day)
            with force_locale("en"):
                assert format_date(day) == "Sep 30, 2026"
                assert ProjectStatus.OPEN.title == "Open"
            assert _("Volunteers") == _translation("ar", "Volunteers")
        assert _("Volunteers") == "Bénévoles"
        assert format_date(day) == "30 sept. 2026"
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        assert _("Volunteers") == "Volunteers" and format_date(day) == "Sep 30, 2026"


def test_no_marked_string_escapes_extraction():
    """Every literal the Python code passes to a gettext function reaches the catalogue.
    Babel skips a call nested in another gettext call's arguments: such a sentence stays in
    English in every language without any other test noticing."""
    import ast

    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    functions = {"_", "_l", "gettext", "lazy_gettext", "ngettext"}
    missed = []
    for path in (ROOT / "aljisr").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in functions and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and node.args[0].value not in known):
                missed.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[0].value!r}")
    assert missed == []


@pytest.mark.parametrize(("day", "fmt", "locale", "expected"), [
    (date(2025, 9, 1), "long", "fr", "1er septembre 2025"),
    (date(2026, 11, 1), "full", "fr", "dimanche 1er novembre 2026"),
    (date(2001, 1, 1), "medium", "fr", "1er janv. 2001"),
    (date(2025, 9, 11), "long", "fr", "11 septembre 2025"),
    (date(2025, 9, 1), "short", "fr", "01/09/2025"),
    (date(2025, 9, 1), "long", "en", "September 1, 2025"),
    (date(2025, 9, 1), "long", "ar", None),
])
def test_french_writes_the_first_of_the_month_as_an_ordinal(day, fmt, locale, expected):
    import babel.dates

    from aljisr.i18n import first_of_month

    text = babel.dates.format_date(day, fmt, locale=locale)
    assert first_of_month(text, day, locale) == (expected or text)


def test_a_timestamp_on_the_first_of_the_month_reads_1er_in_french(app):
    from datetime import UTC, datetime

    from aljisr.i18n import force_locale, format_datetime

    with app.test_request_context(), force_locale("fr"):
        # 23:30 UTC on 31 October is 00:30 on 1 November in Casablanca (UTC+1)
        assert format_datetime(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)).startswith("1er nov.")
        assert format_datetime(datetime(2026, 11, 1, 12, 0, tzinfo=UTC)).startswith("1er nov.")


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "Nov 1, 2026, 12:30\u202fAM"),  # CLDR: a narrow no-break space before AM
    ("fr", "1er nov. 2026, 00:30"),
    # the date as Arabic pages write dates, the Arabic comma, then the time
    ("ar", "01\u200f/11\u200f/2026، 12:30 ص"),
])
def test_timestamps_join_date_and_time_as_the_language_does(app, as_role, locale, expected):
    """Recorded and audit times read like the dates around them, in the association's zone:
    23:30 UTC on 31 October is 00:30 on 1 November in Casablanca (UTC+1)."""
    from datetime import UTC, datetime

    from aljisr.i18n import force_locale, format_timestamp

    with app.test_request_context(), force_locale(locale):
        assert format_timestamp(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == expected
