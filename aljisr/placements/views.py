"""Placement pages: list, detail with status changes, proposing, moving dates, and matching.

Thin views: parse the form, call one service of :mod:`aljisr.placements.services`, commit
once, flash, redirect; a :class:`~aljisr.errors.DomainError` becomes an error beside its field
and the form is shown again with what was typed (status 422, never 500).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from aljisr import once
from aljisr.arrivals import queries as arrival_queries
from aljisr.certificates import queries as certificate_queries
from aljisr.dates import association_today
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.formfields import PICK_LIMIT, PickerField, exact_pick, pick_message
from aljisr.hours import queries as hours_queries
from aljisr.i18n import _, _l, format_date, isolated_text
from aljisr.listing import parse_page, parse_sort
from aljisr.permissions import Permission, has_permission, require
from aljisr.placements import queries, services
from aljisr.placements.forms import (
    STATUS_ANY,
    DatesForm,
    PlacementFilterForm,
    PlacementForm,
    TransitionForm,
)
from aljisr.placements.matching import score
from aljisr.placements.models import ONGOING_STATUSES, Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.volunteers.models import Volunteer
from aljisr.web import field_error, form_status, render_form

bp = Blueprint("placements", __name__, url_prefix="/placements")

#: How many ranked candidates a matching page shows at first (``?show=all`` for every one).
MATCH_PAGE = 50
#: How many excluded candidates a matching page lists (the rest are counted).
EXCLUDED_SHOWN = 50

#: Flash message after each status change.
DONE_MESSAGES = {
    PlacementStatus.CONFIRMED: _l("Placement confirmed."),
    PlacementStatus.ACTIVE: _l("Placement started."),
    PlacementStatus.COMPLETED: _l("Placement completed."),
    PlacementStatus.CANCELLED: _l("Placement cancelled."),
    PlacementStatus.WITHDRAWN: _l("Placement withdrawn."),
}

#: The button that moves a placement to each status.
TRANSITION_LABELS = {
    PlacementStatus.CONFIRMED: _l("Confirm"),
    PlacementStatus.ACTIVE: _l("Start placement"),
    PlacementStatus.COMPLETED: _l("Complete"),
    PlacementStatus.CANCELLED: _l("Cancel placement"),
    PlacementStatus.WITHDRAWN: _l("Withdraw"),
}


# --- formatting for templates (registered in aljisr.templating) -------------------------------


def transition_label(status: PlacementStatus) -> str:
    """The label of the button that moves a placement to ``status``."""
    return str(TRANSITION_LABELS[status])


def isodate(value: str | None) -> date | None:
    """ "2026-09-01" -> date(2026, 9, 1) (for dates kept as text in audit details)."""
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


# The matching pages draw one row per candidate (50 at first, every one with ``show=all``):
# their cells are written by these Python globals rather than Jinja macros, whose calls cost
# several times as much, and with ``escape`` (C) rather than ``Markup.format`` (a pure-Python
# formatter: 20 µs a call, 350 calls a page) (docs/architecture.md §6.21).


def match_score(match: Any) -> Markup:
    """A :class:`~aljisr.placements.matching.Match`'s score, written out and as a bar."""
    value = int(match.score)
    return Markup(  # noqa: S704 - an int
        f'<div class="match-score fw-semibold">{value}</div>\n<meter class="match-meter" '
        f'min="0" max="100" low="40" high="70" optimum="100" value="{value}" '
        f'aria-hidden="true">{value}</meter>')


def match_reasons(match: Any) -> Markup:
    """A match's reasons (:attr:`Match.reasons`), one line each with its points as a badge:
    green when full, amber when partial, plain when none."""
    lines = []
    for reason in match.reasons:
        points, most = int(reason.points), int(reason.max_points)
        badge = ("text-bg-success" if points == most
                 else "text-bg-warning" if points else "text-bg-light border")
        lines.append(f'<li><span class="badge rounded-pill {badge}">{points}/{most}</span> '
                     f"{escape(reason.text)}</li>")
    return Markup('<ul class="list-unstyled small mb-0 match-reasons">'  # noqa: S704 - escaped
                  + "\n".join(lines) + "</ul>")


