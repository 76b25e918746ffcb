"""The applications blueprint: the public form (``/apply``, no account), its confirmation and
withdrawal links, the privacy notice, and the coordinators' inbox (``/applications/``).

The applicant's pages are public pages: the public layout (``public/base.html``, its small
stylesheet, no script) and their language in the address (``?lang=``), the form and the privacy
notice with their canonical and ``hreflang`` addresses (docs/architecture.md §6.18).

Each rate limit is defined once, at the top of this module.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from aljisr.applications import queries, services
from aljisr.applications.forms import (
    OTHER_ORGANISATION,
    AcceptForm,
    ApplyForm,
    DeclineForm,
    InboxFilterForm,
    LinkForm,
    ReviewForm,
    filled_too_fast,
    new_stamp,
)
from aljisr.applications.models import (
    APPLICATION_STATUS_TITLES,
    CONSENT_VERSION,
    HEARD_FROM_TITLES,
    MAX_PREFERENCES,
    Application,
)
from aljisr.applications.services import InvalidLink, LinkPurpose, PlacementRefused
from aljisr.database import utcnow
from aljisr.errors import DomainError
from aljisr.extensions import db, limiter
from aljisr.formfields import country_choices
from aljisr.i18n import LANGUAGES, _, get_locale, isolated_text
from aljisr.listing import parse_page
from aljisr.permissions import Permission, public, require
from aljisr.public import seo
from aljisr.text import clean_email
from aljisr.web import field_error, render_form, run_action

bp = Blueprint("applications", __name__)
log = logging.getLogger(__name__)


# --- rate limits (each defined once) ---------------------------------------------------------
#
# Only applications the form takes (recorded, or silently dropped as a script's) count: a form
# sent back with an error costs nothing, so a visitor's typos never lock them out.


def _apply_limit() -> str:
    """Applications per client address (config ``APPLY_RATE_LIMIT``)."""
    return current_app.config["APPLY_RATE_LIMIT"]


def _apply_email_limit() -> str:
    """Applications per e-mail address typed (config ``APPLY_EMAIL_RATE_LIMIT``)."""
    return current_app.config["APPLY_EMAIL_RATE_LIMIT"]


def _link_limit() -> str:
    """Confirmation and withdrawal submissions per client address (config
    ``PASSWORD_RESET_RATE_LIMIT``, the limit of every one-time link)."""
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _typed_email() -> str:
    """Key of the per-address limit: ``"apply:"`` and a SHA-256 of the address typed (trimmed,
    lower-case), so the limiter's storage holds no address; empty (no limit: the form refuses
    the request) when none was typed."""
    email = clean_email(request.form.get("email"))
    return f"apply:{hashlib.sha256(email.encode()).hexdigest()}" if email else ""


def _taken(response: Response) -> bool:
    """``deduct_when``: the form was taken (a redirect to the "check your e-mail" page)."""
    return response.status_code in (302, 303)


limit_per_address = limiter.limit(_apply_limit, methods=["POST"], deduct_when=_taken)
limit_per_email = limiter.limit(_apply_email_limit, methods=["POST"], key_func=_typed_email,
                                deduct_when=_taken)
limit_links = limiter.limit(_link_limit, methods=["POST"])


# --- the public form ---------------------------------------------------------------------------


def _locale() -> str:
    locale = str(get_locale() or "en")
    return locale if locale in LANGUAGES else "en"


def _project_label(project: Any, locale: str) -> str:
    from aljisr.i18n import format_date

    return isolated_text(project.title_in(locale), project.site.name_in(locale),
                         f"{format_date(project.start_date, 'medium')} – "
                         f"{format_date(project.end_date, 'medium')}")


def _prepare_apply(form: ApplyForm) -> list[Any]:
    locale = _locale()
    projects = queries.open_projects()
    options = [SelectChoice("", "—")] + [SelectChoice(p.id, _project_label(p, locale))
                                         for p in projects]
    for row in form.projects:
        row.form.project.choices = options
    form.sending_organisation_id.choices = (
        [SelectChoice("", _("None"))]
        + [SelectChoice(i, n) for i, n in queries.sending_organisations()]
        + [SelectChoice(OTHER_ORGANISATION, _("Another organisation (give its name)"))]
    )
    return projects


def _preselect(form: ApplyForm, projects: list[Any]) -> None:
    """``?project=<id>`` (once or more) fills the choices in order, open projects only."""
    open_ids = {p.id for p in projects}
    wanted: list[int] = []
    for raw in request.args.getlist("project")[:10]:
        if raw.isdigit() and int(raw) in open_ids and int(raw) not in wanted:
            wanted.append(int(raw))
    for row, project_id in zip(form.projects, wanted[:MAX_PREFERENCES], strict=False):
        row.form.project.data = project_id


@bp.route("/apply", methods=["GET", "POST"])
@limit_per_address
@limit_per_email
@public
def apply() -> Any:
    """The application form; ``?project=<id>`` (repeatable) preselects projects."""
    g.no_store = True
    form = ApplyForm()
    projects = _prepare_apply(form)
    if request.method == "GET":
        form.started.data = new_stamp()
        _preselect(form, projects)
    elif form.is_submitted() and (form.website.data or filled_too_fast(form.started.data)):
        # a script: dropped without a word, and answered as a person would be
        log.info("application dropped (%s)", "honeypot" if form.website.data else "too fast")
        return redirect(url_for("applications.sent", lang=_locale()))
    if form.validate_on_submit():
        try:
            services.submit_application(form.values(), locale=_locale())
        except DomainError as error:
            db.session.rollback()
            if error.field == "projects":
                form.projects.errors = [*form.projects.errors, error.message]
            else:
                field_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("applications.sent", lang=_locale()))
    while len(form.languages) < 3:  # room for more languages, without JavaScript
        form.languages.append_entry()
    meta = seo.page_meta(
        "applications.apply", _locale(), _("Apply to volunteer"),
        _("Apply to volunteer with the Al Jisr Association in Morocco: no account needed, "
          "up to three projects, your languages and dates; we answer by e-mail."))
    return render_form("applications/apply.html", form, has_projects=bool(projects),
                       max_preferences=MAX_PREFERENCES, meta=meta)


@bp.route("/apply/sent")
@public
def sent() -> str:
    """"Check your e-mail": the same page whatever happened to the form."""
    hours = int(current_app.config["TOKEN_MAX_AGE_HOURS"])
    return render_template("applications/sent.html", hours=hours)


@bp.route("/apply/privacy")
@public
def privacy() -> str:
    """The privacy notice, in the visitor's language (``?lang=``)."""
    meta = seo.page_meta(
        "applications.privacy", _locale(), _("Privacy notice for applicants"),
        _("How the Al Jisr Association keeps and uses the data of people who apply to "
          "volunteer, under Moroccan Law 09-08 and the GDPR: what, why, who sees it, how long."))
    return render_template(
        "applications/privacy.html", meta=meta, version=CONSENT_VERSION,
        retention_days=int(current_app.config["APPLICATION_RETENTION_DAYS"]),
        unconfirmed_days=int(current_app.config["APPLICATION_UNCONFIRMED_DAYS"]),
        volunteer_years=int(current_app.config["PERSONAL_DATA_RETENTION_YEARS"]),
    )


