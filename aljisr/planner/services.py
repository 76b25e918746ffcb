"""Writes of the season planner: a run (solved and stored, nothing placed), and its
acceptance (proposed placements through :func:`aljisr.placements.services.propose_placement`,
with its rules, locks and audit). Flush, never commit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.i18n import _, ngettext
from aljisr.placements.services import propose_placement
from aljisr.planner import queries
from aljisr.planner.models import MOST_WISHES, LeftOut, PlannedPlacement, PlanningRun, ProjectWish
from aljisr.planner.solver import (
    Outcome,
    Refusal,
    Weights,
    solve,
    violations,
    window,
)
from aljisr.projects.models import Project
from aljisr.volunteers.models import Volunteer


@dataclass
class RunRequest:
    """What the coordinator asked: volunteers by register filters, projects by id, the
    weights (0-10 each), the time limit in seconds, one project each or not, and the pins
    as (volunteer id, project id) pairs."""

    filters: dict[str, Any]
    project_ids: list[int]
    weights: Weights = field(default_factory=Weights)
    time_limit: float = 10.0
    one_project_each: bool = True
    must: list[tuple[int, int]] = field(default_factory=list)
    must_not: list[tuple[int, int]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "filters": {k: (v.isoformat() if isinstance(v, date) else v)
                        for k, v in self.filters.items()},
            "project_ids": self.project_ids,
            "weights": {"match": self.weights.match, "wishes": self.weights.wishes,
                        "org_wishes": self.weights.org_wishes, "mixing": self.weights.mixing},
            "time_limit": self.time_limit,
            "one_project_each": self.one_project_each,
            "must": [list(p) for p in self.must],
            "must_not": [list(p) for p in self.must_not],
        }


class PinsRefused(DomainError):
    """Pins naming a volunteer outside the run or a project not selected; ``errors`` maps the
    form field ("must", "must_not") to one message a wrong line. Nothing was solved."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.items()))
        super().__init__(first[1][0], field=first[0])
        self.errors = errors


def check_pins(request: RunRequest, volunteer_ids: list[int]) -> None:
    """Refuse pins that cannot hold, before solving, naming every one beside its field: a pin
    (must or must not) naming a volunteer not among ``volunteer_ids`` (the run's, after its
    filters) or a project not among ``request.project_ids``; a pair in both "Must go" and
    "Must not go" (named beside both fields); and, when ``request.one_project_each``, a
    volunteer pinned to go to several projects (the rule is named as the cause). A pin written
    twice is named once.

    :raises PinsRefused: naming each wrong line, by field.
    """
    vids, pids = set(volunteer_ids), set(request.project_ids)
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        if message not in errors.setdefault(name, []):
            errors[name].append(message)

    pinned = {"must": list(dict.fromkeys(request.must)),
              "must_not": list(dict.fromkeys(request.must_not))}
    for name, pins in pinned.items():
        for vid, pid in pins:
            line = f"{vid}, {pid}"
            if vid not in vids:
                refuse(name, _(
                    "“%(line)s”: volunteer %(volunteer)s is not in this run (check the "
                    "number and the volunteer filters).", line=line, volunteer=vid))
            if pid not in pids:
                refuse(name, _(
                    "“%(line)s”: project %(project)s is not selected.", line=line,
                    project=pid))
    both = [pin for pin in pinned["must"] if pin in set(pinned["must_not"])]
    for vid, pid in both:
        message = _("“%(line)s” is in both “Must go” and “Must not go”: keep it in one of "
                    "them.", line=f"{vid}, {pid}")
        refuse("must", message)
        refuse("must_not", message)
    if request.one_project_each:
        by_volunteer: dict[int, list[int]] = {}
        for vid, pid in pinned["must"]:
            by_volunteer.setdefault(vid, []).append(pid)
        for vid, projects in by_volunteer.items():
            if len(projects) > 1:
                refuse("must", _(
                    "%(lines)s: volunteer %(volunteer)s must go to more than one project, "
                    "but “At most one project for each volunteer” is ticked: keep one of "
                    "these pins, or untick that box.",
                    lines=_("; ").join(f"“{vid}, {pid}”" for pid in projects),
                    volunteer=vid))
    if errors:
        raise PinsRefused(errors)