def propose_form(match: Any, label: str) -> Markup:
    """A "Propose" form for one match: posts its volunteer and project to ``placements.new``
    with the suggested dates, editable within the project's open dates; ``label`` names the
    button for screen readers ("Propose Yasmine Haddad"). The action, the CSRF token and the
    words are the same for every row: built once per request (``g``)."""
    from flask_wtf.csrf import generate_csrf

    common = g.get("propose_form")
    if common is None:
        common = g.propose_form = (
            escape(url_for("placements.new")), escape(generate_csrf()),
            escape(_("First day")), escape(_("Last day")), escape(_("Propose")))
    action, token, first_day, last_day, propose = common
    volunteer, project = int(match.candidate.volunteer_id), int(match.project.project_id)
    key = f"{volunteer}-{project}"
    low, high = match.project.start_date.isoformat(), match.project.end_date.isoformat()
    return Markup(  # noqa: S704 - every value escaped, an int or an ISO date
        f'<form method="post" action="{action}" class="d-flex flex-wrap align-items-center '
        f'gap-1 propose-form">\n'
        f'<input type="hidden" name="csrf_token" value="{token}">\n'
        f'<input type="hidden" name="volunteer" value="{volunteer}">\n'
        f'<input type="hidden" name="project" value="{project}">\n'
        f'<label class="visually-hidden" for="start-{key}">{first_day}</label>\n'
        f'<input class="form-control form-control-sm propose-date" type="date" '
        f'name="start_date" required id="start-{key}" '
        f'value="{match.suggested_start.isoformat()}" min="{low}" max="{high}">\n'
        f'<label class="visually-hidden" for="end-{key}">{last_day}</label>\n'
        f'<input class="form-control form-control-sm propose-date" type="date" '
        f'name="end_date" required id="end-{key}" '
        f'value="{match.suggested_end.isoformat()}" min="{low}" max="{high}">\n'
        f'<button type="submit" class="btn btn-sm btn-primary" aria-label="{escape(label)}">'
        f"{propose}</button>\n</form>")


# --- helpers ---------------------------------------------------------------------------------


def _placement_or_404(placement_id: int) -> Placement:
    placement = queries.placement_detail(current_user, placement_id)
    if placement is None:
        abort(404)
    return placement


def _volunteer_or_404(volunteer_id: int | None) -> Volunteer:
    volunteer = (
        queries.scoped_volunteer(current_user, volunteer_id)
        if volunteer_id
        else None
    )
    if volunteer is None:
        abort(404)
    return volunteer


def _project_or_404(project_id: int | None) -> Project:
    project = (
        queries.scoped_project(current_user, project_id)
        if project_id
        else None
    )
    if project is None:
        abort(404)
    return project


# --- list ------------------------------------------------------------------------------------


def _filters(form: PlacementFilterForm) -> queries.PlacementFilters:
    """Filters from the GET form; a field with an error is ignored (and shown beside itself)."""
    form.validate()

    def value(name: str) -> Any:
        field = form[name]
        return None if field.errors else field.data

    status_value = value("status")
    return queries.PlacementFilters(
        status=PlacementStatus(status_value) if status_value not in (None, STATUS_ANY) else None,
        project_id=value("project"),
        site_id=value("site"),
        volunteer_id=request.args.get("volunteer_id", type=int),
        date_from=value("date_from"),
        date_to=value("date_to"),
        q=value("q"),
    )


