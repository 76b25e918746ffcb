"""The public site, for anonymous visitors: home, the open projects catalogue with its filters,
a page per project, past projects; ``sitemap.xml`` and ``robots.txt``; and the health check.

Every page is light (its own small stylesheet, ``static/css/public.css``, and no script) and
names its language in its address, ``?lang=en|fr|ar`` (:mod:`aljisr.public.seo`).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from aljisr.dates import association_today
from aljisr.errors import RETRY_AFTER_SECONDS
from aljisr.extensions import db, limiter
from aljisr.i18n import LANGUAGES, _, current_language, url_language
from aljisr.permissions import public
from aljisr.projects.models import Project, ProjectStatus
from aljisr.public import queries, seo
from aljisr.public.forms import CatalogueFilterForm
from aljisr.templating import language_name
from aljisr.testimonials import queries as testimonial_queries

bp = Blueprint("public", __name__)

#: Open projects and testimonials the home page shows at most.
HOME_PROJECTS = 6
HOME_TESTIMONIALS = 3


@bp.after_request
def _vary_by_language(response: Response) -> Response:
    """An address without ``?lang=`` answers in the browser's language: caches must keep one
    copy per ``Accept-Language`` (RFC 9110 §12.5.5)."""
    if url_language() is None:
        response.vary.add("Accept-Language")
    return response


def apply_url(project: Project) -> str | None:
    """Where a visitor applies for ``project``: the applications form (``/apply``) with the
    project chosen, in the page's language, when the project is open; None otherwise (the page
    then shows no button)."""
    if project.status is not ProjectStatus.OPEN:
        return None
    return url_for("applications.apply", project=project.id, lang=current_language())


@bp.route("/")
@public
def index() -> Any:
    """Who the association is and what it does, its open projects and a few testimonials."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    language = current_language()
    projects = queries.open_projects()
    past = queries.past_projects()
    meta = seo.page_meta(
        "public.index", language,
        _("Al Jisr Association for Communication and Educational Cooperation"),
        _("Volunteer in Morocco with the Al Jisr Association: educational and environmental "
          "projects at schools and socio-educational centres, with volunteers from around "
          "the world."))
    return render_template(
        "public/index.html", meta=meta, projects=projects[:HOME_PROJECTS],
        more_projects=len(projects) > HOME_PROJECTS,
        places=queries.places_left(projects[:HOME_PROJECTS], association_today()),
        testimonials=testimonial_queries.published(language, limit=HOME_TESTIMONIALS),
        totals={"projects": len(past), "volunteers": sum(p.volunteers for p in past),
                "hours": sum(p.hours for p in past)},
        apply_urls={p.id: apply_url(p) for p in projects[:HOME_PROJECTS]})


@bp.route("/volunteer-projects")
@public
def catalogue() -> str:
    """The open projects, filtered by theme, SDG, site, month and language needed (a GET
    form); a value not offered is shown beside its field and ignored."""
    language = current_language()
    today = association_today()
    form = CatalogueFilterForm(formdata=request.args)
    every = queries.open_projects()
    form.offer(every, today, language, language_name)
    form.validate()
    filters = form.chosen()
    projects = queries.open_projects(filters) if filters.any else every
    meta = seo.page_meta(
        "public.catalogue", language, _("Volunteer projects open in Morocco"),
        _("Open volunteer projects of the Al Jisr Association in Morocco: dates, sites, "
          "places left, skills and languages needed. Filter by theme, goal, site or month."))
    return render_template(
        "public/catalogue.html", meta=meta, form=form, projects=projects,
        filtered=filters.any, places=queries.places_left(projects, today),
        apply_urls={p.id: apply_url(p) for p in projects})


def _steps(project: Project) -> list[int]:
    """Ids of ``project`` and of the other steps of the same work (its parent and the
    parent's phases, or its own phases): what volunteers said of an earlier step speaks for
    the next one."""
    first = project.parent or project
    return [first.id, *(phase.id for phase in first.phases)]