def _use_link(token: str, purpose: LinkPurpose) -> Any:
    g.no_store = True
    try:
        application = services.application_for_token(token, purpose)
    except InvalidLink as error:
        return render_template("applications/invalid_link.html", message=error.message), 410
    form = LinkForm()
    if form.validate_on_submit():
        try:
            if purpose is LinkPurpose.CONFIRM:
                services.confirm_application(token)
            else:
                services.withdraw_application(token)
        except InvalidLink as error:
            db.session.rollback()
            return render_template("applications/invalid_link.html",
                                   message=error.message), 410
        except DomainError as error:
            db.session.rollback()
            return render_template("applications/invalid_link.html",
                                   message=error.message), 409
        db.session.commit()
        return render_template("applications/done.html", purpose=purpose.value)
    return render_form("applications/link.html", form, application=application,
                       purpose=purpose.value)


@bp.route("/apply/confirm/<token>", methods=["GET", "POST"])
@limit_links
@public
def confirm(token: str) -> Any:
    """The double opt-in link: a button (POST) confirms, so a mail scanner opening the link
    confirms nothing."""
    return _use_link(token, LinkPurpose.CONFIRM)


@bp.route("/apply/withdraw/<token>", methods=["GET", "POST"])
@limit_links
@public
def withdraw(token: str) -> Any:
    """The applicant's withdrawal link (a button, as :func:`confirm`)."""
    return _use_link(token, LinkPurpose.WITHDRAW)


# --- the inbox --------------------------------------------------------------------------------


def _filter_form() -> InboxFilterForm:
    filters = InboxFilterForm(formdata=request.args)
    locale = _locale()
    any_choice = SelectChoice("", _("Any"))
    names = dict(country_choices())
    filters.nationality.choices = [any_choice] + [
        SelectChoice(code, names.get(code, code)) for code in queries.nationality_options()]
    filters.project.choices = [any_choice] + [
        SelectChoice(p.id, p.title_in(locale)) for p in queries.project_options()]
    filters.validate()
    return filters


@bp.route("/applications/")
@require(Permission.MANAGE_REGISTERS)
def index() -> str:
    """Confirmed applications, newest first, with search, filters and counts per status."""
    filters = _filter_form()
    active = filters.active_filters()
    page = queries.inbox_page(active, parse_page(request.args))
    # the status tabs keep the other filters
    keep = {k: v for k, v in request.args.items() if k not in ("status", "page")}
    return render_template("applications/index.html", page=page, filters=filters, keep=keep,
                           counts=queries.status_counts(active), active=active,
                           statuses=APPLICATION_STATUS_TITLES)


def _inbox_application(application_id: int) -> Application:
    return queries.inbox_application(application_id) or abort(404)


def _detail_context(application: Application) -> dict[str, Any]:
    return {"application": application, "duplicates": queries.likely_duplicates(application),
            "heard_from_titles": {h.value: t for h, t in HEARD_FROM_TITLES.items()},
            "review_form": ReviewForm(), "invitation": queries.invitation_sent(application)}