def run_planner(request: RunRequest, *, actor: Any, today: date) -> PlanningRun:
    """Plan the season ``request`` describes and store the run (its proposed placements and the
    volunteers it left out, with why), audited as ``planner.run``. No placement is written.

    Only a run that proposes something is stored: when ``Outcome(run.outcome).has_plan`` is
    false or the plan proposes no placement (everyone already placed, pinned out...), the run
    returned is not added to the session, and the caller shows :func:`outcome_message`.

    :raises PinsRefused: when a pin names a volunteer outside the run or a project not
        selected (see :func:`check_pins`); nothing is solved.
    """
    vids = queries.volunteer_ids(request.filters)
    check_pins(request, vids)
    data = queries.season_data(vids, request.project_ids, today, must=request.must,
                               must_not=request.must_not,
                               one_project_each=request.one_project_each)
    plan = solve(data.season, request.weights, time_limit=request.time_limit,
                 score=data.scorer())
    season = data.season
    run = PlanningRun(
        created_by_id=getattr(actor, "id", None),
        params=request.as_json(),
        outcome=plan.outcome.value,
        volunteers=len(season.volunteers),
        projects=len(season.projects),
        objective=plan.objective,
        greedy_objective=plan.greedy_objective,
        bound=plan.bound,
        gap=plan.gap,
        solve_seconds=round(plan.solve_seconds, 3),
        conflicts=[[vid, pid, _conflict_rule(plan, vid, pid, why)]
                   for (vid, pid), why in plan.conflicts],
    )
    scorer = data.scorer()
    vols = {v.id: v for v in season.volunteers}
    projs = {p.id: p for p in season.projects}
    match = {pair: scorer(vols[pair[0]], projs[pair[1]], span)
             for pair, span in plan.placed.items()}
    w = request.weights
    points = {pair: w.match * match[pair] + w.wishes * season.wishes.get(pair, 0)
              + w.org_wishes * season.org_wishes.get(pair, 0) for pair in plan.placed}
    for (vid, pid), (start, end) in sorted(plan.placed.items(), key=lambda kv: kv[0][::-1]):
        run.assignments.append(PlannedPlacement(
            volunteer_id=vid, project_id=pid, start_date=start, end_date=end,
            score=match[vid, pid], points=points[vid, pid],
            wish_rank=data.wish_rank.get((vid, pid)),
            org_wish_rank=data.org_wish_rank.get((vid, pid))))
    for vid, refusals in plan.unplaced.items():
        first: Refusal | None = refusals[0] if refusals else None
        run.left_out.append(LeftOut(
            volunteer_id=vid,
            why=first.why.value if first else "not_chosen",
            project_id=first.project_id if first else None,
            detail=list(first.detail) if first else [],
            counts=dict(Counter(r.why.value for r in refusals)),
        ))
    if not plan.outcome.has_plan or not plan.placed:
        return run
    db.session.add(run)
    db.session.flush()
    audit.record(actor, "planner.run", run, details={
        "outcome": run.outcome, "volunteers": run.volunteers, "projects": run.projects,
        "planned": len(run.assignments), "objective": run.objective,
        "greedy_objective": run.greedy_objective, "gap": run.gap,
        "time_limit": request.time_limit,
    })
    return run


#: conflict reasons that are about the pins themselves, not a rule of the planner
_NOT_A_RULE = frozenset({"together", "both", "two_projects"})


def _conflict_rule(plan: Any, vid: int, pid: int, why: str) -> str:
    """The rule a pin breaks: the solver's ``why``, or, for a lone pin the solver found
    impossible with the others ("together"), the rule that refuses that volunteer on that
    project (e.g. "capacity") when the explanation names one."""
    if why != "together" or len(plan.conflicts) != 1:
        return why
    return next((r.why.value for r in plan.unplaced.get(vid, ())
                 if r.project_id == pid and r.why.value != "not_chosen"), why)


def outcome_message(run: PlanningRun) -> tuple[str, str | None]:
    """(message, form field) for a run that gave no plan, or a plan proposing nothing."""
    outcome = Outcome(run.outcome)
    if outcome is Outcome.NOTHING_TO_ASSIGN:
        if not run.volunteers:
            return _("No volunteer matches these filters: there is nothing to assign."), "q"
        return _("Choose at least one project."), "projects"
    if outcome is Outcome.NO_ROOM or (outcome.has_plan and not run.assignments):
        # nothing can be proposed: say why, by the reason most volunteers were left out for
        reasons = Counter(lo.why for lo in run.left_out)
        if not reasons:
            return _("There is nothing to assign: none of these projects has room for any of "
                     "these volunteers on their dates."), "projects"
        return _("There is nothing to assign: none of these projects has room for any of "
                 "these volunteers on their dates. Most often: %(why)s.",
                 why=why_text(reasons.most_common(1)[0][0])), "projects"
    if outcome is Outcome.CONTRADICTORY_PINS:
        names = queries.names_of(c[0] for c in run.conflicts)
        titles = queries.titles_of(c[1] for c in run.conflicts)
        rules = [why for _v, _p, why in run.conflicts if why not in _NOT_A_RULE]
        if len(run.conflicts) == 1 and rules:
            vid, pid, why = run.conflicts[0]
            return _("This pin breaks a rule: %(name)s → %(project)s: %(why)s. Remove or "
                     "change it.", name=names.get(vid, str(vid)),
                     project=titles.get(pid, str(pid)), why=why_text(why)), "must"
        pins = _("; ").join(
            _("%(name)s → %(project)s", name=names.get(v, str(v)), project=titles.get(p, str(p)))
            for v, p, _why in run.conflicts)
        return _("These pins cannot all hold together with the rules: %(pins)s. Remove or "
                 "change one.", pins=pins), "must"
    if outcome is Outcome.NO_PLAN_IN_TIME:
        return (_("No plan was found within the time limit. Give the planner more time, or "
                  "fewer volunteers or projects."), "time_limit")
    return "", None


