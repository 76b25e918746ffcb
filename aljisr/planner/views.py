"""Season planner pages: plan a run, read its result, accept all or part of it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from aljisr import once
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
from aljisr.volunteers.models import VolunteerStatus
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


def _prefill(form: PlanForm, run: PlanningRun) -> list[int]:
    """Fill ``form`` with the settings ``run`` was planned with ("Plan again with these
    settings"); returns the ids of that run's projects no longer offered (over, archived)."""
    params = run.params or {}
    filters = params.get("filters", {})
    form.q.data = filters.get("q") or ""
    form.status.data = filters.get("status") or ""
    form.nationality.data = filters.get("nationality") or ""
    form.sending_organisation.data = filters.get("sending_organisation")
    offered = {choice.value for choice in form.projects.choices}
    wanted = [int(pid) for pid in params.get("project_ids", [])]
    form.projects.data = [pid for pid in wanted if pid in offered]
    weights = params.get("weights", {})
    for name, key in (("weight_match", "match"), ("weight_wishes", "wishes"),
                      ("weight_org_wishes", "org_wishes"), ("weight_mixing", "mixing")):
        if key in weights:
            form[name].data = weights[key]
    if "time_limit" in params:
        form.time_limit.data = int(params["time_limit"])
    form.one_project_each.data = bool(params.get("one_project_each", True))
    form.must.data = "\n".join(f"{v}, {p}" for v, p in params.get("must", []))
    form.must_not.data = "\n".join(f"{v}, {p}" for v, p in params.get("must_not", []))
    return [pid for pid in wanted if pid not in offered]


def _pins_text(pins: list[Any]) -> str:
    return _("; ").join(f"{v} → {p}" for v, p in pins) if pins else _("none")


def _settings(run: PlanningRun, names: dict[str, dict[Any, str]]) -> dict[str, Any]:
    """What ``run`` was asked, in words: ``rows`` of (label, text) for its page and ``short``,
    one line for the list of runs. ``names`` holds "projects" and "organisations" by id, and
    "countries" by code."""
    params = run.params or {}
    filters = params.get("filters", {})
    chosen = []
    if filters.get("q"):
        chosen.append(_("search “%(text)s”", text=filters["q"]))
    if filters.get("status"):
        try:
            chosen.append(VolunteerStatus(filters["status"]).title)
        except ValueError:
            chosen.append(str(filters["status"]))
    if filters.get("nationality"):
        code = filters["nationality"]
        chosen.append(names["countries"].get(code, code))
    if filters.get("sending_organisation"):
        oid = filters["sending_organisation"]
        chosen.append(names["organisations"].get(int(oid), str(oid)))
    volunteers = _(", ").join(chosen) if chosen else _("all (no filter)")
    weights = params.get("weights", {})
    weights_text = _("match %(match)s · wishes %(wishes)s · organisations' wishes %(org)s · "
                     "mixing %(mixing)s", match=weights.get("match", "?"),
                     wishes=weights.get("wishes", "?"), org=weights.get("org_wishes", "?"),
                     mixing=weights.get("mixing", "?"))
    limit = params.get("time_limit")
    limit_text = _("%(seconds)s s", seconds=format_decimal(limit, format="0.#")) \
        if limit is not None else "?"
    one_each = _("yes") if params.get("one_project_each", True) else _("no")
    must, must_not = params.get("must", []), params.get("must_not", [])
    projects = [names["projects"].get(int(pid), f"#{pid}") for pid in params.get("project_ids", [])]
    rows = [
        (_("Volunteers"), volunteers),
        (_("Projects"), _(", ").join(projects) if projects else _("none")),
        (_("Weights"), weights_text),
        (_("Time limit"), limit_text),
        (_("At most one project for each volunteer"), one_each),
        (_("Must go"), _pins_text(must)),
        (_("Must not go"), _pins_text(must_not)),
    ]
    short = _("Volunteers: %(volunteers)s · weights %(weights)s · %(limit)s · pins: %(must)d "
              "must, %(must_not)d must not", volunteers=volunteers,
              weights="/".join(str(weights.get(k, "?"))
                               for k in ("match", "wishes", "org_wishes", "mixing")),
              limit=limit_text, must=len(must), must_not=len(must_not))
    return {"rows": rows, "short": short}


def _names_for(runs: list[PlanningRun]) -> dict[str, dict[Any, str]]:
    """The names :func:`_settings` needs for these runs, in two queries."""
    params = [r.params or {} for r in runs]
    return {
        "projects": queries.titles_of(int(pid) for p in params
                                      for pid in p.get("project_ids", [])),
        "organisations": queries.organisation_names(
            int(p["filters"]["sending_organisation"]) for p in params
            if p.get("filters", {}).get("sending_organisation")),
        "countries": dict(country_choices()),
    }


def _project_label(p: Any) -> Markup:
    """A project's checkbox label: its title isolated in <bdi> (a Latin title would run into
    its dates in an Arabic sentence), its dates and capacity."""
    sentence = _("%(title)s (%(start)s – %(end)s, %(capacity)d a day)", title="{title}",
                 start=format_date(p.start_date), end=format_date(p.end_date),
                 capacity=p.capacity)
    return escape(sentence).replace("{title}", Markup("<bdi>{}</bdi>").format(p.title))


def _render_index(form: PlanForm, status: int = 200, **extra: Any) -> tuple[str, int]:
    runs = queries.recent_runs()
    names = _names_for([r for r, _count, _name in runs])
    listed = [{"run": r, "proposed": count, "by": name, "settings": _settings(r, names)}
              for r, count, name in runs]
    return render_template("planner/index.html", form=form, runs=listed,
                           **{"again": None, "gone": [], **extra}), status


@bp.route("/", methods=["GET", "POST"])
@require(Permission.MANAGE_PLACEMENTS)
def index() -> Any:
    """The planning form and the earlier runs; ``?again=<run id>`` fills the form with that
    run's settings. A posted form is claimed once (docs/architecture.md §6.13): a double click
    on "Plan" stores one run and leads to it."""
    form = _plan_form()
    if request.method == "GET":
        again = request.args.get("again", type=int)
        if again is None:
            return _render_index(form)
        earlier = _run_or_404(again)
        gone = _prefill(form, earlier)
        return _render_index(form, again=earlier, gone=[
            queries.titles_of(gone).get(pid, f"#{pid}") for pid in gone])
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
    # claimed before solving: a double click's second request waits for the first to commit
    # (at most the time limit; SQLite's busy timeout is longer), then is led to its run
    earlier = once.claim(form)
    if earlier is not None:
        return earlier
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
    url = url_for("planner.run", run_id=run.id)
    once.settle(form, url)
    db.session.commit()
    flash(ngettext("Plan ready: %(num)d proposed placement. Nothing is placed until you "
                   "accept.",
                   "Plan ready: %(num)d proposed placements. Nothing is placed until you "
                   "accept.", len(run.assignments)), "success")
    return redirect(url)


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
    statuses = queries.placement_statuses(a.placement_id for a in run.assignments
                                          if a.placement_id)
    for a in run.assignments:
        profile, needs = data.profiles.get(a.volunteer_id), data.needs.get(a.project_id)
        # the explanation is today's (the registers as they stand now): when its score is not
        # the run's, the page says so beside it, with today's score
        match = score(profile, needs) if profile and needs else None
        teams[a.project_id].append({
            "row": a, "match": match, "status": statuses.get(a.placement_id),
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
        "settings": _settings(run, _names_for([run])),
        "run_by": queries.user_name(run.created_by_id),
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
