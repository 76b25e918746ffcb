"""Season planner pages: plan a run, read its result, accept all or part of it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from aljisr.dates import association_today
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.formfields import country_choices
from aljisr.i18n import _, format_date, format_decimal, ngettext
from aljisr.permissions import Permission, require
from aljisr.placements.matching import score
from aljisr.planner import queries, services
from aljisr.planner.forms import AcceptForm, PlanForm, WishesForm
from aljisr.planner.models import PlanningRun
from aljisr.planner.solver import Outcome, Weights
from aljisr.volunteers.queries import get_volunteer, sending_organisation_options
from aljisr.web import field_error

bp = Blueprint("planner", __name__, url_prefix="/planner")


def _plan_form() -> PlanForm:
    form = PlanForm()
    any_choice = SelectChoice("", _("Any"))
    form.nationality.choices = [any_choice] + [SelectChoice(c, n) for c, n in country_choices()]
    form.sending_organisation.choices = [any_choice] + [
        SelectChoice(i, n) for i, n in sending_organisation_options()]
    today = association_today()
    options = queries.project_options(today)
    form.projects.choices = [SelectChoice(p.id, _project_label(p)) for p in options]
    if request.method == "GET":
        form.projects.data = [p.id for p in options]
    return form


def _project_label(p: Any) -> Markup:
    """A project's checkbox label: its title isolated in <bdi> (a Latin title would run into
    its dates in an Arabic sentence), its dates and capacity."""
    sentence = _("%(title)s (%(start)s – %(end)s, %(capacity)d a day)", title="{title}",
                 start=format_date(p.start_date), end=format_date(p.end_date),
                 capacity=p.capacity)
    return escape(sentence).replace("{title}", Markup("<bdi>{}</bdi>").format(p.title))


def _render_index(form: PlanForm, status: int = 200) -> tuple[str, int]:
    return render_template("planner/index.html", form=form, runs=queries.recent_runs()), status


@bp.route("/", methods=["GET", "POST"])
@require(Permission.MANAGE_PLACEMENTS)
def index() -> Any:
    form = _plan_form()
    if request.method == "GET":
        return _render_index(form)
    if not form.validate_on_submit():
        return _render_index(form, 422)
    plan = services.RunRequest(
        filters=form.filters(),
        project_ids=form.projects.data or [],
        weights=Weights(form.weight_match.data, form.weight_wishes.data,
                        form.weight_org_wishes.data, form.weight_mixing.data),
        time_limit=float(form.time_limit.data),
        one_project_each=bool(form.one_project_each.data),
        must=form.must.pins,
        must_not=form.must_not.pins,
    )
    try:
        run = services.run_planner(plan, actor=current_user, today=association_today())
    except services.PinsRefused as error:
        db.session.rollback()
        for name, messages in error.errors.items():
            for message in messages:
                field_error(form, message, name)
        return _render_index(form, 422)
    if not Outcome(run.outcome).has_plan or not run.assignments:
        db.session.rollback()
        message, field = services.outcome_message(run)
        field_error(form, DomainError(message, field=field))
        return _render_index(form, 422)
    db.session.commit()
    flash(ngettext("Plan ready: %(num)d proposed placement. Nothing is placed until you "
                   "accept.",
                   "Plan ready: %(num)d proposed placements. Nothing is placed until you "
                   "accept.", len(run.assignments)), "success")
    return redirect(url_for("planner.run", run_id=run.id))


def _run_or_404(run_id: int) -> PlanningRun:
    run = queries.get_run(run_id)
    if run is None:
        abort(404)
    return run


def _result(run: PlanningRun) -> dict[str, Any]:
    """Everything the result page shows: per project the proposed team with each member's
    score and reasons, and the current placements; the volunteers left out with why."""
    pids = {a.project_id for a in run.assignments} | set(run.params.get("project_ids", []))
    vids = {a.volunteer_id for a in run.assignments}
    data = queries.season_data(vids, pids, association_today())
    teams: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for a in run.assignments:
        profile, needs = data.profiles.get(a.volunteer_id), data.needs.get(a.project_id)
        match = score(profile, needs) if profile and needs else None
        teams[a.project_id].append({
            "row": a, "match": match,
            "wishes": services.wish_reasons(a.wish_rank, a.org_wish_rank)})
    names = queries.names_of([lo.volunteer_id for lo in run.left_out] + list(vids))
    titles = queries.titles_of(pids | {lo.project_id for lo in run.left_out if lo.project_id})
    left_out = [{
        "row": lo,
        "name": names.get(lo.volunteer_id, ""),
        "why": services.why_text(lo.why, lo.detail),
        "project": titles.get(lo.project_id) if lo.project_id else None,
        "others": [(services.why_text(w), n) for w, n in sorted(
            lo.counts.items(), key=lambda kv: -kv[1]) if w != lo.why],
    } for lo in run.left_out]
    left_out.sort(key=lambda item: item["name"].casefold())
    ordered = sorted(pids, key=lambda pid: titles.get(pid, "").casefold())
    # placements this run's rows became are shown on their rows, not again as "placed today"
    accepted = {a.placement_id for a in run.assignments if a.placement_id}
    current = {pid: [p for p in rows if p.id not in accepted]
               for pid, rows in queries.current_teams(pids).items()}
    outcome = Outcome(run.outcome)
    return {
        "outcome_text": None if outcome.has_plan and run.assignments
        else services.outcome_message(run)[0],
        "teams": teams,
        "project_ids": ordered,
        "titles": titles,
        "names": names,
        "current": current,
        "left_out": left_out,
        "capacity": {p.id: p.capacity for p in data.season.projects},
        # in the locale's decimals ("0,4" in French)
        "solve_seconds": format_decimal(run.solve_seconds or 0, format="0.0"),
    }


def _render_run(run: PlanningRun, form: AcceptForm, problems: dict[int, str] | None = None,
                status: int = 200) -> tuple[str, int]:
    if request.method == "POST":
        ticked = {int(v) for v in request.form.getlist("row") if v.isdigit()}
    else:
        ticked = {a.id for a in run.assignments if a.placement_id is None}
    return render_template("planner/run.html", run=run, form=form, problems=problems or {},
                           ticked=ticked, outcome=Outcome(run.outcome), **_result(run)), status


@bp.route("/runs/<int:run_id>")
@require(Permission.MANAGE_PLACEMENTS)
def run(run_id: int) -> Any:
    return _render_run(_run_or_404(run_id), AcceptForm())


@bp.route("/runs/<int:run_id>/accept", methods=["GET", "POST"])
@require(Permission.MANAGE_PLACEMENTS)
def accept(run_id: int) -> Any:
    """Accept ticked rows (POST). GET (a reload after a refused accept, or switching the
    interface language, whose address this is then) goes back to the run's page."""
    plan = _run_or_404(run_id)
    if request.method == "GET":
        return redirect(url_for("planner.run", run_id=run_id))
    form = AcceptForm()
    if not form.validate_on_submit():
        return _render_run(plan, form, status=422)
    rows = [int(v) for v in request.form.getlist("row") if v.isdigit()]
    try:
        count = services.accept_plan(plan, rows, actor=current_user, today=association_today(),
                                     role=form.role.data or None)
    except services.PlanChanged as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_run(_run_or_404(run_id), form, error.rows, 422)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_run(_run_or_404(run_id), form, status=422)
    db.session.commit()
    flash(ngettext("%(num)d placement proposed. Confirm it on its page.",
                   "%(num)d placements proposed. Confirm them on each placement's page.",
                   count), "success")
    return redirect(url_for("planner.run", run_id=run_id))


