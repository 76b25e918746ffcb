"""What search engines and link previews read of a public page: its title and description,
its canonical address, the same page in the other languages (``hreflang``), Open Graph tags,
``sitemap.xml`` and ``robots.txt``.

Each language of a page has its own address, the page's path with ``?lang=en|fr|ar``
(:data:`aljisr.i18n.URL_LANGUAGE_BLUEPRINTS`), so that a crawler, which sends no cookie and
often no ``Accept-Language``, fetches every language (Google, "Tell Google about localized
versions of your page": one URL per language, each listing all of them and itself). The
address without ``lang`` is the ``x-default``: it answers in the browser's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request, url_for

from aljisr.i18n import LANGUAGES
from aljisr.permissions import Permission, declared_permission

#: Open Graph locale of each interface language (``og:locale``, language_TERRITORY).
OG_LOCALES = {"en": "en_GB", "fr": "fr_FR", "ar": "ar_MA"}

#: Longest meta description kept (search engines show about 155 characters).
DESCRIPTION_LENGTH = 160


@dataclass(frozen=True)
class PageMeta:
    """The head of a public page: ``alternates`` are ``(hreflang, absolute URL)`` for each
    language then ``x-default``; ``canonical`` is this language's URL (filters dropped)."""

    title: str
    description: str
    canonical: str
    alternates: tuple[tuple[str, str], ...]
    og_locale: str
    og_locale_alternates: tuple[str, ...]
    og_type: str = "website"


def absolute(path: str) -> str:
    """``path`` (from ``url_for``) on the public base address: ``PUBLIC_BASE_URL`` when set,
    else the address the request came to."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + path


def language_url(endpoint: str, language: str | None, **values: Any) -> str:
    """The absolute URL of ``endpoint`` in ``language`` (None: the ``x-default``)."""
    if language is not None:
        values["lang"] = language
    return absolute(url_for(endpoint, **values))


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def page_meta(endpoint: str, language: str, title: str, description: str,
              og_type: str = "website", **values: Any) -> PageMeta:
    """The :class:`PageMeta` of the page at ``endpoint`` (with ``values``, its path
    arguments) read in ``language``."""
    alternates = tuple((code, language_url(endpoint, code, **values)) for code in LANGUAGES)
    return PageMeta(
        title=title,
        description=shorten(description),
        canonical=language_url(endpoint, language, **values),
        alternates=(*alternates, ("x-default", language_url(endpoint, None, **values))),
        og_locale=OG_LOCALES[language],
        og_locale_alternates=tuple(OG_LOCALES[c] for c in LANGUAGES if c != language),
        og_type=og_type,
    )


def back_office_prefixes(app: Flask) -> list[str]:
    """The first path segment ("/volunteers") of every route that needs a login, sorted: what
    ``robots.txt`` asks crawlers to leave alone (its rules match prefixes, RFC 9309 §2.2.2).
    A segment that also holds public pages, or that begins a public one, is left out, so no
    public page is hidden by mistake."""
    private: set[str] = set()
    public: set[str] = set()
    for rule in app.url_map.iter_rules():
        segment = rule.rule.strip("/").split("/")[0]
        if not segment or segment.startswith("<"):
            continue
        permission = declared_permission(app.view_functions[rule.endpoint])
        (public if permission is Permission.PUBLIC else private).add(segment)
    return sorted(f"/{segment}" for segment in private
                  if not any(other.startswith(segment) for other in public))