@bp.route("/")
@require(Permission.MANAGE_PLACEMENTS)
def index() -> str:
    form = PlacementFilterForm(request.args)
    form.set_choices(*queries.filter_choices(current_user, request.args.get("site", type=int),
                                             request.args.get("project", type=int)))
    filters = _filters(form)
    sort = parse_sort(request.args, queries.SORTS, queries.DEFAULT_SORT, "desc")
    page = queries.placement_page(current_user, filters, sort, parse_page(request.args))
    return render_template("placements/index.html", form=form, page=page, filters=filters,
                           sort=sort)


# --- detail and status -----------------------------------------------------------------------


def _render_detail(
    placement: Placement,
    *,
    failed: PlacementStatus | None = None,
    form: TransitionForm | None = None,
) -> tuple[str, int]:
    """The placement page: its record, history, hours (2 queries) and, for a user who issues
    certificates, its certificates (1 query)."""
    certificates = (
        certificate_queries.for_placement(placement.id)
        if has_permission(current_user, Permission.ISSUE_CERTIFICATES)
        else None
    )
    html = render_template(
        "placements/detail.html",
        placement=placement,
        history=queries.placement_history(placement.id),
        placement_hours=hours_queries.placement_hours(placement.id),
        placement_certificates=certificates,
        allowed=services.allowed_transitions(placement),
        reason_required=services.REASON_REQUIRED,
        verbs=services.TRANSITION_VERBS,
        can_change_dates=placement.status in services.DATES_CHANGEABLE,
        today=association_today(),
        failed=failed,
        failed_form=form,
        arrival=arrival_queries.details(placement.id),
        can_edit_arrival=placement.status in ONGOING_STATUSES,
    )
    return html, form_status(form)


@bp.route("/<int:placement_id>")
@require(Permission.MANAGE_PLACEMENTS)
def detail(placement_id: int) -> Any:
    return _render_detail(_placement_or_404(placement_id))