@bp.route("/applications/<int:application_id>")
@require(Permission.MANAGE_REGISTERS)
def detail(application_id: int) -> str:
    """One application beside its likely duplicate volunteers, with its actions."""
    application = _inbox_application(application_id)
    return render_template("applications/detail.html", **_detail_context(application))


@bp.route("/applications/<int:application_id>/review", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def review(application_id: int) -> Response:
    """new -> in review."""
    application = _inbox_application(application_id)
    return run_action(lambda: services.start_review(application, actor=current_user),
                      _("The application is in review."),
                      url_for("applications.detail", application_id=application.id))


def _default_dates(application: Application, project: Any) -> tuple[date, date]:
    """The project's dates cut to the applicant's availability (the project's own when they
    do not meet)."""
    start = max(project.start_date, application.available_from or project.start_date)
    end = min(project.end_date, application.available_to or project.end_date)
    return (start, end) if start <= end else (project.start_date, project.end_date)


def _prepare_accept(form: AcceptForm, application: Application, duplicates: list[Any]) -> None:
    form.volunteer.choices = [SelectChoice("", _("A new volunteer"))] + [
        SelectChoice(d.volunteer.id, isolated_text(
            d.volunteer.full_name, d.volunteer.email or "", f"#{d.volunteer.id}"))
        for d in duplicates]
    while len(form.placements) < len(application.preferences):
        form.placements.append_entry()
    while len(form.placements) > len(application.preferences):
        form.placements.pop_entry()


@bp.route("/applications/<int:application_id>/accept", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def accept(application_id: int) -> Any:
    """Accept: the volunteer (new or a likely duplicate), placements on preferred projects,
    the invitation; all in one transaction."""
    application = _inbox_application(application_id)
    duplicates = queries.likely_duplicates(application)
    form = AcceptForm()
    _prepare_accept(form, application, duplicates)
    if request.method == "GET":
        same_email = [d for d in duplicates if d.same_email] or (
            [d for d in duplicates if d.volunteer.id == application.volunteer_id])
        form.volunteer.data = same_email[0].volunteer.id if same_email else None
        for row, preference in zip(form.placements, application.preferences, strict=True):
            row.form.start_date.data, row.form.end_date.data = _default_dates(
                application, preference.project)
        # the first preferred project still taking volunteers is ticked: accepting without
        # a placement is a choice the coordinator makes (AcceptForm.without_placement)
        still_open = queries.open_project_ids([p.project_id for p in application.preferences])
        for row, preference in zip(form.placements, application.preferences, strict=True):
            if preference.project_id in still_open:
                row.form.propose.data = True
                break
    if form.validate_on_submit():
        chosen = form.volunteer.data
        volunteer = None
        if chosen:
            if chosen not in {d.volunteer.id for d in duplicates}:
                field_error(form, _("Choose one of the volunteers listed."), "volunteer")
                return _accept_page(form, application, duplicates)
            volunteer = queries.volunteer(chosen)
        placements = [
            (preference.project, row.form.start_date.data, row.form.end_date.data)
            for row, preference in zip(form.placements, application.preferences, strict=True)
            if row.form.propose.data
        ]
        rows = [i for i, row in enumerate(form.placements) if row.form.propose.data]
        started = utcnow().replace(microsecond=0)  # however finely the database keeps time
        try:
            accepted = services.accept_application(
                application, actor=current_user, volunteer=volunteer, placements=placements,
                role=form.role.data, invite=form.invite.data)
        except PlacementRefused as error:
            db.session.rollback()
            row = form.placements[rows[error.index]].form
            target = row[error.field] if error.field in ("start_date", "end_date") else (
                row.start_date)
            target.errors = [*target.errors, error.message]
            form.form_errors.append(_("A placement was refused; see its dates below."))
        except DomainError as error:
            db.session.rollback()
            field_error(form, error, "volunteer")
        else:
            invitation = queries.invitation_sent(application)
            db.session.commit()
            flash(_("Application accepted: %(name)s is a volunteer.",
                    name=accepted.full_name), "success")
            if invitation is not None and invitation.sent_at >= started:  # sent just now
                flash(_("An invitation to choose a password was e-mailed to %(email)s.",
                        email=invitation.email), "info")
            return redirect(url_for("applications.detail", application_id=application.id))
    return _accept_page(form, application, duplicates)


def _accept_page(form: AcceptForm, application: Application, duplicates: list[Any]) -> Any:
    return render_form("applications/accept.html", form, application=application,
                       duplicates=duplicates,
                       rows=list(zip(form.placements, application.preferences, strict=True)))


@bp.route("/applications/<int:application_id>/decline", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def decline(application_id: int) -> Any:
    """Decline with a reason sent to the applicant."""
    application = _inbox_application(application_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_application(application, actor=current_user,
                                         reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            field_error(form, error, "reason")
        else:
            db.session.commit()
            flash(_("Application declined; the applicant is told why."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    return render_form("applications/decline.html", form, application=application)

