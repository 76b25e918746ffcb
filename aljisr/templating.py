"""Jinja globals and filters, all registered here: navigation by permission, direction, dates,
countries, and each area's formatting helpers (none reads the database, but for the
navigation's count of new applications shown to staff: docs/architecture.md §6.15)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel import Locale
from flask import Flask, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.urls import iri_to_uri

from aljisr.i18n import (
    LANGUAGES,
    _,
    _l,
    format_date,
    format_datetime,
    format_timestamp,
    get_locale,
    text_direction,
    translations,
)
from aljisr.permissions import Permission, has_permission
from aljisr.urls import url_if_exists


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any
    permission: Permission
    #: Less frequent pages sit in the "More" menu so the bar fits a laptop screen.
    more: bool = False


#: The main navigation; an item shows only to users holding its permission and whose
#: endpoint exists (areas register their blueprints independently).
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("main.home", _l("Overview"), Permission.SIGNED_IN),
    NavItem("volunteers.index", _l("Volunteers"), Permission.MANAGE_REGISTERS),
    NavItem("applications.index", _l("Applications"), Permission.MANAGE_REGISTERS),
    # under "More": at 1280 px the bar keeps room for the language box beside "Applications"
    NavItem("imports.index", _l("Import"), Permission.MANAGE_REGISTERS, more=True),
    NavItem("organisations.index", _l("Organisations"), Permission.MANAGE_REGISTERS, more=True),
    NavItem("sites.index", _l("Sites"), Permission.MANAGE_REGISTERS, more=True),
    NavItem("projects.index", _l("Projects"), Permission.MANAGE_REGISTERS),
    NavItem("placements.index", _l("Placements"), Permission.MANAGE_PLACEMENTS),
    NavItem("planner.index", _l("Season planner"), Permission.MANAGE_PLACEMENTS, more=True),
    NavItem("arrivals.board", _l("Arrivals board"), Permission.ARRIVALS_BOARD, more=True),
    NavItem("hours.queue", _l("Hours"), Permission.REVIEW_HOURS),
    NavItem("certificates.index", _l("Certificates"), Permission.ISSUE_CERTIFICATES),
    NavItem("reports.index", _l("Reports"), Permission.VIEW_REPORTS_ALL),
    NavItem("testimonials.queue", _l("Testimonials"), Permission.PUBLISH_TESTIMONIALS,
            more=True),
    NavItem("audit.index", _l("Audit log"), Permission.VIEW_AUDIT_LOG, more=True),
    NavItem("auth.invitations_index", _l("Invitations"), Permission.MANAGE_REGISTERS, more=True),
    NavItem("admin.users", _l("Users"), Permission.MANAGE_USERS, more=True),
    NavItem("admin.outbox", _l("Outbox"), Permission.READ_OUTBOX, more=True),
    NavItem("backups.index", _l("Backups"), Permission.READ_BACKUPS, more=True),
    NavItem("portal.hours", _l("My hours"), Permission.VOLUNTEER_PORTAL),
    NavItem("portal.certificates", _l("My certificates"), Permission.VOLUNTEER_PORTAL),
    NavItem("portal.profile", _l("My profile"), Permission.VOLUNTEER_PORTAL),
    NavItem("portal.testimonials", _l("My testimonials"), Permission.VOLUNTEER_PORTAL,
            more=True),
    NavItem("partners.volunteers", _l("Our volunteers"), Permission.PARTNER_PORTAL),
    NavItem("partners.hours", _l("Hours at our sites"), Permission.HOST_HOURS),
    NavItem("partners.imports", _l("Send volunteers"), Permission.SEND_VOLUNTEERS),
    NavItem("reports.mine", _l("Reports"), Permission.PARTNER_PORTAL),
    NavItem("calendars.feed", _l("Calendar"), Permission.SIGNED_IN, more=True),
)


def country_name(code: str | None) -> str:
    """The country's name for an ISO 3166-1 alpha-2 code, in the interface language."""
    if not code:
        return ""
    return (get_locale() or Locale("en")).territories.get(code.upper(), code)


def language_name(code: str | None) -> str:
    """The language's name for an ISO 639-1 code, in the interface language."""
    if not code:
        return ""
    return (get_locale() or Locale("en")).languages.get(code, code)


def date_text(value: date | None, format: str = "medium") -> str:  # noqa: A002
    """The ``date`` filter: a date in the interface language, "" for None."""
    return format_date(value, format) if value else ""


def file_size(size: int | None) -> str:
    """``size`` bytes in the reader's language: "12.3 MB", "12,3 Mo"; "" for None."""
    if size is None:
        return ""
    from flask_babel import format_decimal

    if size < 1024 * 1024:
        return _("%(number)s KB", number=format_decimal(size / 1024, format="#,##0.0"))
    return _("%(number)s MB", number=format_decimal(size / 1024 / 1024, format="#,##0.0"))


def status_badge(status: Any) -> Markup:
    """A status enum member as a badge, ``<span class="badge status-active">Active</span>``:
    its ``value`` names the colour rule in ``static/css/app.css``, its ``title`` is the
    translated text.

    A Python global rather than a Jinja macro: registers write one per row, and a macro call
    costs several times as much."""
    return Markup('<span class="badge status-{}">{}</span>').format(status.value, status.title)