class PlanChanged(DomainError):
    """Accepting refused: rows that no longer hold (``rows``: planned placement id ->
    message). Nothing was written."""

    def __init__(self, rows: dict[int, str]) -> None:
        super().__init__(ngettext(
            "Nothing was accepted: %(num)d of the chosen rows changed since the run. See the "
            "message on it.",
            "Nothing was accepted: %(num)d of the chosen rows changed since the run. See the "
            "message on each row.", len(rows)))
        self.rows = rows


def accept_plan(run: PlanningRun, row_ids: list[int], *, actor: Any, today: date,
                role: str | None = None) -> int:
    """Propose the chosen planned placements of ``run`` as placements, through
    :func:`~aljisr.placements.services.propose_placement` (locks, overlap and capacity), and
    audit it as ``planner.accept``. All or nothing: the rules of the planner are checked again
    on today's data first (dates, languages, age, quotas, groups), then each placement is
    proposed (with ``role``, as a single proposal's); any refusal raises :class:`PlanChanged`
    naming every row that does not hold, and the caller rolls back.

    :returns: how many placements were proposed.
    :raises DomainError: ``field="rows"`` when no row is chosen, or every chosen row was
        accepted already.
    :raises PlanChanged: when any chosen row no longer holds, or was accepted already while
        others are chosen with it.
    """
    wanted = set(row_ids)
    chosen = [a for a in run.assignments if a.id in wanted and a.placement_id is None]
    if not chosen:
        if any(a.id in wanted for a in run.assignments):
            raise DomainError(_("These placements were already accepted (perhaps from another "
                                "tab): nothing more to do."), field="rows")
        raise DomainError(_("Choose at least one proposed placement to accept."), field="rows")
    # a row accepted meanwhile (another tab) is named, and nothing is accepted: all or nothing
    problems: dict[int, str] = {
        a.id: _("Already accepted since this page was loaded (perhaps from another tab).")
        for a in run.assignments if a.id in wanted and a.placement_id is not None}
    data = queries.season_data([a.volunteer_id for a in chosen],
                               [a.project_id for a in chosen], today)
    vols = {v.id: v for v in data.season.volunteers}
    projs = {p.id: p for p in data.season.projects}
    for a in chosen:
        w = window(vols[a.volunteer_id], projs[a.project_id])
        if not isinstance(w, tuple):
            problems[a.id] = why_text(w.why.value, w.detail)
        elif w != (a.start_date, a.end_date):
            problems[a.id] = _("The dates changed since the run (availability or project).")
    placed = {(a.volunteer_id, a.project_id): (a.start_date, a.end_date) for a in chosen
              if a.id not in problems}
    broken = violations(data.season, placed)
    for a in chosen:
        if a.id not in problems and any(f"project {a.project_id}:" in v for v in broken):
            problems[a.id] = _("A quota of this project (nationality or gender balance) no "
                               "longer holds with the placements made since the run.")
    # a group is accepted whole: every member the run placed, chosen now or accepted before
    group_of = dict(db.session.execute(
        sa.select(Volunteer.id, Volunteer.application_group).where(
            Volunteer.id.in_([a.volunteer_id for a in run.assignments]),
            Volunteer.application_group.is_not(None))).all())
    rows_of: dict[str, set[int]] = {}
    for a in run.assignments:
        if a.volunteer_id in group_of:
            rows_of.setdefault(group_of[a.volunteer_id], set()).add(a.id)
    taken = {a.id for a in chosen} | {a.id for a in run.assignments if a.placement_id}
    for a in chosen:
        key = group_of.get(a.volunteer_id)
        if key and not rows_of[key] <= taken:
            problems.setdefault(a.id, _("This volunteer applied with others: accept the whole "
                                        "group together."))
    # every row is tried, so that one refusal names every row that does not hold
    for a in chosen:
        if a.id not in problems:
            volunteer = db.session.get(Volunteer, a.volunteer_id)
            project = db.session.get(Project, a.project_id)
            try:
                with db.session.begin_nested():
                    placement = propose_placement(volunteer, project, a.start_date, a.end_date,
                                                  actor=actor, role=role)
            except DomainError as error:
                problems[a.id] = error.message
            else:
                a.placement_id = placement.id
    if problems:
        raise PlanChanged(problems)
    db.session.flush()
    # the placements made, by id (the audit log links them); the plan's own row numbers are
    # internal and mean nothing to a reader
    audit.record(actor, "planner.accept", run, details={
        "placement_ids": sorted(a.placement_id for a in chosen if a.placement_id),
    })
    return len(chosen)