@bp.route("/<int:placement_id>/status", methods=["POST"])
@require(Permission.MANAGE_PLACEMENTS)
def transition(placement_id: int) -> Any:
    placement = _placement_or_404(placement_id)
    form = TransitionForm()
    target = form.target() if form.validate_on_submit() else None
    if target is None:
        field_error(form, _("Choose one of the buttons."), "reason")
        return _render_detail(placement, failed=None, form=form)
    try:
        services.transition(placement, target, actor=current_user, reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        placement = _placement_or_404(placement_id)
        # a rule of the move itself (its dates, its status) stands above the buttons
        field_error(form, error if error.field == "reason" else error.message)
        return _render_detail(placement, failed=target, form=form)
    db.session.commit()
    flash(str(DONE_MESSAGES[target]), "success")
    return redirect(url_for("placements.detail", placement_id=placement_id))


# --- proposing -------------------------------------------------------------------------------


def _volunteer_option(row: Any) -> tuple[int, str]:
    vid, name, email = row
    return vid, isolated_text(name, email)


def _project_option(row: Any) -> tuple[int, str]:
    pid, title, start, end = row
    return pid, isolated_text(title, f"{start.isoformat()} – {end.isoformat()}")


def _fill_picker(field: PickerField, chosen: Any, picks: Any, option: Any) -> None:
    """``field``'s choices: the record chosen (``chosen(user, id)``, one query) and the first
    :data:`PICK_LIMIT` matches of what was typed (``picks(user, query, limit)``, one query),
    and what the line under it counts (``found``: the chosen one included when it matches)."""
    options: list[tuple[Any, str]] = [("", _("— choose —"))]
    row = chosen(current_user, field.data) if field.data else None
    if row is not None:
        options.append(option(row))
    if field.query:
        rows = picks(current_user, field.query, PICK_LIMIT + 1)
        field.more = len(rows) > PICK_LIMIT
        listed = rows[:PICK_LIMIT]
        field.found = len(listed)
        field.chosen_apart = row is not None and all(r[0] != row[0] for r in listed)
        options += [option(r) for r in listed if row is None or r[0] != row[0]]
    field.choices = options


def _choose_typed(field: PickerField, picks: Any, option: Any) -> None:
    """Nothing chosen but a name typed that names exactly one record (``exact_pick``): that
    record is chosen, as the combobox chooses it when one leaves the box (one query)."""
    if field.data or not field.query:
        return
    rows = picks(current_user, field.query, 2)
    if rows and exact_pick(field.query, rows, option(rows[0])[1]):
        field.choose(rows[0][0])


def _picked(picks: Any, option: Any) -> Response:
    """The JSON of a picker's combobox (``?q=`` the text typed): the first
    :data:`PICK_LIMIT` matches, whether more match, the sentence to show and announce, and
    ``exact``, the value of the only match when the text names it exactly (``exact_pick``:
    the combobox chooses it when one leaves the box), else null."""
    query = " ".join(request.args.get("q", "").split())[:200]
    rows = picks(current_user, query, PICK_LIMIT + 1) if query else []
    more = len(rows) > PICK_LIMIT
    found = [option(r) for r in rows[:PICK_LIMIT]]
    exact = found[0][0] if found and exact_pick(query, rows, found[0][1]) else None
    return jsonify({"options": [{"value": v, "label": label} for v, label in found],
                    "more": more, "message": pick_message(query, len(found), more),
                    "exact": exact})


@bp.route("/new/volunteers")
@require(Permission.MANAGE_PLACEMENTS)
def pick_volunteer() -> Response:
    return _picked(queries.volunteer_picks, _volunteer_option)


@bp.route("/new/projects")
@require(Permission.MANAGE_PLACEMENTS)
def pick_project() -> Response:
    return _picked(queries.project_picks, _project_option)


def _default_dates(volunteer: Volunteer | None, project: Project | None) -> tuple[Any, Any]:
    """The proposal's default dates: the longest free run of the volunteer's availability in
    the project, else the project's dates."""
    if project is None:
        return None, None
    if volunteer is not None:
        match = score(queries.candidate_profile(volunteer),
                      queries.project_needs(project, association_today()))
        if match.suggested_start:
            return match.suggested_start, match.suggested_end
    return project.start_date, project.end_date


def _arg_date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.MANAGE_PLACEMENTS)
def new() -> Any:
    form = PlacementForm()
    if request.method == "GET":
        volunteer_id = request.args.get("volunteer_id", type=int)
        project_id = request.args.get("project_id", type=int)
        volunteer = _volunteer_or_404(volunteer_id) if volunteer_id else None
        project = _project_or_404(project_id) if project_id else None
        form.volunteer.data = volunteer.id if volunteer else None
        form.project.data = project.id if project else None
        start, end = _default_dates(volunteer, project)
        form.start_date.data = _arg_date("start_date") or start
        form.end_date.data = _arg_date("end_date") or end
        return _render_new(form)
    if request.form.get("pick"):
        # Search pressed (no JavaScript): the form again, the matches listed, nothing checked
        return _render_new(form)
    _choose_typed(form.volunteer, queries.volunteer_picks, _volunteer_option)
    _choose_typed(form.project, queries.project_picks, _project_option)
    if form.validate_on_submit():
        volunteer = queries.scoped_volunteer(current_user, form.volunteer.data)
        project = queries.scoped_project(current_user, form.project.data)
        if volunteer is None:
            field_error(form, _("Choose a volunteer."), "volunteer")
        if project is None:
            field_error(form, _("Choose a project."), "project")
        earlier = once.claim(form) if volunteer and project else None
        if earlier is not None:
            return earlier
        if volunteer is not None and project is not None:
            try:
                placement = services.propose_placement(
                    volunteer,
                    project,
                    form.start_date.data,
                    form.end_date.data,
                    actor=current_user,
                    role=form.role.data,
                    override_reason=form.override_reason.data,
                    notes=form.notes.data,
                )
            except DomainError as error:
                db.session.rollback()
                field_error(form, error)
            else:
                url = url_for("placements.detail", placement_id=placement.id)
                once.settle(form, url)
                db.session.commit()
                flash(_("Placement proposed."), "success")
                if services.outside_availability(volunteer, placement.start_date,
                                                 placement.end_date):
                    flash(_("%(name)s said they are available %(dates)s: check these dates "
                            "with them.", name=volunteer.full_name,
                            dates=_availability(volunteer)), "warning")
                if placement.end_date < association_today():
                    flash(_("These dates are over: the placement is recorded as proposed, "
                            "for the record. Confirm, start and complete it to issue its "
                            "certificate."), "warning")
                return redirect(url)
    return _render_new(form)