def date_range(start: date | None, end: date | None) -> Markup:
    """"12 Sept 2026 – 30 Oct 2026", each date kept on one line and isolated (``<bdi>``: in
    Arabic a neighbouring "·" or digit cannot land inside "2027/03/25"), the range isolated
    as a whole too (either date may be None)."""
    return Markup('<bdi><bdi class="text-nowrap">{}</bdi> – <bdi class="text-nowrap">{}</bdi>'
                  '</bdi>').format(date_text(start), date_text(end))


def active_nav_endpoint(items: list[NavItem], endpoint: str | None) -> str | None:
    """The navigation item to highlight for the current ``endpoint``: the item itself, else the
    only item of the same blueprint (a register's detail page lights its list), else none."""
    if not endpoint:
        return None
    if any(item.endpoint == endpoint for item in items):
        return endpoint
    blueprint = endpoint.split(".")[0]
    same = [item.endpoint for item in items if item.endpoint.split(".")[0] == blueprint]
    return same[0] if len(same) == 1 else None


def list_url(changes: dict[str, Any]) -> str:
    """The current page's URL with some query arguments changed; a None or "" value drops
    one (sort headers and page links keep the list's filters this way)."""
    args: dict[str, Any] = dict(request.view_args or {})
    merged = request.args.to_dict()
    merged.update(changes)
    args.update((key, value) for key, value in merged.items() if value is not None and value != "")
    return url_for(request.endpoint, **args)  # type: ignore[arg-type]


def _nav_counts(nav: list[NavItem]) -> dict[str, int]:
    """Numbers shown beside navigation items: the confirmed applications waiting for a first
    look (one COUNT on an indexed column, for staff only). The one read of this module,
    made here because every page's navigation shows it (docs/architecture.md §6.15)."""
    if not any(item.endpoint == "applications.index" for item in nav):
        return {}
    from sqlalchemy.exc import SQLAlchemyError

    from aljisr.applications.queries import new_count

    try:
        return {"applications.index": new_count()}
    except SQLAlchemyError:  # an error page while the database is away: no number
        return {}


def init_templating(app: Flask) -> None:
    """Register the globals and filters every template may use: the one place where they are
    registered. They format and decide from what the view passed; none reads the database
    (a view passes everything its template shows)."""
    from aljisr.admin.audit_display import action_title, event_details, subject_url
    from aljisr.certificates.verify import isolated, ltr
    from aljisr.hours.views import format_hours
    from aljisr.partners.views import partner_sees_volunteer
    from aljisr.placements.views import (
        isodate,
        match_reasons,
        match_score,
        propose_form,
        transition_label,
    )
    from aljisr.projects.views import sdg_title, theme_title
    from aljisr.reports.views import report_hours, report_number
    from aljisr.volunteers.views import anonymous_name, language_level

    @app.context_processor
    def _globals() -> dict[str, Any]:
        locale = str(get_locale() or "en")
        nav = [
            item
            for item in NAVIGATION
            if item.endpoint in app.view_functions and has_permission(current_user, item.permission)
        ]
        return {
            "nav_items": nav,
            "nav_counts": _nav_counts(nav),
            "active_nav": active_nav_endpoint(nav, request.endpoint),
            "config_endpoints": app.view_functions,
            "current_locale": locale,
            "text_direction": text_direction(locale),
            "languages": LANGUAGES,
            "has_permission": lambda p: has_permission(current_user, Permission(p)),
        }

    # templates translate through aljisr.i18n too (one catalogue lookup per context)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_,
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.filters["date"] = date_text
    app.jinja_env.filters["datetimeformat"] = format_datetime
    app.jinja_env.filters["timestamp"] = format_timestamp
    app.jinja_env.filters["country"] = country_name
    app.jinja_env.filters["language"] = language_name
    app.jinja_env.filters["filesize"] = file_size
    app.jinja_env.filters["hours"] = format_hours
    app.jinja_env.filters["isodate"] = isodate
    app.jinja_env.filters["language_level"] = language_level
    app.jinja_env.filters["report_number"] = report_number
    app.jinja_env.filters["report_hours"] = report_hours
    app.jinja_env.globals["list_url"] = list_url
    app.jinja_env.globals["status_badge"] = status_badge
    app.jinja_env.globals["date_range"] = date_range
    app.jinja_env.globals["url_if_exists"] = url_if_exists
    # percent-encoded (a NUL or a space in the address stays out of the page's HTML)
    app.jinja_env.globals["request_path"] = lambda: iri_to_uri(request.full_path.rstrip("?"))
    app.jinja_env.globals["transition_label"] = transition_label
    app.jinja_env.globals["match_score"] = match_score
    app.jinja_env.globals["match_reasons"] = match_reasons
    app.jinja_env.globals["propose_form"] = propose_form
    app.jinja_env.globals["theme_title"] = theme_title
    app.jinja_env.globals["sdg_title"] = sdg_title
    app.jinja_env.globals["anonymous_name"] = anonymous_name
    app.jinja_env.globals["partner_sees_volunteer"] = partner_sees_volunteer
    app.jinja_env.globals["isolated"] = isolated
    app.jinja_env.globals["ltr"] = ltr
    app.jinja_env.globals["action_title"] = action_title
    app.jinja_env.globals["audit_subject_url"] = subject_url
    app.jinja_env.globals["audit_details"] = event_details