def why_text(why: str, detail: Any = ()) -> str:
    """A translated sentence for a :class:`~aljisr.planner.solver.Why` value."""
    from aljisr.templating import language_name

    detail = list(detail or ())
    days = int(detail[0]) if why == "short_stay" and detail else None
    texts = {
        "dates": _("Available for only part of the project, which has no minimum stay: it "
                   "needs its volunteers for its whole span") if detail == ["whole_span"] else
        _("Not available for the project's dates"),
        "short_stay": ngettext("Available for fewer days than the project's minimum stay "
                               "(%(num)d day)",
                               "Available for fewer days than the project's minimum stay "
                               "(%(num)d days)", days) if days is not None else
        _("Available for fewer days than the project's minimum stay"),
        "overlap": _("Already placed on those dates"),
        # without detail (the counts of the other projects), the languages are not known
        "language": _("Does not speak %(languages)s at B1 or better",
                      languages=_(", ").join(language_name(c) for c in detail)) if detail else
        _("Does not speak a language the project requires at B1 or better"),
        "age": _("Younger than the minimum age (%(age)s)", age=detail[0]) if detail else
        _("Younger than the project's minimum age"),
        "age_unknown": _("No date of birth, and the project sets a minimum age"),
        "pinned_out": _("Pinned out of this project"),
        "capacity": _("The project is full on their dates"),
        "nationality_quota": _("The project's quota for their nationality is reached"),
        "gender_balance": _("The project's gender balance would go beyond its margin"),
        "group": _("Applied with others who cannot all go to this project"),
        "other_project": _("Placed on another project on those dates"),
        "not_chosen": _("Would fit, but the plan did not choose them (time limit)"),
    }
    return str(texts.get(why, why))


def set_wishes(volunteer: Volunteer, own: list[int | None], org: list[int | None], *,
               actor: Any) -> None:
    """Replace ``volunteer``'s project wishes: ``own`` (theirs) and ``org`` (their sending
    organisation's), each a list of project ids by rank, first choice first (None: no choice
    at that rank; the choices after it move up), at most :data:`MOST_WISHES` each. Audited as
    ``planner.wishes``. Wishes weigh in the season planner's objective (:data:`WISH_POINTS
    <aljisr.planner.models.WISH_POINTS>`); docs/architecture.md §6.23.

    :raises DomainError: ``field="<kind>_<rank>"`` ("own_2", "org_3"...) when a project is
        chosen twice for one kind; ``field="org_1"`` when the volunteer has no sending
        organisation but organisation wishes are given.
    """
    chosen: dict[str, list[int]] = {}
    for kind, wishes in (("own", own), ("org", org)):
        kept: list[int] = []
        for rank, pid in enumerate(wishes[:MOST_WISHES], start=1):
            if pid is None:
                continue
            if pid in kept:
                raise DomainError(_("This project is already chosen above."),
                                  field=f"{kind}_{rank}")
            kept.append(pid)
        chosen[kind] = kept
    if chosen["org"] and volunteer.sending_organisation_id is None:
        raise DomainError(_("This volunteer has no sending organisation: record it on their "
                            "form first."), field="org_1")
    db.session.execute(sa.delete(ProjectWish).where(ProjectWish.volunteer_id == volunteer.id))
    for kind, pids in chosen.items():
        for rank, pid in enumerate(pids, start=1):
            db.session.add(ProjectWish(volunteer_id=volunteer.id, project_id=pid, rank=rank,
                                       by_sending_organisation=kind == "org"))
    db.session.flush()
    audit.record(actor, "planner.wishes", volunteer, details={
        "wished_project_ids": chosen["own"],
        "organisation_wished_project_ids": chosen["org"],
    })


def wish_reasons(wish_rank: int | None, org_wish_rank: int | None) -> list[str]:
    """Sentences for a proposed placement's wishes (translated): the volunteer's own choice
    and their sending organisation's, by rank."""
    own = {1: _("Their first choice"), 2: _("Their second choice"),
           3: _("Their third choice")}
    org = {1: _("Their sending organisation's first choice"),
           2: _("Their sending organisation's second choice"),
           3: _("Their sending organisation's third choice")}
    return [str(texts[rank]) for texts, rank in ((own, wish_rank), (org, org_wish_rank))
            if rank in texts]
