"""Matching volunteers and projects: a pure scoring function over plain dataclasses.

:func:`score` knows nothing of the database: the views build :class:`CandidateProfile` and
:class:`ProjectNeeds` from a few column queries (``placements/queries.py``) and rank the
results. A score is out of 100 points:

============  ======  ==========================================================================
component     points  how
============  ======  ==========================================================================
availability  40      share of the project's days the volunteer is available and not placed
skills        30      share of the required skills the volunteer has (all points if none)
languages     20      share of the required languages spoken at B1 or better (all if none)
interest      10      the volunteer chose the project's theme as an interest
============  ======  ==========================================================================

A candidate is excluded (score 0, with the reason) when archived, when already placed on the
project (its dates are changed instead; the services refuse a second ongoing one), when the
availability window misses the project's dates, when live placements fill every day of the
window, or when the project is full (capacity reached) on every day left. Availability points
count only the days on which the candidate is free *and* the project has a place, and the
suggested dates are the longest such run, so a proposal made from the suggestion passes the
capacity rule.

A pair that scores but breaks one of the project's rules (minimum stay, languages, minimum
age, most of one nationality: :mod:`aljisr.placements.rules`, docs/architecture.md §6.24) on
the suggested dates is excluded too by :func:`with_rules` (:attr:`Exclusion.PROJECT_RULE`), so
that no Propose button offers what a proposal would refuse; :func:`score` itself only
explains the points.

The numbers are computed eagerly; the translated reason sentences only when read
(:attr:`Match.reasons`, :attr:`Match.excluded_reason`), so ranking 10,000 volunteers costs no
translation work for the rows never shown.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from aljisr.i18n import _, _l, ngettext
from aljisr.placements import rules
from aljisr.volunteers.models import USABLE_LEVEL, LanguageLevel

#: The most points each component gives (they add up to 100).
WEIGHTS: dict[str, int] = {"availability": 40, "skills": 30, "languages": 20, "interest": 10}

_USABLE_RANK = USABLE_LEVEL.rank
_ONE_DAY = timedelta(days=1)


def normalise_skill(name: str) -> str:
    """The comparable form of a free-text skill name: trimmed, case-folded, inner spaces single."""
    return " ".join(str(name).split()).casefold()


def normalise_skills(names: Iterable[str] | None) -> frozenset[str]:
    return frozenset(n for n in (normalise_skill(x) for x in names or ()) if n)


@dataclass(frozen=True, slots=True)
class Busy:
    """A live placement that occupies the candidate (both dates included)."""

    start: date
    end: date
    project_id: int
    project_title: str


@dataclass(slots=True)
class CandidateProfile:
    """What matching needs to know about a volunteer.

    ``skills`` and ``interests`` should already be normalised (:func:`normalise_skills`; theme
    values); ``languages`` maps ISO 639-1 codes to levels of any rank (the scoring keeps those at
    :data:`~aljisr.volunteers.models.USABLE_LEVEL` or better); ``busy`` lists the volunteer's
    live placements (any dates; those outside the project are ignored). A missing availability
    bound means open-ended. Read-only by convention (not frozen: building 10,000 of them per
    page must stay cheap).
    """

    volunteer_id: int
    name: str
    available_from: date | None = None
    available_to: date | None = None
    skills: frozenset[str] = frozenset()
    languages: Mapping[str, LanguageLevel] = field(default_factory=dict)
    interests: frozenset[str] = frozenset()
    archived: bool = False
    busy: tuple[Busy, ...] = ()
    #: Date of birth and nationality, for the project's rules (:func:`with_rules`).
    born: date | None = None
    nationality: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectNeeds:
    """What matching needs to know about a project (skills normalised, languages as codes)."""

    project_id: int
    title: str
    #: The first day a placement can still take: the project's first day, or today when it
    #: is already running (the queries decide; scoring only reads it).
    start_date: date
    end_date: date
    theme: str
    required_skills: frozenset[str] = frozenset()
    required_languages: frozenset[str] = frozenset()
    #: Runs of days (inclusive) on which the project has no free place (see :func:`full_ranges`).
    full: tuple[tuple[date, date], ...] = ()
    #: The project's rules (None: not set) and, for the quota of one nationality, how many
    #: live placements of each nationality it counts (:func:`with_rules`).
    min_age: int | None = None
    min_stay: int | None = None
    max_per_nationality: int | None = None
    nationalities: Mapping[str, int] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class Exclusion(enum.StrEnum):
    """Why a candidate cannot be proposed."""

    ARCHIVED = "archived"
    OUTSIDE_AVAILABILITY = "outside_availability"
    ON_PROJECT = "on_project"
    ALREADY_PLACED = "already_placed"
    PROJECT_FULL = "project_full"
    PROJECT_RULE = "project_rule"

    @property
    def title(self) -> str:
        return str(EXCLUSION_TITLES[self])


EXCLUSION_TITLES = {
    Exclusion.ARCHIVED: _l("Archived"),
    Exclusion.OUTSIDE_AVAILABILITY: _l("Availability outside the project"),
    Exclusion.ON_PROJECT: _l("Already placed on this project"),
    Exclusion.ALREADY_PLACED: _l("Already placed on those dates"),
    Exclusion.PROJECT_FULL: _l("Project full when available"),
    Exclusion.PROJECT_RULE: _l("Breaks a rule of the project"),
}


@dataclass(frozen=True)
class Reason:
    """One component of a score: a translated sentence and the points it gave."""

    component: str
    text: str
    points: int
    max_points: int


def _fmt(day: date) -> str:
    from flask import has_app_context

    if has_app_context():
        from aljisr.i18n import format_date

        return format_date(day)
    return day.isoformat()


def _language_names(codes: Iterable[str]) -> str:
    from aljisr.templating import language_name

    return _(", ").join(sorted(language_name(c) for c in codes))


@dataclass(slots=True)
class Match:
    """The outcome of :func:`score` for one candidate and one project.

    ``score`` is 0-100 (0 when excluded); ``suggested_start``/``suggested_end`` is the longest
    run of days the candidate is available and free inside the project (the proposal's default
    dates), None when excluded. Read-only by convention; the sentences are built when read.
    """

    candidate: CandidateProfile
    project: ProjectNeeds
    score: int
    exclusion: Exclusion | None = None
    free_days: int = 0
    busy_days: int = 0
    #: Days of the window the candidate is free but the project is full.
    full_days: int = 0
    suggested_start: date | None = None
    suggested_end: date | None = None
    #: Points per component (see :data:`WEIGHTS`), unrounded; None when excluded.
    points: Mapping[str, float] | None = None
    covered_skills: frozenset[str] = frozenset()
    missing_skills: frozenset[str] = frozenset()
    shared_languages: frozenset[str] = frozenset()
    missing_languages: frozenset[str] = frozenset()
    interested: bool = False
    blocking: tuple[Busy, ...] = ()
    #: The project's rules the suggested placement breaks (:attr:`Exclusion.PROJECT_RULE`).
    broken: tuple[rules.Broken, ...] = ()

    @property
    def excluded(self) -> bool:
        return self.exclusion is not None

    @property
    def excluded_reason(self) -> str | None:
        """Why the candidate is excluded, as a translated sentence (None when not excluded)."""
        c = self.candidate
        if self.exclusion is Exclusion.ARCHIVED:
            return _("Archived")
        if self.exclusion is Exclusion.OUTSIDE_AVAILABILITY:
            if c.available_from and c.available_to:
                return _(
                    "Available only from %(start)s to %(end)s, outside the project's dates",
                    start=_fmt(c.available_from),
                    end=_fmt(c.available_to),
                )
            if c.available_from:
                return _(
                    "Available only from %(start)s, after the project ends",
                    start=_fmt(c.available_from),
                )
            return _(
                "Available only until %(end)s, before the project starts",
                end=_fmt(c.available_to) if c.available_to else "",
            )
        if self.exclusion is Exclusion.PROJECT_FULL:
            return _("The project is full on every day this volunteer is available and free")
        if self.exclusion is Exclusion.PROJECT_RULE:
            return _("; ").join(rules.message(b, c.name) for b in self.broken)
        if self.exclusion is Exclusion.ON_PROJECT:
            first = self.blocking[0]
            return _(
                "Already placed on this project from %(start)s to %(end)s: change that "
                "placement's dates instead",
                start=_fmt(first.start),
                end=_fmt(first.end),
            )
        if self.exclusion is Exclusion.ALREADY_PLACED:
            # built apart: Babel does not extract a gettext call nested in another one's
            # arguments, so this sentence stayed in English
            placements = [
                _("“%(project)s” from %(start)s to %(end)s", project=b.project_title,
                  start=_fmt(b.start), end=_fmt(b.end))
                for b in self.blocking
            ]
            return _("Already placed on those dates: %(placements)s",
                     placements=_("; ").join(placements))
        return None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """One translated sentence per component, with its points (empty when excluded)."""
        if self.excluded:
            return ()
        c, p = self.candidate, self.project
        pts = {k: round(v) for k, v in (self.points or {}).items()}
        if c.available_from is None and c.available_to is None:
            availability = ngettext(
                "No availability given: counted as available on all %(num)d days",
                "No availability given: counted as available on all %(num)d days",
                p.days,
            )
        else:
            availability = ngettext(
                "Available %(free)d of the project's %(num)d day",
                "Available %(free)d of the project's %(num)d days",
                p.days,
                free=self.free_days,
            )
        if self.busy_days:
            availability += " " + ngettext(
                "(%(num)d day already placed elsewhere)",
                "(%(num)d days already placed elsewhere)",
                self.busy_days,
            )
        if self.full_days:
            availability += " " + ngettext(
                "(%(num)d day on which the project is full)",
                "(%(num)d days on which the project is full)",
                self.full_days,
            )
        if not p.required_skills:
            skills = _("No particular skill required")
        else:
            skills = _(
                "Skills: %(covered)d of %(required)d required",
                covered=len(self.covered_skills),
                required=len(p.required_skills),
            )
            if self.covered_skills:
                skills += " — " + _("has %(names)s",
                                    names=_(", ").join(sorted(self.covered_skills)))
            if self.missing_skills:
                skills += " — " + _(
                    "missing %(names)s", names=_(", ").join(sorted(self.missing_skills))
                )
        if not p.required_languages:
            languages = _("No particular language required")
        else:
            languages = _(
                "Languages at B1 or better: %(shared)d of %(required)d",
                shared=len(self.shared_languages),
                required=len(p.required_languages),
            )
            if self.shared_languages:
                languages += " — " + _language_names(self.shared_languages)
            if self.missing_languages:
                languages += " — " + _(
                    "missing %(names)s", names=_language_names(self.missing_languages)
                )
        interest = (
            _("Interested in this theme") if self.interested else _("Did not choose this theme")
        )
        return (
            Reason("availability", availability, pts["availability"], WEIGHTS["availability"]),
            Reason("skills", skills, pts["skills"], WEIGHTS["skills"]),
            Reason("languages", languages, pts["languages"], WEIGHTS["languages"]),
            Reason("interest", interest, pts["interest"], WEIGHTS["interest"]),
        )


def free_ranges(
    start: date, end: date, busy: Iterable[Busy | tuple[date, date]]
) -> list[tuple[date, date]]:
    """The runs of days in ``start``..``end`` (inclusive) not covered by any ``busy`` range
    (:class:`Busy` or ``(start, end)``), in date order. Works on interval ends, never day by
    day."""
    spans = sorted((b.start, b.end) if isinstance(b, Busy) else (b[0], b[1]) for b in busy)
    runs: list[tuple[date, date]] = []
    cursor = start
    for first, last in spans:
        if last < start or first > end:
            continue
        if first > cursor:
            runs.append((cursor, first - _ONE_DAY))
        if last >= cursor:
            cursor = last + _ONE_DAY
        if cursor > end:
            break
    if cursor <= end:
        runs.append((cursor, end))
    return runs


def _days(runs: Iterable[tuple[date, date]]) -> int:
    return sum((last - first).days + 1 for first, last in runs)


def full_ranges(
    placements: Iterable[tuple[date, date]], capacity: int
) -> tuple[tuple[date, date], ...]:
    """The runs of days (inclusive) on which ``capacity`` or more of ``placements`` (inclusive
    ``(start, end)`` ranges of live placements) overlap: the days a project has no free place.

    A sweep over the ranges' ends: +1 on a first day, -1 on the day after a last day.
    """
    changes: dict[date, int] = {}
    for first, last in placements:
        changes[first] = changes.get(first, 0) + 1
        after = last + _ONE_DAY
        changes[after] = changes.get(after, 0) - 1
    runs: list[tuple[date, date]] = []
    running = 0
    full_since: date | None = None
    for day in sorted(changes):
        running += changes[day]
        if running >= capacity and full_since is None:
            full_since = day
        elif running < capacity and full_since is not None:
            runs.append((full_since, day - _ONE_DAY))
            full_since = None
    return tuple(runs)


def busiest_day(placements: Iterable[tuple[date, date]]) -> tuple[int, date | None]:
    """The most of ``placements`` (inclusive ``(start, end)`` ranges) running on one day, and
    the first day it happens: ``(0, None)`` for none. The sweep of :func:`full_ranges`; what
    :func:`aljisr.placements.queries.peak_occupancy` asks SQL for, from ranges already read.
    """
    changes: dict[date, int] = {}
    for first, last in placements:
        changes[first] = changes.get(first, 0) + 1
        after = last + _ONE_DAY
        changes[after] = changes.get(after, 0) - 1
    running, most, day = 0, 0, None
    for when in sorted(changes):
        running += changes[when]
        if running > most:
            most, day = running, when
    return most, day


def score(candidate: CandidateProfile, project: ProjectNeeds) -> Match:
    """Score ``candidate`` for ``project`` (see the module docstring for the components).

    Pure: reads only its arguments. Returns a :class:`Match` whose ``exclusion`` is set (and
    ``score`` 0) when the candidate is archived, has a live placement on this very project
    (``blocking`` then holds it), available only outside the project's dates,
    already placed on every day of the window where they are available, or free only on days
    when the project is full.
    """
    if candidate.archived:
        return Match(candidate, project, 0, Exclusion.ARCHIVED)
    on_project = tuple(b for b in candidate.busy if b.project_id == project.project_id)
    if on_project:
        return Match(candidate, project, 0, Exclusion.ON_PROJECT, blocking=on_project)
    window_start = max(candidate.available_from or project.start_date, project.start_date)
    window_end = min(candidate.available_to or project.end_date, project.end_date)
    if window_start > window_end:
        return Match(candidate, project, 0, Exclusion.OUTSIDE_AVAILABILITY)
    blocking = tuple(b for b in candidate.busy if b.start <= window_end and b.end >= window_start)
    own = (
        free_ranges(window_start, window_end, blocking)
        if blocking
        else [(window_start, window_end)]
    )
    if not own:
        return Match(candidate, project, 0, Exclusion.ALREADY_PLACED, blocking=blocking)
    runs = own
    if project.full:
        runs = [r for s, e in own for r in free_ranges(s, e, project.full)]
        if not runs:
            return Match(candidate, project, 0, Exclusion.PROJECT_FULL, blocking=blocking)
    window_days = (window_end - window_start).days + 1
    own_days = _days(own)
    free_days = _days(runs)
    best = max(runs, key=lambda r: ((r[1] - r[0]).days, -r[0].toordinal()))

    required_skills = project.required_skills
    covered_skills = required_skills & candidate.skills
    required_languages = project.required_languages
    usable = frozenset(
        code
        for code, level in candidate.languages.items()
        if code in required_languages and level.rank >= _USABLE_RANK
    )
    interested = project.theme in candidate.interests

    points = {
        "availability": WEIGHTS["availability"] * free_days / project.days,
        "skills": WEIGHTS["skills"]
        * (len(covered_skills) / len(required_skills) if required_skills else 1),
        "languages": WEIGHTS["languages"]
        * (len(usable) / len(required_languages) if required_languages else 1),
        "interest": WEIGHTS["interest"] if interested else 0,
    }
    return Match(
        candidate,
        project,
        round(sum(points.values())),
        None,
        free_days=free_days,
        busy_days=window_days - own_days,
        full_days=own_days - free_days,
        suggested_start=best[0],
        suggested_end=best[1],
        points=points,
        covered_skills=covered_skills,
        missing_skills=required_skills - covered_skills,
        shared_languages=usable,
        missing_languages=required_languages - usable,
        interested=interested,
        blocking=blocking,
    )


def with_rules(match: Match) -> Match:
    """``match`` as it stands against the project's rules (:mod:`aljisr.placements.rules`) on
    its suggested dates: unchanged when it is excluded already or breaks none, else excluded
    as :attr:`Exclusion.PROJECT_RULE` (score 0) with the rules broken in ``broken``.

    The same checks as a proposal's (:func:`aljisr.placements.services.propose_placement`):
    minimum stay (none set: any length), languages at B1 or better, minimum age on the first
    day, most of one nationality (``project.nationalities``). Pure.
    """
    if match.exclusion is not None or match.suggested_start is None:
        return match
    c, p = match.candidate, match.project
    start, end = match.suggested_start, match.suggested_end
    assert end is not None
    found = (
        rules.stay_broken(p.min_stay, start, end, p.start_date, p.end_date, whole_span=False),
        rules.languages_broken(p.required_languages,
                               {code: level.rank for code, level in c.languages.items()}),
        rules.age_broken(p.min_age, c.born, start),
        rules.nationality_broken(p.max_per_nationality, c.nationality,
                                 p.nationalities.get(c.nationality or "", 0)),
    )
    broken = tuple(b for b in found if b is not None)
    if not broken:
        return match
    return Match(c, p, 0, Exclusion.PROJECT_RULE, blocking=match.blocking, broken=broken)


def rank(matches: Iterable[Match], *, by: str = "candidate") -> tuple[list[Match], list[Match]]:
    """Split ``matches`` into (ranked, excluded): ranked by score, best first, then by the
    candidate's name (``by="candidate"``) or the project's title (``by="project"``); excluded
    by reason, then name/title."""

    def label(m: Match) -> str:
        return (m.candidate.name if by == "candidate" else m.project.title).casefold()

    ranked, excluded = [], []
    for m in matches:
        (excluded if m.exclusion else ranked).append(m)
    ranked.sort(key=lambda m: (-m.score, -m.free_days, label(m)))
    excluded.sort(key=lambda m: (_EXCLUSION_ORDER[m.exclusion], label(m)))  # type: ignore[index]
    return ranked, excluded


_EXCLUSION_ORDER = {exclusion: position for position, exclusion in enumerate(Exclusion)}


__all__ = [
    "WEIGHTS",
    "Busy",
    "CandidateProfile",
    "Exclusion",
    "Match",
    "ProjectNeeds",
    "Reason",
    "busiest_day",
    "free_ranges",
    "full_ranges",
    "normalise_skill",
    "normalise_skills",
    "rank",
    "score",
    "with_rules",
]
