"""The season planner's model: which volunteer goes to which project, as a CP-SAT problem.

Pure functions on plain dataclasses (no database, no Flask): :mod:`aljisr.planner.queries`
builds a :class:`Season` from the registers, :func:`solve` answers a :class:`Plan`, and
:func:`violations` checks any plan against every hard rule (the tests and the acceptance
re-check use it). Dates are inclusive ``(first, last)`` pairs throughout.

Hard rules (issue 17), each one a constraint below:

* **dates**: a placement spans the volunteer's availability cut to the project's dates. A
  project without a minimum stay needs the volunteer for its whole span; one with
  ``min_stay`` days takes whoever is available that many days or more (an open availability
  bound counts as available);
* **overlap**: no day shared with the volunteer's live placements, nor between two planned
  ones (and, by default, at most one planned project each: ``Season.one_project_each``);
* **capacity** on every single day, with the live placements counted;
* **languages**: every language the project requires spoken at
  :data:`~aljisr.volunteers.models.USABLE_LEVEL` (B1) or better;
* **minimum age** on the placement's first day (a volunteer with no date of birth cannot go
  to a project that sets one);
* **quotas**: at most ``max_per_nationality`` volunteers of one nationality on the project
  (live placements counted); women and men within ``gender_margin`` of each other, counting
  those whose gender is known (when the live placements are already further apart, the plan
  may not widen the gap);
* **groups**: volunteers who applied together go to the same project, or none of them goes;
* **pins**: the coordinator's "must go" and "must not go".

The objective maximises, with integer weights (:class:`Weights`): the explained match score
of :mod:`aljisr.placements.matching` (0-100, computed by the caller), the volunteer's own
wishes and their sending organisation's (points 0-100), and a bonus for each nationality a
project's team gains (mixing). The greedy baseline (:func:`greedy`) places volunteers one by
one in the order of their best score; the solver starts from it (a hint) and a plan never
scores below it (when the time limit ends before CP-SAT beats it, the greedy plan is kept).
"""

from __future__ import annotations

import enum
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

#: A language counts from this rank of :class:`~aljisr.volunteers.models.LanguageLevel`
#: (B1, the CEFR "independent user"); kept as a number so this module imports no model.
USABLE_RANK = 2
FEMALE, MALE = "female", "male"
_DAY = timedelta(days=1)

Pair = tuple[int, int]  # (volunteer id, project id)
Span = tuple[date, date]


#: Seconds of the time limit kept for what follows the search (reading the plan back, the
#: explanations), so that a run with a 10 s limit answers within 10 s.
EXPLAIN_RESERVE_S = 0.6


@dataclass(frozen=True, slots=True)
class Booked:
    """A live placement already on a project: its dates, and the volunteer's nationality and
    gender (None when unknown), which quotas count."""

    start: date
    end: date
    nationality: str | None = None
    gender: str | None = None


@dataclass(frozen=True, slots=True)
class SeasonVolunteer:
    """A volunteer the run may place. ``languages`` maps ISO 639-1 codes to level ranks (0 A1 to
    6 native); ``busy`` lists the spans of their live placements; ``group`` is a key shared by
    volunteers who applied together (None alone)."""

    id: int
    name: str = ""
    available_from: date | None = None
    available_to: date | None = None
    languages: Mapping[str, int] = field(default_factory=dict)
    born: date | None = None
    nationality: str | None = None
    gender: str | None = None
    busy: tuple[Span, ...] = ()
    group: str | None = None


@dataclass(frozen=True, slots=True)
class SeasonProject:
    """A project the run may fill: ``start`` is its first open day (today for one already
    running), ``capacity`` places a day, ``live`` its live placements; the optional rules are
    None when the project does not set them."""

    id: int
    title: str
    start: date
    end: date
    capacity: int
    live: tuple[Booked, ...] = ()
    required_languages: frozenset[str] = frozenset()
    min_age: int | None = None
    min_stay: int | None = None
    max_per_nationality: int | None = None
    gender_margin: int | None = None


@dataclass(frozen=True, slots=True)
class Season:
    """Everything one run decides on. ``match`` holds the match score (0-100) of each pair the
    caller scored (missing: 0); ``wishes`` and ``org_wishes`` the points (0-100) of the
    volunteer's and their sending organisation's wishes; ``must`` and ``must_not`` the pins."""

    volunteers: tuple[SeasonVolunteer, ...]
    projects: tuple[SeasonProject, ...]
    match: Mapping[Pair, int] = field(default_factory=dict)
    wishes: Mapping[Pair, int] = field(default_factory=dict)
    org_wishes: Mapping[Pair, int] = field(default_factory=dict)
    must: frozenset[Pair] = frozenset()
    must_not: frozenset[Pair] = frozenset()
    one_project_each: bool = True


@dataclass(frozen=True, slots=True)
class Weights:
    """Integer weights of the objective's parts (0-10 each; 0 switches a part off)."""

    match: int = 1
    wishes: int = 1
    org_wishes: int = 1
    #: Points for each nationality a project's team gains.
    mixing: int = 0