@bp.route("/wishes/<int:volunteer_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_PLACEMENTS)
def wishes(volunteer_id: int) -> Any:
    """A volunteer's project wishes and their sending organisation's (docs/architecture.md
    §6.23): shown as recorded (the volunteer's own, from their application while none is
    recorded), saved whole; a project chosen twice, or organisation wishes without a sending
    organisation, answer 422 beside the choice."""
    volunteer = get_volunteer(volunteer_id)
    name = volunteer.full_name
    sender = volunteer.sending_organisation.name if volunteer.sending_organisation else None
    own, org = (ranks.get(volunteer.id, {}) for ranks in queries.wish_ranks([volunteer.id]))
    form = WishesForm()
    options = queries.wish_options(association_today(), [*own, *org])
    # plain text: an option holds no markup
    choices = [SelectChoice("", "—")] + [SelectChoice(p.id, _(
        "%(title)s (%(start)s – %(end)s, %(capacity)d a day)", title=p.title,
        start=format_date(p.start_date), end=format_date(p.end_date), capacity=p.capacity))
        for p in options]
    for kind in ("own", "org"):
        for rank in range(1, 4):
            form[f"{kind}_{rank}"].choices = choices
    if request.method == "GET":
        for kind, ranks in (("own", own), ("org", org)):
            for pid, rank in ranks.items():
                form[f"{kind}_{rank}"].data = pid
    if form.validate_on_submit():
        try:
            services.set_wishes(volunteer, form.wishes("own"), form.wishes("org"),
                                actor=current_user)
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            db.session.commit()
            flash(_("Project wishes saved. The season planner weighs them."), "success")
            return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))
    from_application = request.method == "GET" and bool(own) and not queries.has_own_wishes(
        volunteer_id)
    return render_template("planner/wishes.html", form=form, volunteer_id=volunteer_id,
                           name=name, sender=sender, from_application=from_application), (
        422 if request.method == "POST" else 200)