def _availability(volunteer: Volunteer) -> str:
    """The volunteer's stated availability in words ("from 1 May 2027 to 30 June 2027")."""
    start, end = volunteer.available_from, volunteer.available_to
    if start and end:
        return _("from %(start)s to %(end)s", start=format_date(start), end=format_date(end))
    if start:
        return _("from %(start)s", start=format_date(start))
    return _("until %(end)s", end=format_date(end))


def _render_new(form: PlacementForm) -> tuple[str, int]:
    """The proposal form with its two pickers filled (four queries at most, whatever the
    number of volunteers and projects)."""
    _fill_picker(form.volunteer, queries.volunteer_pick, queries.volunteer_picks,
                 _volunteer_option)
    _fill_picker(form.project, queries.project_pick, queries.project_picks, _project_option)
    form.volunteer.source_url = url_for("placements.pick_volunteer")
    form.project.source_url = url_for("placements.pick_project")
    return render_form("placements/form.html", form)


@bp.route("/<int:placement_id>/dates", methods=["GET", "POST"])
@require(Permission.MANAGE_PLACEMENTS)
def edit_dates(placement_id: int) -> Any:
    placement = _placement_or_404(placement_id)
    form = DatesForm(obj=placement if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.change_dates(
                placement,
                form.start_date.data,
                form.end_date.data,
                actor=current_user,
                reason=form.reason.data,
                override_reason=form.override_reason.data,
            )
        except DomainError as error:
            db.session.rollback()
            placement = _placement_or_404(placement_id)
            field_error(form, error)
        else:
            db.session.commit()
            flash(_("Dates changed."), "success")
            return redirect(url_for("placements.detail", placement_id=placement_id))
    return render_form("placements/dates.html", form, placement=placement)


# --- matching --------------------------------------------------------------------------------


@bp.route("/match/project/<int:project_id>")
@require(Permission.MANAGE_PLACEMENTS)
def match_for_project(project_id: int) -> str:
    project = _project_or_404(project_id)
    found = queries.match_project(project, association_today(), shown=EXCLUDED_SHOWN)
    show_all = request.args.get("show") == "all"
    return render_template(
        "placements/match_project.html",
        project=project,
        peak=found.peak,
        today=association_today(),
        ranked=found.ranked if show_all else found.ranked[:MATCH_PAGE],
        ranked_total=len(found.ranked),
        excluded=found.excluded,
        excluded_total=found.excluded_total,
        excluded_counts=found.excluded_counts,
        show_all=show_all,
    )


@bp.route("/match/volunteer/<int:volunteer_id>")
@require(Permission.MANAGE_PLACEMENTS)
def match_for_volunteer(volunteer_id: int) -> str:
    volunteer = _volunteer_or_404(volunteer_id)
    ranked, excluded = queries.match_volunteer(volunteer, association_today())
    show_all = request.args.get("show") == "all"
    return render_template(
        "placements/match_volunteer.html",
        volunteer=volunteer,
        ranked=ranked if show_all else ranked[:MATCH_PAGE],
        ranked_total=len(ranked),
        excluded=excluded[:EXCLUDED_SHOWN],
        excluded_total=len(excluded),
        excluded_counts=_count_by_reason(excluded),
        show_all=show_all,
    )


def _count_by_reason(excluded: list[Any]) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for match in excluded:
        counts[match.exclusion] = counts.get(match.exclusion, 0) + 1
    return counts
