"""The season planner's model (issue 17): each hard rule binds, the bad inputs end with an
outcome, and random small seasons always give plans that hold and beat greedy.

Each rule test builds the smallest season where the rule changes the answer: without the rule
(remove its constraint from :func:`aljisr.planner.solver.solve`) the solver places more
volunteers, as their points are all positive, and the test fails.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from itertools import combinations, product

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from aljisr.planner.solver import (
    FEMALE,
    MALE,
    Booked,
    Outcome,
    Season,
    SeasonProject,
    SeasonVolunteer,
    Weights,
    Why,
    greedy,
    objective,
    solve,
    violations,
    window,
)

D0 = date(2027, 7, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def project(pid: int = 1, first: int = 0, last: int = 9, capacity: int = 10,
            **rules) -> SeasonProject:
    return SeasonProject(pid, f"P{pid}", day(first), day(last), capacity, **rules)


def volunteer(vid: int, **values) -> SeasonVolunteer:
    return SeasonVolunteer(vid, f"V{vid}", **values)


def plan_of(volunteers, projects, match=None, **season) -> tuple[Season, object]:
    vols, projs = tuple(volunteers), tuple(projects)
    match = match or {(v.id, p.id): 50 for v in vols for p in projs}
    s = Season(vols, projs, match, **season)
    plan = solve(s, time_limit=5)
    assert plan.outcome.has_plan, plan.outcome
    assert violations(s, plan.placed) == []
    return s, plan


def placed_ids(plan, pid: int = 1) -> set[int]:
    return {vid for vid, p in plan.placed if p == pid}


def headline(plan, vid: int):
    return plan.unplaced[vid][0].why


# --- capacity ------------------------------------------------------------------------------


def test_capacity_counts_live_placements_on_each_day():
    live = (Booked(day(3), day(3)),)
    _, plan = plan_of([volunteer(1), volunteer(2)], [project(capacity=2, live=live)])
    assert len(placed_ids(plan)) == 1
    assert headline(plan, ({1, 2} - placed_ids(plan)).pop()) is Why.CAPACITY


def test_capacity_is_per_day_with_a_minimum_stay():
    vols = [volunteer(1, available_to=day(4)), volunteer(2, available_from=day(5)),
            volunteer(3, available_from=day(3), available_to=day(6))]
    # 1 and 2 never meet: both fit in one place a day; 3 meets both
    _, plan = plan_of(vols, [project(capacity=1, min_stay=2)],
                      match={(1, 1): 40, (2, 1): 40, (3, 1): 60})
    assert placed_ids(plan) == {1, 2}
    assert plan.placed[1, 1] == (day(0), day(4))


# --- overlap -------------------------------------------------------------------------------


def test_no_overlap_with_live_placements():
    _, plan = plan_of([volunteer(1, busy=((day(8), day(12)),)), volunteer(2)], [project()])
    assert placed_ids(plan) == {2}
    assert headline(plan, 1) is Why.OVERLAP


def test_no_two_overlapping_planned_placements():
    projects = [project(1, 0, 9), project(2, 5, 14), project(3, 10, 19)]
    _, plan = plan_of([volunteer(1)], projects, one_project_each=False)
    # 1 and 3 do not overlap; 2 overlaps both: two placements, never 2 with another
    assert sorted(p for _, p in plan.placed) == [1, 3]


def test_one_project_each_by_default():
    _, plan = plan_of([volunteer(1)], [project(1, 0, 9), project(2, 10, 19)])
    assert len(plan.placed) == 1


# --- dates ---------------------------------------------------------------------------------


def test_whole_span_needed_without_minimum_stay():
    _, plan = plan_of([volunteer(1, available_from=day(2)), volunteer(2)], [project()])
    assert placed_ids(plan) == {2}
    assert headline(plan, 1) is Why.DATES


def test_minimum_stay_takes_the_overlap_of_availability_and_project():
    vols = [volunteer(1, available_from=day(4)), volunteer(2, available_from=day(6))]
    _, plan = plan_of(vols, [project(min_stay=5)])
    assert plan.placed == {(1, 1): (day(4), day(9))}
    assert headline(plan, 2) is Why.SHORT_STAY


# --- languages and age ---------------------------------------------------------------------


def test_required_languages_at_b1_or_better():
    vols = [volunteer(1, languages={"ar": 1}), volunteer(2, languages={"ar": 2}), volunteer(3)]
    _, plan = plan_of(vols, [project(required_languages=frozenset({"ar"}))])
    assert placed_ids(plan) == {2}
    assert headline(plan, 1) is Why.LANGUAGE
    assert plan.unplaced[1][0].detail == ("ar",)


def test_minimum_age_on_the_first_day():
    vols = [volunteer(1, born=date(2009, 7, 2)), volunteer(2, born=date(2009, 7, 1)),
            volunteer(3)]
    _, plan = plan_of(vols, [project(min_age=18)])
    assert placed_ids(plan) == {2}
    assert headline(plan, 1) is Why.AGE
    assert headline(plan, 3) is Why.AGE_UNKNOWN


# --- quotas --------------------------------------------------------------------------------


def test_most_volunteers_of_one_nationality():
    vols = [volunteer(i, nationality="FR") for i in (1, 2, 3)] + [volunteer(4, nationality="DE")]
    live = (Booked(day(0), day(9), nationality="FR"),)
    _, plan = plan_of(vols, [project(max_per_nationality=2, live=live)])
    assert len(placed_ids(plan) & {1, 2, 3}) == 1
    assert 4 in placed_ids(plan)
    left = ({1, 2, 3} - placed_ids(plan)).pop()
    assert headline(plan, left) is Why.NATIONALITY_QUOTA


def test_gender_balance_within_the_margin_where_known():
    vols = [volunteer(i, gender=FEMALE) for i in (1, 2, 3)] + [
        volunteer(4, gender=MALE), volunteer(5)]
    _, plan = plan_of(vols, [project(gender_margin=1)])
    women = len(placed_ids(plan) & {1, 2, 3})
    assert women == 2 and {4, 5} <= placed_ids(plan)
    left = ({1, 2, 3} - placed_ids(plan)).pop()
    assert headline(plan, left) is Why.GENDER_BALANCE


def test_gender_balance_counts_the_live_placements():
    """One woman already there and a margin of 1: the plan may add women and men only as
    (women - men) <= 0, so one woman and the man, never both women."""
    vols = [volunteer(1, gender=FEMALE), volunteer(2, gender=FEMALE), volunteer(3, gender=MALE)]
    live = (Booked(day(0), day(9), gender=FEMALE),)
    _, plan = plan_of(vols, [project(gender_margin=1, live=live)])
    assert len(placed_ids(plan) & {1, 2}) == 1 and 3 in placed_ids(plan)
    assert headline(plan, ({1, 2} - placed_ids(plan)).pop()) is Why.GENDER_BALANCE


# --- groups and pins -----------------------------------------------------------------------


def test_groups_go_together_or_not_at_all():
    vols = [volunteer(1, group="g"), volunteer(2, group="g", languages={"fr": 4}),
            volunteer(3)]
    projects = [project(1, required_languages=frozenset({"fr"})), project(2, capacity=1)]
    _, plan = plan_of(vols, projects, match={(2, 1): 90, (1, 2): 30, (2, 2): 30, (3, 2): 50})
    # 2 alone would take project 1 (90 points); with 1 unable to go there, neither goes, and
    # project 2 has one place: 3 (50) or the pair (60) but the pair needs two places
    assert plan.placed == {(3, 2): (day(0), day(9))}
    assert headline(plan, 1) is Why.CAPACITY or headline(plan, 1) is Why.GROUP


def test_pins_must_and_must_not():
    vols = [volunteer(1), volunteer(2)]
    projects = [project(1), project(2)]
    match = {(1, 1): 90, (1, 2): 10, (2, 1): 90, (2, 2): 10}
    _, plan = plan_of(vols, projects, match=match, must=frozenset({(1, 2)}),
                      must_not=frozenset({(2, 1)}))
    assert plan.placed.keys() == {(1, 2), (2, 2)}


# --- bad input -----------------------------------------------------------------------------


def test_nothing_to_assign():
    assert solve(Season((), (project(),))).outcome is Outcome.NOTHING_TO_ASSIGN
    assert solve(Season((volunteer(1),), ())).outcome is Outcome.NOTHING_TO_ASSIGN


def test_no_project_with_room():
    full = project(capacity=1, live=(Booked(day(0), day(9)),))
    plan = solve(Season((volunteer(1),), (full,), {(1, 1): 50}))
    assert plan.outcome is Outcome.NO_ROOM
    assert plan.placed == {}


def test_a_full_first_day_leaves_room_on_the_others():
    """Full on its first day only: a volunteer free from the fourth day fits (a minimum stay
    lets the placement start later), so the outcome is a plan, not "no room"."""
    first_day_full = project(capacity=1, last=3, min_stay=1, live=(Booked(day(0), day(0)),))
    _, plan = plan_of([volunteer(1, available_from=day(3))], [first_day_full])
    assert plan.placed == {(1, 1): (day(3), day(3))}


@pytest.mark.parametrize(("must", "must_not", "why"), [
    ({(1, 1)}, {(1, 1)}, "both"),
    ({(2, 1)}, set(), "dates"),
    ({(1, 1), (1, 2)}, set(), "two_projects"),
])
def test_contradictory_pins_found_before_solving(must, must_not, why):
    vols = (volunteer(1), volunteer(2, available_from=day(5)))
    plan = solve(Season(vols, (project(1), project(2, 10, 19)), {}, must=frozenset(must),
                        must_not=frozenset(must_not)))
    assert plan.outcome is Outcome.CONTRADICTORY_PINS
    assert why in {w for _, w in plan.conflicts}


def test_contradictory_pins_found_by_the_solver_name_the_pins():
    vols = (volunteer(1), volunteer(2), volunteer(3))
    plan = solve(Season(vols, (project(capacity=2),), {}, must=frozenset({(1, 1), (2, 1), (3, 1)})))
    assert plan.outcome is Outcome.CONTRADICTORY_PINS
    assert {pair for pair, _ in plan.conflicts} <= {(1, 1), (2, 1), (3, 1)}
    assert len(plan.conflicts) >= 2


def test_pins_that_need_each_other_hold_where_one_by_one_fails():
    """A woman and a man pinned to a project whose margin is 0: one by one, the first breaks
    the balance (greedy gives up), together they hold; the solver places both."""
    vols = [volunteer(1, gender=FEMALE), volunteer(2, gender=MALE)]
    s = Season(tuple(vols), (project(gender_margin=0),), {(1, 1): 50, (2, 1): 50},
               must=frozenset({(1, 1), (2, 1)}))
    assert greedy(s) is None
    plan = solve(s, time_limit=5)
    assert plan.outcome is Outcome.OPTIMAL
    assert plan.placed.keys() == {(1, 1), (2, 1)}


def test_no_plan_within_the_time_limit(monkeypatch):
    """CP-SAT stopped by its time limit before any plan (UNKNOWN), and no start to fall back
    on (the pins defeat greedy and the rounding): the outcome says so, nothing is placed."""
    from ortools.sat.python import cp_model

    monkeypatch.setattr(cp_model.CpSolver, "solve",
                        lambda self, model, *args, **kwargs: cp_model.UNKNOWN)
    vols = (volunteer(1, gender=FEMALE), volunteer(2, gender=MALE))
    plan = solve(Season(vols, (project(gender_margin=0),), {(1, 1): 50, (2, 1): 50},
                        must=frozenset({(1, 1), (2, 1)})), time_limit=1)
    assert plan.outcome is Outcome.NO_PLAN_IN_TIME
    assert not plan.outcome.has_plan and plan.placed == {}


def test_optimal_beats_greedy_when_greedy_is_short_sighted():
    # greedy gives volunteer 1 its best project, which is volunteer 2's only one
    vols = [volunteer(1), volunteer(2)]
    projects = [project(1, capacity=1), project(2, capacity=1)]
    match = {(1, 1): 60, (1, 2): 50, (2, 1): 55}
    s, plan = plan_of(vols, projects, match=match)
    assert plan.outcome is Outcome.OPTIMAL and plan.gap == 0
    assert plan.objective == 105 > objective(s, Weights(), greedy(s)) == 60


# --- property: random small seasons ------------------------------------------------------


@st.composite
def seasons(draw):
    """Up to seven volunteers and three projects, with every rule drawn: live placements
    (counted by capacity and the quotas), languages, minimum age and stay, nationality quotas,
    gender margins, groups, busy spans, one or several projects each, and both kinds of pins."""
    n_projects = draw(st.integers(1, 3))
    projects = []
    for pid in range(1, n_projects + 1):
        first = draw(st.integers(0, 10))
        last = first + draw(st.integers(0, 10))
        live = tuple(Booked(day(first), day(first + draw(st.integers(0, last - first))),
                            draw(st.sampled_from(["FR", "DE", None])),
                            draw(st.sampled_from([FEMALE, MALE, None])))
                     for _ in range(draw(st.integers(0, 2))))
        projects.append(SeasonProject(
            pid, f"P{pid}", day(first), day(last), draw(st.integers(1, 3)), live,
            draw(st.sampled_from([frozenset(), frozenset(), frozenset({"fr"}),
                                  frozenset({"ar"})])),
            min_age=draw(st.sampled_from([None, None, 18])),
            min_stay=draw(st.sampled_from([None, 1, 3])),
            max_per_nationality=draw(st.sampled_from([None, 1, 2])),
            gender_margin=draw(st.sampled_from([None, 0, 1]))))
    volunteers = []
    for vid in range(1, draw(st.integers(1, 7)) + 1):
        # either bound may be open
        a_from = draw(st.sampled_from([None, None, *range(0, 15, 3)]))
        a_to = draw(st.sampled_from([None, (a_from or 0) + draw(st.integers(0, 20))]))
        busy = tuple((day(s), day(s + 2)) for s in draw(st.lists(st.integers(0, 18), max_size=1)))
        volunteers.append(SeasonVolunteer(
            vid, f"V{vid}", None if a_from is None else day(a_from),
            None if a_to is None else day(a_to),
            draw(st.dictionaries(st.sampled_from(["fr", "ar"]), st.integers(0, 6), max_size=2)),
            draw(st.sampled_from([None, date(2000, 1, 1), date(2000, 1, 1), date(2012, 1, 1)])),
            draw(st.sampled_from(["FR", "FR", "DE", "MA", None])),
            draw(st.sampled_from([FEMALE, MALE, None])), busy,
            draw(st.sampled_from([None, None, "g1", "g2"]))))
    pairs = [(v.id, p.id) for v in volunteers for p in projects]
    match = {pair: draw(st.integers(0, 100)) for pair in pairs}
    wishes = {pair: draw(st.sampled_from([0, 10, 20, 30])) for pair in pairs}
    org_wishes = {pair: draw(st.sampled_from([0, 0, 10, 30])) for pair in pairs}
    # "must" pins mostly on pairs the rules of the volunteer and project allow (else most runs
    # would end as contradictory pins), sometimes on any pair
    allowed = [(v.id, p.id) for v in volunteers for p in projects
               if isinstance(window(v, p), tuple)]
    must = set(draw(st.lists(st.sampled_from(allowed), max_size=draw(st.sampled_from(
        [0, 0, 1, 2]))))) if allowed else set()
    if draw(st.integers(0, 9)) == 0:
        must.add(draw(st.sampled_from(pairs)))
    must_not = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=2)))
    return Season(tuple(volunteers), tuple(projects), match, wishes, org_wishes,
                  must=frozenset(must),
                  must_not=must_not, one_project_each=draw(st.booleans()))


#: Most plans :func:`best_by_hand` tries; larger seasons skip the comparison.
MOST_PLANS = 3000


def best_by_hand(season: Season, weights: Weights) -> tuple[int | None, bool] | None:
    """The best score of any plan that breaks no rule (None: no plan holds), and whether a
    plan placing someone holds, by trying every choice of projects for every volunteer among
    those :func:`window` lets them on (at their window's dates); None when there are more than
    :data:`MOST_PLANS` plans to try. Independent of the model: only :func:`violations` judges."""
    choices = []
    for v in season.volunteers:
        options = [(p.id, w) for p in season.projects
                   if isinstance(w := window(v, p), tuple)]
        most = 1 if season.one_project_each else len(options)
        choices.append([dict(((v.id, pid), span) for pid, span in chosen)
                        for k in range(most + 1) for chosen in combinations(options, k)])
    if math.prod(len(c) for c in choices) > MOST_PLANS:
        return None
    best, someone = None, False
    for parts in product(*choices):
        placed = {pair: span for part in parts for pair, span in part.items()}
        if violations(season, placed):
            continue
        score = objective(season, weights, placed)
        best = score if best is None else max(best, score)
        someone = someone or bool(placed)
    return best, someone


def rules_broken_by_hand(season: Season, placed) -> list[str]:
    """The rules of a volunteer and a project alone, checked for each placed pair without
    :func:`window` (which :func:`violations` uses, and the solver too): the span inside the
    availability and the project, the whole overlap of the two, of at least the minimum stay
    (the whole project without one); no day shared with a live placement; each required
    language at B1 (rank 2) or better; the minimum age on the first day."""
    vols = {v.id: v for v in season.volunteers}
    projs = {p.id: p for p in season.projects}
    broken = []
    for (vid, pid), (first, last) in placed.items():
        v, p = vols[vid], projs[pid]
        free_from = max(v.available_from or p.start, p.start)
        free_to = min(v.available_to or p.end, p.end)
        if (first, last) != (free_from, free_to):
            broken.append(f"{vid}-{pid}: not the overlap of availability and project")
        if p.min_stay is None and (first, last) != (p.start, p.end):
            broken.append(f"{vid}-{pid}: not the whole project")
        if (last - first).days + 1 < (p.min_stay or 1):
            broken.append(f"{vid}-{pid}: shorter than the minimum stay")
        if any(s <= last and e >= first for s, e in v.busy):
            broken.append(f"{vid}-{pid}: on the days of a live placement")
        if any(v.languages.get(code, -1) < 2 for code in p.required_languages):
            broken.append(f"{vid}-{pid}: a language")
        if p.min_age is not None and (v.born is None or first.year - v.born.year - (
                (first.month, first.day) < (v.born.month, v.born.day)) < p.min_age):
            broken.append(f"{vid}-{pid}: younger than the minimum age")
    return broken


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seasons(), st.integers(0, 10))
def test_every_plan_holds_scores_at_least_greedy_and_is_optimal_when_it_says_so(season, mixing):
    """Every plan breaks no hard rule (:func:`violations` checks each of them; the rules of a
    pair alone are checked again by hand, :func:`rules_broken_by_hand`), scores its own
    objective, never less than greedy nor more than the best plan found by hand; a plan called
    optimal scores as the best by hand; "no room" and "contradictory pins" are said only when
    no plan placing someone (resp. no plan at all) holds."""
    weights = Weights(wishes=1, org_wishes=2, mixing=mixing)
    plan = solve(season, weights, time_limit=5, workers=2)
    baseline = greedy(season, weights)
    if baseline is not None:  # None: a "must" pin cannot be honoured one by one
        assert violations(season, baseline) == []
        assert rules_broken_by_hand(season, baseline) == []
    by_hand = best_by_hand(season, weights)
    # (pytest --hypothesis-show-statistics shows how often each case came up)
    event(f"outcome: {plan.outcome.value}")
    event("compared with every plan" if by_hand is not None else "too many plans to compare")
    assert plan.outcome in (Outcome.OPTIMAL, Outcome.FEASIBLE, Outcome.GREEDY,
                            Outcome.NO_ROOM, Outcome.CONTRADICTORY_PINS), plan.outcome
    if plan.outcome is Outcome.CONTRADICTORY_PINS:
        assert season.must and plan.conflicts
        assert by_hand is None or by_hand[0] is None
        return
    if plan.outcome is Outcome.NO_ROOM:
        assert plan.placed == {}
        assert by_hand is None or not by_hand[1]
        return
    assert violations(season, plan.placed) == []
    assert rules_broken_by_hand(season, plan.placed) == []
    assert plan.objective == objective(season, weights, plan.placed)
    if baseline is not None:
        assert plan.objective >= objective(season, weights, baseline)
    if by_hand is not None:
        assert by_hand[0] is not None and plan.objective <= by_hand[0]
        if plan.outcome is Outcome.OPTIMAL:
            assert plan.objective == by_hand[0]


def test_a_group_needs_room_for_all_its_members():
    vols = [volunteer(1, group="g"), volunteer(2, group="g")]
    _, plan = plan_of(vols, [project(capacity=1)])
    assert plan.placed == {}
    assert headline(plan, 1) is Why.CAPACITY