@bp.route("/volunteer-projects/<int:project_id>")
@public
def project(project_id: int) -> str:
    """One project: what it is, where and when, its phases, places left, what it needs, its
    goals, its funder where the funder may be named, and the published testimonials of it
    and of its other steps."""
    language = current_language()
    found = queries.public_project(project_id) or abort(404)
    text = found.public_description_in(language)
    meta = seo.page_meta(
        "public.project", language, found.title_in(language),
        text[1] if text else _("A volunteer project of the Al Jisr Association at %(site)s.",
                               site=found.site.name_in(language)),
        og_type="article", project_id=found.id)
    today = association_today()
    return render_template(
        "public/project.html", meta=meta, project=found, description=text,
        places=(queries.places_left([found], today)[found.id]
                if found.status is ProjectStatus.OPEN else None),
        testimonials=testimonial_queries.published(language, project_ids=_steps(found),
                                                   limit=20),
        apply_url=apply_url(found),
        show_funder=found.funder is not None and found.funder_public)


@bp.route("/past-projects")
@public
def past() -> str:
    """Completed projects: what was done, where, with how many volunteers and hours (no
    names)."""
    language = current_language()
    projects = queries.past_projects()
    meta = seo.page_meta(
        "public.past", language, _("Past projects"),
        _("What volunteers have built, renovated and taught with the Al Jisr Association in "
          "Morocco: completed projects, volunteers and hours given."))
    return render_template("public/past.html", meta=meta, projects=projects)


@bp.route("/sitemap.xml")
@public
def sitemap() -> Response:
    """Every public page in every language (the application form and its privacy notice
    too), each listing its alternates (sitemaps.org 0.9
    with ``xhtml:link`` alternates, as Google reads them)."""
    pages: list[tuple[str, dict[str, Any], Any]] = [
        ("public.index", {}, None), ("public.catalogue", {}, None), ("public.past", {}, None),
        ("applications.apply", {}, None), ("applications.privacy", {}, None)]
    pages += [("public.project", {"project_id": pid}, changed)
              for pid, changed in queries.sitemap_projects()]
    entries = [
        {"alternates": [(code, seo.language_url(endpoint, code, **values))
                        for code in LANGUAGES],
         "lastmod": changed}
        for endpoint, values, changed in pages
    ]
    body = render_template("public/sitemap.xml", entries=entries)
    return Response(body, mimetype="application/xml")


@bp.route("/robots.txt")
@public
def robots() -> Response:
    """Crawlers may read the public site and are asked to leave the back office alone (RFC
    9309); the sitemap's address follows."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {prefix}" for prefix in seo.back_office_prefixes(current_app)]
    lines += ["", f"Sitemap: {seo.absolute(url_for('public.sitemap'))}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.route("/healthz")
@limiter.exempt
@public
def healthz() -> tuple[dict[str, str], int] | tuple[dict[str, str], int, dict[str, str]]:
    """The app's health, for a load balancer or a monitor (README, "Production").

    - 200 ``{"status": "ok", "database": "ok", "rate_limits": "ok"}`` after a database round
      trip and a ping of the rate-limit storage;
    - 200 with ``"status": "degraded"`` and ``"rate_limits": "unavailable"`` when the storage
      (Redis) does not answer: pages are still served, each worker counting the limits in its
      own memory (config ``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``). Every worker shares that one
      Redis, so a 503 here would take every worker out of a load balancer at once for a fault
      that costs only the sharing of the counters; a monitor alerts on "degraded" instead;
    - 503 with ``Retry-After`` (seconds, :data:`aljisr.errors.RETRY_AFTER_SECONDS`, as every
      page answers then; RFC 9110 §10.2.3) when the database does not answer: no page can be
      served, and the header says when to ask again.

    ``"rate_limits": "off"`` when rate limiting is switched off (``RATELIMIT_ENABLED``).
    """
    rate_limits = _rate_limit_storage()
    try:
        queries.database_answers()
    except SQLAlchemyError:
        db.session.rollback()
        return ({"status": "unavailable", "database": "unreachable", "rate_limits": rate_limits},
                503, {"Retry-After": str(RETRY_AFTER_SECONDS)})
    status = "ok" if rate_limits in ("ok", "off") else "degraded"
    return {"status": status, "database": "ok", "rate_limits": rate_limits}, 200


def _rate_limit_storage() -> str:
    """``"ok"`` when the rate-limit storage answers a ping (the in-memory one always does),
    ``"unavailable"`` when it does not (within ``RATELIMIT_STORAGE_OPTIONS``' timeouts),
    ``"off"`` when rate limiting is switched off."""
    if not current_app.config.get("RATELIMIT_ENABLED", True) or not limiter.enabled:
        return "off"
    return "ok" if limiter.storage.check() else "unavailable"