class Why(enum.StrEnum):
    """Why a volunteer is not (or cannot be) on a project: the hard rule that kept them out."""

    DATES = "dates"
    SHORT_STAY = "short_stay"
    OVERLAP = "overlap"
    LANGUAGE = "language"
    AGE = "age"
    AGE_UNKNOWN = "age_unknown"
    PINNED_OUT = "pinned_out"
    CAPACITY = "capacity"
    NATIONALITY_QUOTA = "nationality_quota"
    GENDER_BALANCE = "gender_balance"
    GROUP = "group"
    OTHER_PROJECT = "other_project"
    NOT_CHOSEN = "not_chosen"


#: The order in which a volunteer's headline reason is chosen (the first found wins): rules of
#: the plan first (what a coordinator can act on), then the volunteer's own limits.
_HEADLINE_RANK = {why: rank for rank, why in enumerate(reversed(Why))}


@dataclass(frozen=True, slots=True)
class Refusal:
    """One project a volunteer is not on, and why (``detail``: missing language codes...)."""

    project_id: int
    why: Why
    detail: tuple[str, ...] = ()


class Outcome(enum.StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a plan with a proven gap, the time limit reached
    GREEDY = "greedy"  # the solver did not beat the greedy plan in time
    NOTHING_TO_ASSIGN = "nothing_to_assign"
    NO_ROOM = "no_room"
    CONTRADICTORY_PINS = "contradictory_pins"
    NO_PLAN_IN_TIME = "no_plan_in_time"

    @property
    def has_plan(self) -> bool:
        return self in (Outcome.OPTIMAL, Outcome.FEASIBLE, Outcome.GREEDY)


@dataclass(slots=True)
class Plan:
    """The answer of :func:`solve`. ``placed`` maps (volunteer, project) to the planned span;
    ``objective`` is the plan's score (:func:`objective`), ``bound`` the best the solver proved
    possible, ``gap`` ``(bound - objective) / bound`` (0 when optimal); ``unplaced`` gives each
    volunteer left out their refusals (one per project, headline first); ``conflicts`` the
    pins at fault when they contradict each other or the rules."""

    outcome: Outcome
    placed: dict[Pair, Span] = field(default_factory=dict)
    objective: int = 0
    bound: int = 0
    gap: float | None = 0.0
    greedy_objective: int = 0
    solve_seconds: float = 0.0
    unplaced: dict[int, list[Refusal]] = field(default_factory=dict)
    conflicts: list[tuple[Pair, str]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Who may go where
# --------------------------------------------------------------------------------------------


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def window(v: SeasonVolunteer, p: SeasonProject) -> Span | Refusal:
    """The span ``v`` would have on ``p``, or why they cannot go (the rules of ``v`` and ``p``
    alone: dates, minimum stay, overlap with live placements, languages, minimum age)."""
    first = max(v.available_from or p.start, p.start)
    last = min(v.available_to or p.end, p.end)
    if p.min_stay is None:
        if first != p.start or last != p.end:
            return Refusal(p.id, Why.DATES)
    elif first > last:
        return Refusal(p.id, Why.DATES)
    elif (last - first).days + 1 < p.min_stay:
        return Refusal(p.id, Why.SHORT_STAY, (str(p.min_stay),))
    for start, end in v.busy:
        if start <= last and end >= first:
            return Refusal(p.id, Why.OVERLAP)
    missing = sorted(c for c in p.required_languages if v.languages.get(c, -1) < USABLE_RANK)
    if missing:
        return Refusal(p.id, Why.LANGUAGE, tuple(missing))
    if p.min_age is not None:
        if v.born is None:
            return Refusal(p.id, Why.AGE_UNKNOWN, (str(p.min_age),))
        if age_on(v.born, first) < p.min_age:
            return Refusal(p.id, Why.AGE, (str(p.min_age),))
    return (first, last)


def windows(season: Season) -> dict[Pair, Span]:
    """The span of every possible pair: those the volunteer's and project's own rules let
    through (:func:`window`), "must not" pins left out. The dates are tested inline first, as
    they rule out most pairs of a season."""
    spans: dict[Pair, Span] = {}
    out = season.must_not
    for p in season.projects:
        ps, pe, stay = p.start, p.end, p.min_stay
        for v in season.volunteers:
            first = v.available_from or ps
            last = v.available_to or pe
            if stay is None:
                if first > ps or last < pe:
                    continue
            elif ((last if last < pe else pe) - (first if first > ps else ps)).days + 1 < stay:
                continue
            if out and (v.id, p.id) in out:
                continue
            w = window(v, p)
            if type(w) is tuple:
                spans[v.id, p.id] = w
    return spans


def refusals(season: Season, vid: int, spans: Mapping[Pair, Span]) -> list[Refusal]:
    """Why volunteer ``vid`` cannot go to each project that is not among ``spans``."""
    v = next(v for v in season.volunteers if v.id == vid)
    out: list[Refusal] = []
    for p in season.projects:
        if (vid, p.id) in spans:
            continue
        if (vid, p.id) in season.must_not:
            out.append(Refusal(p.id, Why.PINNED_OUT))
            continue
        w = window(v, p)
        out.append(w if isinstance(w, Refusal) else Refusal(p.id, Why.DATES))
    return out


def groups(season: Season) -> dict[str, list[int]]:
    """Groups of two or more volunteers of the season, by key: member ids."""
    members: dict[str, list[int]] = defaultdict(list)
    for v in season.volunteers:
        if v.group:
            members[v.group].append(v.id)
    return {k: ids for k, ids in members.items() if len(ids) > 1}


def coefficients(season: Season, weights: Weights, spans: Iterable[Pair]) -> dict[Pair, int]:
    """The objective's points of each possible pair (without the mixing bonus)."""
    return {
        pair: weights.match * season.match.get(pair, 0)
        + weights.wishes * season.wishes.get(pair, 0)
        + weights.org_wishes * season.org_wishes.get(pair, 0)
        for pair in spans
    }


def objective(season: Season, weights: Weights, placed: Iterable[Pair]) -> int:
    """The score of a plan: the pairs' points plus ``weights.mixing`` for each nationality a
    team gains (not already among the project's live placements)."""
    placed = list(placed)
    total = sum(coefficients(season, weights, placed).values())
    if weights.mixing:
        nationality = {v.id: v.nationality for v in season.volunteers}
        live = {p.id: {b.nationality for b in p.live} for p in season.projects}
        gained = {(pid, nationality[vid]) for vid, pid in placed
                  if nationality.get(vid) and nationality[vid] not in live.get(pid, ())}
        total += weights.mixing * len(gained)
    return total


def _gender_bounds(p: SeasonProject) -> tuple[int, int] | None:
    """(women - men) must stay within these bounds (live placements counted), or None."""
    if p.gender_margin is None:
        return None
    diff = sum(b.gender == FEMALE for b in p.live) - sum(b.gender == MALE for b in p.live)
    margin = max(p.gender_margin, abs(diff))
    return -margin - diff, margin - diff  # bounds on the planned (women - men)


def _segments(spans: list[tuple[int, Span]], live: Iterable[Booked], first: date, last: date
              ) -> list[tuple[list[int], int]]:
    """The days of ``first``..``last`` on which a capacity rule must be written: for each, the
    candidate keys present and the live placements running.

    Only the maximal cliques of the interval graph are kept: a day on which someone (candidate
    or live) starts, followed by a change on which someone leaves. Any other day's rule is
    implied by a neighbour's (the same people or fewer, and as many live placements or more).
    """
    live = list(live)
    starts: set[date] = {first}
    ends: set[date] = set()
    for _, (s, e) in spans:
        starts.add(s)
        ends.add(e + _DAY)
    for b in live:
        starts.add(b.start)
        ends.add(b.end + _DAY)
    cuts = sorted(d for d in starts | ends if first <= d <= last)
    out = []
    for k, day in enumerate(cuts):
        if day not in starts:
            continue
        if k + 1 < len(cuts) and cuts[k + 1] not in ends:
            continue
        present = [key for key, (s, e) in spans if s <= day <= e]
        if present:
            out.append((present, sum(1 for b in live if b.start <= day <= b.end)))
    return out


# --------------------------------------------------------------------------------------------
# Checking a plan
# --------------------------------------------------------------------------------------------


def violations(season: Season, placed: Mapping[Pair, Span]) -> list[str]:
    """Every hard rule ``placed`` breaks, as short English sentences (empty: the plan holds).
    Independent of the model built by :func:`solve`, so the tests can trust it."""
    problems: list[str] = []
    vols = {v.id: v for v in season.volunteers}
    projs = {p.id: p for p in season.projects}
    for (vid, pid), span in placed.items():
        w = window(vols[vid], projs[pid])
        if isinstance(w, Refusal):
            problems.append(f"volunteer {vid} on project {pid}: {w.why.value}")
        elif w != span:
            problems.append(f"volunteer {vid} on project {pid}: dates {span} instead of {w}")
        if (vid, pid) in season.must_not:
            problems.append(f"volunteer {vid} pinned out of project {pid}")
    for pair in season.must:
        if pair not in placed:
            problems.append(f"volunteer {pair[0]} pinned to project {pair[1]} is not there")
    by_volunteer: dict[int, list[Span]] = defaultdict(list)
    for (vid, _pid), span in placed.items():
        by_volunteer[vid].append(span)
    for vid, spans in by_volunteer.items():
        if season.one_project_each and len(spans) > 1:
            problems.append(f"volunteer {vid} on {len(spans)} projects")
        spans.sort()
        for a, b in zip(spans, spans[1:], strict=False):
            if b[0] <= a[1]:
                problems.append(f"volunteer {vid} in overlapping placements")
    team: dict[int, list[int]] = defaultdict(list)
    for vid, pid in placed:
        team[pid].append(vid)
    for pid, members in team.items():
        p = projs[pid]
        day = p.start
        while day <= p.end:
            n = sum(1 for b in p.live if b.start <= day <= b.end) + sum(
                1 for vid in members if placed[vid, pid][0] <= day <= placed[vid, pid][1])
            if n > p.capacity and any(placed[vid, pid][0] <= day <= placed[vid, pid][1]
                                      for vid in members):
                problems.append(f"project {pid} over capacity on {day}")
                break
            day += _DAY
        if p.max_per_nationality is not None:
            counts = Counter(b.nationality for b in p.live if b.nationality)
            planned = Counter(vols[v].nationality for v in members if vols[v].nationality)
            for nat, n in planned.items():
                if n + counts[nat] > max(p.max_per_nationality, counts[nat]):
                    problems.append(f"project {pid}: too many of nationality {nat}")
        bounds = _gender_bounds(p)
        if bounds is not None:
            diff = sum(vols[v].gender == FEMALE for v in members) - sum(
                vols[v].gender == MALE for v in members)
            if not bounds[0] <= diff <= bounds[1]:
                problems.append(f"project {pid}: gender balance off by {diff}")
    for key, ids in groups(season).items():
        targets = [{pid for (vid, pid) in placed if vid == member} for member in ids]
        if any(t != targets[0] for t in targets):
            problems.append(f"group {key} split")
    return problems


# --------------------------------------------------------------------------------------------
# Greedy baseline
# --------------------------------------------------------------------------------------------


class _Board:
    """The plan being built by :func:`greedy` (and by the rounding and the swaps), with quick
    checks of the shared rules. Each project's count of placements running on each of its
    days (live ones included), its count of each nationality and its (women - men) are kept as
    the plan changes, so that a check costs the length of the spans checked, not the size of
    the team (at 3,000 volunteers × 300 projects, recounting the team on every check cost
    most of the greedy plan's time)."""

    def __init__(self, season: Season) -> None:
        self.season = season
        self.projects = {p.id: p for p in season.projects}
        self.team: dict[int, list[tuple[SeasonVolunteer, Span]]] = defaultdict(list)
        self.taken: dict[int, list[Span]] = defaultdict(list)
        self.nationalities = {p.id: {b.nationality for b in p.live} for p in season.projects}
        #: placements running on each day of the project (index 0: its first day)
        self.running: dict[int, list[int]] = {}
        self.of_nationality: dict[int, Counter[str]] = {}
        #: (women - men) among the planned placements, and the bounds it must stay within
        self.balance: dict[int, int] = {}
        self.bounds = {p.id: _gender_bounds(p) for p in season.projects}
        for p in season.projects:
            running = [0] * max(0, (p.end - p.start).days + 1)
            for b in p.live:
                for i in range(max(0, (b.start - p.start).days),
                               min(len(running), (b.end - p.start).days + 1)):
                    running[i] += 1
            self.running[p.id] = running
            self.of_nationality[p.id] = Counter(b.nationality for b in p.live if b.nationality)
            self.balance[p.id] = 0

    def _days(self, pid: int, span: Span) -> range:
        first = self.projects[pid].start
        return range((span[0] - first).days, (span[1] - first).days + 1)

    def why_not(self, members: list[SeasonVolunteer], pid: int, spans: list[Span]) -> Why | None:
        p = self.projects[pid]
        for v, span in zip(members, spans, strict=True):
            if self.taken[v.id] and (self.season.one_project_each or any(
                    s <= span[1] and e >= span[0] for s, e in self.taken[v.id])):
                return Why.OTHER_PROJECT
        # capacity on each day of the new spans, with those already running
        running = self.running[pid]
        if len(spans) == 1:
            days = self._days(pid, spans[0])
            if max(running[days.start:days.stop]) >= p.capacity:
                return Why.CAPACITY
        else:
            coming: Counter[int] = Counter()
            for span in spans:
                coming.update(self._days(pid, span))
            if any(running[i] + n > p.capacity for i, n in coming.items()):
                return Why.CAPACITY
        if p.max_per_nationality is not None:
            before = self.of_nationality[pid]
            for nat, n in Counter(m.nationality for m in members if m.nationality).items():
                if before[nat] + n > max(p.max_per_nationality, before[nat]):
                    return Why.NATIONALITY_QUOTA
        bounds = self.bounds[pid]
        if bounds is not None:
            diff = self.balance[pid] + sum(m.gender == FEMALE for m in members) - sum(
                m.gender == MALE for m in members)
            if not bounds[0] <= diff <= bounds[1]:
                return Why.GENDER_BALANCE
        return None

    def _count(self, v: SeasonVolunteer, pid: int, span: Span, step: int) -> None:
        running = self.running[pid]
        for i in self._days(pid, span):
            running[i] += step
        if v.nationality:
            self.of_nationality[pid][v.nationality] += step
        self.balance[pid] += step * ((v.gender == FEMALE) - (v.gender == MALE))

    def add(self, members: list[SeasonVolunteer], pid: int, spans: list[Span]) -> None:
        for v, span in zip(members, spans, strict=True):
            self.team[pid].append((v, span))
            self.taken[v.id].append(span)
            self.nationalities[pid].add(v.nationality)
            self._count(v, pid, span, 1)

    def remove(self, members: list[SeasonVolunteer], pid: int) -> None:
        ids = {m.id for m in members}
        gone = [(v, span) for v, span in self.team[pid] if v.id in ids]
        self.team[pid] = [(v, span) for v, span in self.team[pid] if v.id not in ids]
        for v, span in gone:
            self.taken[v.id].remove(span)
            self._count(v, pid, span, -1)
        self.nationalities[pid] = {b.nationality for b in self.projects[pid].live} | {
            v.nationality for v, _ in self.team[pid]}


def _units(season: Season) -> list[list[SeasonVolunteer]]:
    """Volunteers as placing units: a group together, everyone else alone."""
    grouped = groups(season)
    seen: set[int] = set()
    vols = {v.id: v for v in season.volunteers}
    units = []
    for v in season.volunteers:
        if v.id in seen:
            continue
        ids = grouped.get(v.group or "", [v.id])
        seen.update(ids)
        units.append([vols[i] for i in ids])
    return units


def greedy(season: Season, weights: Weights = Weights(),
           spans: Mapping[Pair, Span] | None = None) -> dict[Pair, Span] | None:
    """The one-by-one baseline: the pinned volunteers first, then each volunteer (a group as
    one) in the order of their best points, to the project that gives the most points among
    those where every rule still holds. Returns the plan, or None when a "must" pin cannot be
    honoured this way."""
    if spans is None:
        spans = windows(season)
    coef = coefficients(season, weights, spans)
    board = _Board(season)
    # each volunteer's possible projects, read from the spans once (not every project tried
    # for every volunteer: 900,000 look-ups at 3,000 × 300)
    order = {p.id: i for i, p in enumerate(season.projects)}
    possible: dict[int, set[int]] = defaultdict(set)
    for vid, pid in spans:
        possible[vid].add(pid)
    must: dict[int, set[int]] = defaultdict(set)
    for vid, pid in season.must:
        must[vid].add(pid)
    by_unit = []
    for members in _units(season):
        common = set.intersection(*(possible.get(m.id, set()) for m in members))
        options = {pid: sum(coef[m.id, pid] for m in members)
                   for pid in sorted(common, key=order.__getitem__)}
        pinned = set().union(*(must.get(m.id, set()) for m in members))
        by_unit.append((members, options, pinned))
    by_unit.sort(key=lambda u: (not u[2], -max(u[1].values(), default=0), u[0][0].id))
    for members, options, pinned in by_unit:
        if pinned:
            for pid in sorted(pinned):
                s = [spans.get((m.id, pid)) for m in members]
                if None in s or pid not in options or board.why_not(members, pid, s) is not None:
                    return None
                board.add(members, pid, s)  # type: ignore[arg-type]
            if season.one_project_each:
                continue
        while True:
            nationalities = {m.nationality for m in members if m.nationality}
            ranked = sorted(
                ((points + weights.mixing * len(nationalities - board.nationalities[pid])
                  if weights.mixing else points, -pid)
                 for pid, points in options.items() if pid not in pinned),
                reverse=True)
            best = next((-neg for _points, neg in ranked if board.why_not(
                members, -neg, [spans[m.id, -neg] for m in members]) is None), None)
            if best is None:
                break
            board.add(members, best, [spans[m.id, best] for m in members])
            options.pop(best)
            if season.one_project_each:
                break
    return {(v.id, pid): span for pid, team in board.team.items() for v, span in team}


# --------------------------------------------------------------------------------------------
# The CP-SAT model
# --------------------------------------------------------------------------------------------


def solve(
    season: Season,
    weights: Weights = Weights(),
    *,
    time_limit: float = 10.0,
    workers: int = 8,
    score: Callable[[SeasonVolunteer, SeasonProject, Span], int] | None = None,
) -> Plan:
    """Plan ``season``: the most points under every hard rule (see the module docstring).

    :param time_limit: seconds CP-SAT may search (wall clock; building the model is extra).
    :param score: the match score (0-100) of a possible pair, called once per pair that passes
        the volunteer's and project's own rules; default ``season.match``.
    :returns: a :class:`Plan`; when ``outcome.has_plan`` is false, ``placed`` is empty and the
        outcome says why (nothing to assign, no project with room, contradictory pins with
        ``conflicts`` naming them, or no plan found within the time limit).
    """
    from ortools.sat.python import cp_model
    from ortools.sat.python.cp_model import LinearExpr

    began = time.perf_counter()
    if not season.volunteers or not season.projects:
        return Plan(Outcome.NOTHING_TO_ASSIGN)
    spans = windows(season)
    if score is not None:
        vols = {v.id: v for v in season.volunteers}
        projs = {p.id: p for p in season.projects}
        season = _with_match(season, {pair: score(vols[pair[0]], projs[pair[1]], span)
                                      for pair, span in spans.items()})
    conflicts = _pin_conflicts(season, spans)
    if conflicts:
        return Plan(Outcome.CONTRADICTORY_PINS, conflicts=conflicts,
                    unplaced=_explain(season, {}, spans))
    if not spans or not _any_room(season):
        return Plan(Outcome.NO_ROOM, unplaced=_explain(season, {}, spans))

    coef = coefficients(season, weights, spans)
    baseline = greedy(season, weights, spans)
    baseline_score = objective(season, weights, baseline) if baseline is not None else -1
    greedy_score = baseline_score

    model = cp_model.CpModel()
    #: the same constraints as (variable indices, coefficients, low, high), for the relaxation
    rows: list[tuple[list[int], list[float], float, float]] = []
    x = {pair: model.new_bool_var(f"x{pair[0]}_{pair[1]}") for pair in spans}
    by_volunteer: dict[int, list[Pair]] = defaultdict(list)
    by_project: dict[int, list[Pair]] = defaultdict(list)
    for pair in spans:
        by_volunteer[pair[0]].append(pair)
        by_project[pair[1]].append(pair)
    # overlap (and one project each)
    for pairs in by_volunteer.values():
        if len(pairs) < 2:
            continue
        if season.one_project_each:
            model.add_at_most_one(x[p] for p in pairs)
            rows.append(([x[p].index for p in pairs], [1.0] * len(pairs), -math.inf, 1))
            continue
        for present, _ in _segments([(i, spans[p]) for i, p in enumerate(pairs)], (),
                                    date.min, date.max):
            if len(present) > 1:
                model.add_at_most_one(x[pairs[i]] for i in present)
                rows.append(([x[pairs[i]].index for i in present], [1.0] * len(present),
                             -math.inf, 1))
    vols = {v.id: v for v in season.volunteers}
    for p in season.projects:
        pairs = by_project.get(p.id, [])
        if not pairs:
            continue
        # capacity on every day
        seen: dict[tuple[int, ...], int] = {}
        for present, busy in _segments([(i, spans[q]) for i, q in enumerate(pairs)], p.live,
                                       p.start, p.end):
            room = max(0, p.capacity - busy)
            if len(present) > room:
                key = tuple(present)
                seen[key] = min(room, seen.get(key, room))
        for present, room in seen.items():
            model.add(LinearExpr.sum([x[pairs[i]] for i in present]) <= room)
            rows.append(([x[pairs[i]].index for i in present], [1.0] * len(present),
                         -math.inf, room))
        # most volunteers of one nationality
        if p.max_per_nationality is not None:
            live = Counter(b.nationality for b in p.live if b.nationality)
            of: dict[str, list[Pair]] = defaultdict(list)
            for q in pairs:
                if vols[q[0]].nationality:
                    of[vols[q[0]].nationality].append(q)  # type: ignore[index]
            for nat, qs in of.items():
                room = max(0, p.max_per_nationality - live[nat])
                if len(qs) > room:
                    model.add(LinearExpr.sum([x[q] for q in qs]) <= room)
                    rows.append(([x[q].index for q in qs], [1.0] * len(qs), -math.inf, room))
        # gender balance
        bounds = _gender_bounds(p)
        if bounds is not None:
            women = [x[q] for q in pairs if vols[q[0]].gender == FEMALE]
            men = [x[q] for q in pairs if vols[q[0]].gender == MALE]
            if women or men:
                model.add_linear_constraint(LinearExpr.sum(women) - LinearExpr.sum(men),
                                            bounds[0], bounds[1])
                rows.append(([v.index for v in women + men],
                             [1.0] * len(women) + [-1.0] * len(men), bounds[0], bounds[1]))
    # groups: the same projects for every member
    for ids in groups(season).values():
        for p in season.projects:
            members = [x.get((vid, p.id)) for vid in ids]
            present = [m for m in members if m is not None]
            if not present:
                continue
            if len(present) < len(members):
                for m in present:
                    model.add(m == 0)
                    rows.append(([m.index], [1.0], 0, 0))
            else:
                for m in present[1:]:
                    model.add(m == present[0])
                    rows.append(([m.index, present[0].index], [1.0, -1.0], 0, 0))
    # pins, as assumptions so that a contradiction names the pins at fault
    pin_literals = {}
    for pair in sorted(season.must):
        lit = model.new_bool_var(f"pin{pair[0]}_{pair[1]}")
        model.add_implication(lit, x[pair])
        pin_literals[lit.index] = pair
        model.add_assumption(lit)
    # objective
    variables = [x[q] for q in spans if coef[q]]
    weights_ = [coef[q] for q in spans if coef[q]]
    mixing_terms: list[tuple[Any, list[Pair]]] = []
    if weights.mixing:
        for p in season.projects:
            live = {b.nationality for b in p.live}
            of = defaultdict(list)
            for q in by_project.get(p.id, []):
                nat = vols[q[0]].nationality
                if nat and nat not in live:
                    of[nat].append(q)
            for nat, qs in of.items():
                y = model.new_bool_var(f"mix{p.id}_{nat}")
                model.add(y <= LinearExpr.sum([x[q] for q in qs]))
                rows.append(([y.index] + [x[q].index for q in qs], [1.0] + [-1.0] * len(qs),
                             -math.inf, 0))
                variables.append(y)
                weights_.append(weights.mixing)
                mixing_terms.append((y, qs))
    model.maximize(LinearExpr.weighted_sum(variables, weights_))
    # the linear relaxation: a proven bound, and (rounded) a start far better than greedy
    lp_bound = None
    relaxed = _lp_relaxation(
        len(model.proto.variables), [v.index for v in variables], weights_, rows,
        max(0.5, 0.75 * (time_limit - (time.perf_counter() - began))))
    if relaxed is not None:
        lp_bound, values = relaxed
        rounded = _rounded(season, weights, spans, {q: values[x[q].index] for q in spans},
                           time.perf_counter() + max(0.5, 0.9 * time_limit
                                                     - (time.perf_counter() - began)))
        if rounded is not None:
            rounded_score = objective(season, weights, rounded)
            if rounded_score > max(baseline_score, -1):
                baseline, baseline_score = rounded, rounded_score
    if baseline is not None:
        for q, var in x.items():
            model.add_hint(var, q in baseline)
        for y, qs in mixing_terms:
            model.add_hint(y, any(q in baseline for q in qs))

    solver = cp_model.CpSolver()
    status: Any = None
    if lp_bound is None or baseline is None or baseline_score < int(lp_bound + 1e-6):
        # not proven optimal yet: CP-SAT searches from the best start for the time left
        # the limit covers the whole run: keep a little of it for reading the plan back and
        # explaining who is left out (about 0.3 s at 1,000 volunteers)
        solver.parameters.max_time_in_seconds = max(
            0.2, time_limit - EXPLAIN_RESERVE_S - (time.perf_counter() - began))
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = 1
        # the relaxation already gave the bound and a good start: reach the search sooner
        # (probing and symmetry detection cost seconds on 20,000 variables and find little
        # in this assignment structure)
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
        solver.parameters.max_presolve_iterations = 1
        status = solver.solve(model)
    elapsed = time.perf_counter() - began

    if status == cp_model.INFEASIBLE:
        core = [pin_literals[i] for i in solver.sufficient_assumptions_for_infeasibility()
                if i in pin_literals]
        if pin_literals:
            return Plan(Outcome.CONTRADICTORY_PINS, solve_seconds=elapsed,
                        conflicts=[(pair, "together") for pair in core or sorted(season.must)],
                        unplaced=_explain(season, {}, spans))
        return Plan(Outcome.NO_ROOM, solve_seconds=elapsed,  # pragma: no cover - x = 0 holds
                    unplaced=_explain(season, {}, spans))
    bound: int | None = None  # None: nothing proven
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        value = round(solver.objective_value)
        bound = max(round(solver.best_objective_bound), value)
        placed = {q: spans[q] for q in spans if solver.boolean_value(x[q])}
        outcome = Outcome.OPTIMAL if status == cp_model.OPTIMAL else Outcome.FEASIBLE
        if baseline is not None and baseline_score > value:  # the start was better
            placed, value = baseline, baseline_score
    elif baseline is not None:
        placed, value, outcome = baseline, baseline_score, Outcome.FEASIBLE
    else:
        return Plan(Outcome.NO_PLAN_IN_TIME, solve_seconds=elapsed,
                    unplaced=_explain(season, {}, spans))
    if lp_bound is not None:
        proven = int(lp_bound + 1e-6)
        bound = proven if bound is None else min(bound, proven)
    if bound is not None and value >= bound:
        outcome, bound = Outcome.OPTIMAL, value
    if bound is None and placed == baseline and greedy_score == value:
        outcome = Outcome.GREEDY  # nothing better than one by one, and nothing proven
    gap = None if bound is None else (max(0.0, (bound - value) / bound) if bound > 0 else 0.0)
    return Plan(
        outcome,
        placed=placed,
        objective=value,
        bound=value if bound is None else bound,
        gap=gap,
        greedy_objective=max(0, greedy_score),
        solve_seconds=elapsed,
        unplaced=_explain(season, placed, spans),
    )


def _lp_relaxation(
    n_variables: int, goal_vars: list[int], goal_coefs: list[int],
    rows: list[tuple[list[int], list[float], float, float]], seconds: float,
) -> tuple[float, list[float]] | None:
    """The linear relaxation of the CP-SAT model (``rows``: each constraint but the pins, which
    only loosens it; variables in [0, 1]), solved with HiGHS's simplex (bundled with OR-Tools;
    GLOP when a build lacks it): the relaxation's optimum (a proven upper bound of the model's)
    and each variable's value, or None when it does not finish in ``seconds``. Built as an
    ``MPModelProto`` in bulk (a call per row, not per term)."""
    from ortools.linear_solver import linear_solver_pb2, pywraplp

    lp_model = linear_solver_pb2.MPModelProto(maximize=True)
    goal = dict(zip(goal_vars, goal_coefs, strict=True))
    for index in range(n_variables):
        lp_model.variable.add(lower_bound=0, upper_bound=1,
                              objective_coefficient=goal.get(index, 0))
    for indices, coefs, low, high in rows:
        lp_model.constraint.add(var_index=indices, coefficient=coefs, lower_bound=low,
                                upper_bound=high)
    lp = pywraplp.Solver.CreateSolver("HIGHS_LP") or pywraplp.Solver.CreateSolver("GLOP")
    lp.LoadModelFromProto(lp_model)
    lp.SuppressOutput()
    lp.SetTimeLimit(max(1, int(seconds * 1000)))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return lp.Objective().Value(), [v.solution_value() for v in lp.variables()]


def _rounded(season: Season, weights: Weights, spans: Mapping[Pair, Span],
             values: Mapping[Pair, float], deadline: float | None = None
             ) -> dict[Pair, Span] | None:
    """A plan from the linear relaxation's values: the pins first, then pairs by decreasing
    value (a group as one), each kept when every rule still holds, then the pairs left by
    decreasing points. None when a pin cannot be kept this way."""
    board = _Board(season)
    unit_of = {v.id: members for members in _units(season) for v in members}
    coef = coefficients(season, weights, spans)
    done: set[tuple[int, int]] = set()

    def place(vid: int, pid: int) -> bool:
        members = unit_of[vid]
        if (members[0].id, pid) in done:
            return True
        chosen = [spans.get((m.id, pid)) for m in members]
        if None in chosen or board.why_not(members, pid, chosen) is not None:  # type: ignore
            return False
        board.add(members, pid, chosen)  # type: ignore[arg-type]
        done.add((members[0].id, pid))
        return True

    for vid, pid in sorted(season.must):
        if not place(vid, pid):
            return None
    for vid, pid in sorted(spans, key=lambda q: (-values.get(q, 0.0), -coef[q], q)):
        if coef[vid, pid] > 0 or values.get((vid, pid), 0.0) > 0.5:
            place(vid, pid)
    if season.one_project_each and deadline is not None:
        _swap(season, board, unit_of, spans, coef, {vid for vid, _ in season.must}, deadline)
    return {(v.id, pid): span for pid, team in board.team.items() for v, span in team}


def _swap(season: Season, board: _Board, unit_of: Mapping[int, list[SeasonVolunteer]],
          spans: Mapping[Pair, Span], coef: Mapping[Pair, int], pinned: set[int],
          deadline: float) -> None:
    """Improve a plan (one project each) by swaps until ``deadline`` (perf_counter): a
    volunteer left out takes the place of one on a full project who scores less there, and the
    one who gives the place up moves to their best project with room, or out. Kept only when
    the points rise."""
    where: dict[int, int] = {v.id: pid for pid, team in board.team.items() for v, _ in team}
    units = {members[0].id: members for members in unit_of.values()}
    options: dict[int, list[int]] = defaultdict(list)
    for (vid, pid), points in coef.items():
        if points > 0 and unit_of[vid][0].id == vid:
            options[vid].append(pid)

    def value(members: list[SeasonVolunteer], pid: int) -> int:
        return sum(coef.get((m.id, pid), 0) for m in members)

    def fits(members: list[SeasonVolunteer], pid: int) -> bool:
        chosen = [spans.get((m.id, pid)) for m in members]
        return None not in chosen and board.why_not(members, pid, chosen) is None  # type: ignore

    for _round in range(2):
        improved = False
        left = sorted((key for key in units if key not in where and options.get(key)),
                      key=lambda key: -max(value(units[key], p) for p in options[key]))
        for key in left:
            if time.perf_counter() > deadline:
                return
            members = units[key]
            for pid in sorted(options[key], key=lambda p: -value(members, p)):
                gain = value(members, pid)
                rivals = sorted({unit_of[v.id][0].id for v, _ in board.team[pid]
                                 if v.id not in pinned and len(unit_of[v.id]) == 1},
                                key=lambda r: value(units[r], pid))
                for rival in rivals:
                    loss = value(units[rival], pid)
                    if loss >= gain:
                        break
                    board.remove(units[rival], pid)
                    if not fits(members, pid):
                        board.add(units[rival], pid, [spans[rival, pid]])
                        continue
                    board.add(members, pid, [spans[m.id, pid] for m in members])
                    del where[rival]
                    for m in members:
                        where[m.id] = pid
                    moved = next((q for q in sorted(options.get(rival, ()),
                                                    key=lambda q: -value(units[rival], q))
                                  if q != pid and fits(units[rival], q)), None)
                    if moved is not None:
                        board.add(units[rival], moved, [spans[rival, moved]])
                        where[rival] = moved
                    improved = True
                    break
                if key in where:
                    break
        if not improved:
            return


def _with_match(season: Season, match: dict[Pair, int]) -> Season:
    return Season(season.volunteers, season.projects, match, season.wishes, season.org_wishes,
                  season.must, season.must_not, season.one_project_each)


def _any_room(season: Season) -> bool:
    """Whether some project has a free place on some day."""
    for p in season.projects:
        if not p.live:
            return True
        # the number running changes only where a placement starts or the day after it ends
        days = {p.start} | {d for b in p.live for d in (b.start, b.end + _DAY)
                            if p.start <= d <= p.end}
        for day in days:
            if sum(b.start <= day <= b.end for b in p.live) < p.capacity:
                return True
    return False


def _pin_conflicts(season: Season, spans: Mapping[Pair, Span]) -> list[tuple[Pair, str]]:
    """Pins that cannot hold whatever the others do: a pair pinned both ways, a "must" on a
    pair the rules refuse (with the rule), two "musts" of one volunteer when one project
    each is the rule."""
    out: list[tuple[Pair, str]] = []
    for pair in sorted(season.must):
        if pair in season.must_not:
            out.append((pair, "both"))
        elif pair not in spans:
            why = next((r.why.value for r in refusals(season, pair[0], spans)
                        if r.project_id == pair[1]), Why.DATES.value)
            out.append((pair, why))
    if season.one_project_each:
        per = Counter(vid for vid, _ in season.must)
        out += [(pair, "two_projects") for pair in sorted(season.must) if per[pair[0]] > 1]
    return out


def _explain(season: Season, placed: Mapping[Pair, Span], spans: Mapping[Pair, Span]
             ) -> dict[int, list[Refusal]]:
    """For each volunteer the plan leaves out: one refusal per project, the headline (the
    reason given first) being the rule a coordinator is most likely to act on."""
    on = {vid for vid, _ in placed}
    board = _Board(season)
    vols = {v.id: v for v in season.volunteers}
    for (vid, pid), span in placed.items():
        board.add([vols[vid]], pid, [span])
    grouped = groups(season)
    out: dict[int, list[Refusal]] = {}
    for v in season.volunteers:
        if v.id in on:
            continue
        reasons = refusals(season, v.id, spans)
        members = [vols[i] for i in grouped.get(v.group or "", [v.id])]
        for p in season.projects:
            if (v.id, p.id) not in spans:
                continue
            if any((m.id, p.id) not in spans for m in members):
                reasons.append(Refusal(p.id, Why.GROUP))
                continue
            why = board.why_not(members, p.id, [spans[m.id, p.id] for m in members])
            reasons.append(Refusal(p.id, why or Why.NOT_CHOSEN))
        reasons.sort(key=lambda r: (_HEADLINE_RANK[r.why], r.project_id))
        out[v.id] = reasons
    return out


__all__ = [
    "Booked",
    "Outcome",
    "Plan",
    "Refusal",
    "Season",
    "SeasonProject",
    "SeasonVolunteer",
    "Weights",
    "Why",
    "age_on",
    "greedy",
    "objective",
    "solve",
    "violations",
    "window",
    "refusals",
    "windows",
]
