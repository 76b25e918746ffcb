"""Reads for the season planner: the season a run decides on (volunteers, projects, live
placements, wishes), built in a fixed number of queries whatever its size, and the stored
runs. Matching profiles are built from the same rows, so the planner scores pairs with the
explained match score of :mod:`aljisr.placements.matching`, never a copy of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from aljisr.applications.models import Application, ApplicationProject, ApplicationStatus
from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.organisations.models import Organisation
from aljisr.placements.matching import (
    Busy,
    CandidateProfile,
    ProjectNeeds,
    full_ranges,
    normalise_skills,
    score,
)
from aljisr.placements.models import LIVE_STATUSES, Placement, PlacementStatus
from aljisr.placements.queries import MATCHABLE_PROJECT_STATUSES
from aljisr.planner.models import WISH_POINTS, PlannedPlacement, PlanningRun, ProjectWish
from aljisr.planner.solver import (
    Booked,
    Pair,
    Season,
    SeasonProject,
    SeasonVolunteer,
    Span,
)
from aljisr.projects.models import Project
from aljisr.volunteers.models import Volunteer, VolunteerLanguage, VolunteerStatus
from aljisr.volunteers.queries import filter_clauses


def match_scorer(
    profiles: Mapping[int, CandidateProfile], needs: Mapping[int, ProjectNeeds]
) -> Callable[[SeasonVolunteer, SeasonProject, Span], int]:
    """The match score (0-100, :func:`aljisr.placements.matching.score`) of a volunteer for a
    project, from their matching profiles by id, for :func:`aljisr.planner.solver.solve`."""

    def match(v: SeasonVolunteer, p: SeasonProject, _span: Span) -> int:
        return score(profiles[v.id], needs[p.id]).score

    return match


def volunteer_ids(filters: Mapping[str, Any]) -> list[int]:
    """Ids of the volunteers the register's ``filters`` select (current, not archived nor
    anonymised), by name."""
    return list(db.session.scalars(
        sa.select(Volunteer.id)
        .where(*filter_clauses({**filters, "archived": ""}), Volunteer.anonymised_at.is_(None),
               Volunteer.status != VolunteerStatus.ARCHIVED)
        .order_by(Volunteer.search_key, Volunteer.id)
    ))


def project_options(today: date) -> list[Any]:
    """Projects a run may fill: draft, open or in progress, not archived, not over; rows of
    (id, title, start_date, end_date, capacity), by first day."""
    return list(db.session.execute(
        sa.select(Project.id, Project.title, Project.start_date, Project.end_date,
                  Project.capacity)
        .where(Project.archived_at.is_(None), Project.status.in_(MATCHABLE_PROJECT_STATUSES),
               Project.end_date >= today)
        .order_by(Project.start_date, Project.title, Project.id)
    ))


@dataclass
class SeasonData:
    """A season with what the pages show beside it: names and titles by id, and the matching
    profiles (to explain a pair's score with :attr:`aljisr.placements.matching.Match.reasons`)."""

    season: Season
    profiles: dict[int, CandidateProfile] = field(default_factory=dict)
    needs: dict[int, ProjectNeeds] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    #: The rank (1-3) of each pair's wish: the volunteer's own, their sending organisation's.
    wish_rank: dict[Pair, int] = field(default_factory=dict)
    org_wish_rank: dict[Pair, int] = field(default_factory=dict)

    def scorer(self) -> Callable[[SeasonVolunteer, SeasonProject, Span], int]:
        return match_scorer(self.profiles, self.needs)


def _first_open_day(start: date, end: date, today: date) -> date:
    return today if start < today <= end else start


def season_data(
    volunteer_ids: Iterable[int],
    project_ids: Iterable[int],
    today: date,
    *,
    must: Iterable[Pair] = (),
    must_not: Iterable[Pair] = (),
    one_project_each: bool = True,
) -> SeasonData:
    """The season of these volunteers and projects as the registers hold it now, in seven
    queries: volunteers, their languages, their live placements, the projects, the projects'
    live placements (with the nationality and gender quotas count), and wishes (two,
    :func:`wish_ranks`).

    A project already running is offered from ``today``. Wishes give :data:`WISH_POINTS`.
    """
    vids, pids = sorted(set(volunteer_ids)), sorted(set(project_ids))
    languages: dict[int, dict[str, Any]] = defaultdict(dict)
    for vid, code, level in db.session.execute(
        sa.select(VolunteerLanguage.volunteer_id, VolunteerLanguage.code, VolunteerLanguage.level)
        .where(VolunteerLanguage.volunteer_id.in_(vids))
    ):
        languages[vid][code] = level
    busy: dict[int, list[Busy]] = defaultdict(list)
    for vid, start, end, pid, title in db.session.execute(
        sa.select(Placement.volunteer_id, Placement.start_date, Placement.end_date,
                  Placement.project_id, Project.title)
        .join(Project, Project.id == Placement.project_id)
        .where(Placement.volunteer_id.in_(vids), Placement.status.in_(LIVE_STATUSES))
    ):
        busy[vid].append(Busy(start, end, pid, title))
    volunteers, profiles, names, sending = [], {}, {}, {}
    for row in db.session.execute(
        sa.select(Volunteer.id, Volunteer.full_name, Volunteer.available_from,
                  Volunteer.available_to, Volunteer.date_of_birth, Volunteer.nationality,
                  Volunteer.gender, Volunteer.application_group, Volunteer.skills,
                  Volunteer.interests, Volunteer.sending_organisation_id)
        .where(Volunteer.id.in_(vids)).order_by(Volunteer.id)
    ):
        levels = languages.get(row.id, {})
        names[row.id] = row.full_name
        sending[row.id] = row.sending_organisation_id
        volunteers.append(SeasonVolunteer(
            row.id, row.full_name, row.available_from, row.available_to,
            {code: level.rank for code, level in levels.items()}, row.date_of_birth,
            row.nationality, row.gender, tuple((b.start, b.end) for b in busy.get(row.id, ())),
            row.application_group))
        profiles[row.id] = CandidateProfile(
            row.id, row.full_name, row.available_from, row.available_to,
            normalise_skills(row.skills), levels, frozenset(row.interests or ()),
            busy=tuple(busy.get(row.id, ())))
    live: dict[int, list[Booked]] = defaultdict(list)
    for pid, start, end, nationality, gender in db.session.execute(
        sa.select(Placement.project_id, Placement.start_date, Placement.end_date,
                  Volunteer.nationality, Volunteer.gender)
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .where(Placement.project_id.in_(pids), Placement.status.in_(LIVE_STATUSES))
    ):
        live[pid].append(Booked(start, end, nationality, gender))
    projects, needs, titles = [], {}, {}
    for p in db.session.execute(
        sa.select(Project.id, Project.title, Project.start_date, Project.end_date,
                  Project.capacity, Project.theme, Project.required_skills,
                  Project.required_languages, Project.min_age, Project.min_stay_days,
                  Project.max_per_nationality, Project.gender_margin)
        .where(Project.id.in_(pids)).order_by(Project.start_date, Project.id)
    ):
        first = _first_open_day(p.start_date, p.end_date, today)
        booked = tuple(b for b in live.get(p.id, ()) if b.end >= first)
        titles[p.id] = p.title
        projects.append(SeasonProject(
            p.id, p.title, first, p.end_date, p.capacity, booked,
            frozenset(p.required_languages or ()), p.min_age, p.min_stay_days,
            p.max_per_nationality, p.gender_margin))
        needs[p.id] = ProjectNeeds(
            p.id, p.title, first, p.end_date, p.theme.value, normalise_skills(p.required_skills),
            frozenset(p.required_languages or ()),
            full_ranges([(b.start, b.end) for b in booked], p.capacity))
    own, org = wish_ranks(vids)
    in_season = set(pids)
    wish_rank = {(vid, pid): rank for vid, ranks in own.items() for pid, rank in ranks.items()
                 if pid in in_season}
    org_rank = {(vid, pid): rank for vid, ranks in org.items() for pid, rank in ranks.items()
                if pid in in_season}
    season = Season(tuple(volunteers), tuple(projects), {},
                    {pair: WISH_POINTS.get(rank, 0) for pair, rank in wish_rank.items()},
                    {pair: WISH_POINTS.get(rank, 0) for pair, rank in org_rank.items()},
                    frozenset(must), frozenset(must_not), one_project_each)
    return SeasonData(season, profiles, needs, names, titles, wish_rank, org_rank)


#: Applications whose project preferences stand as the volunteer's own wishes.
_WISHING_APPLICATIONS = (ApplicationStatus.NEW, ApplicationStatus.IN_REVIEW,
                         ApplicationStatus.ACCEPTED)


def wish_ranks(volunteer_ids: Iterable[int]
               ) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, int]]]:
    """The volunteers' wishes as {volunteer id: {project id: rank 1-3}}: their own, then their
    sending organisation's, in two queries. Own wishes are those recorded on the "Project
    wishes" page (:class:`ProjectWish`) or, for a volunteer with none recorded, the projects
    chosen on their latest confirmed application (new, in review or accepted), in the order
    chosen (docs/architecture.md §6.23)."""
    vids = sorted(set(volunteer_ids))
    own: dict[int, dict[int, int]] = defaultdict(dict)
    org: dict[int, dict[int, int]] = defaultdict(dict)
    for vid, pid, by_org, rank in db.session.execute(
        sa.select(ProjectWish.volunteer_id, ProjectWish.project_id,
                  ProjectWish.by_sending_organisation, ProjectWish.rank)
        .where(ProjectWish.volunteer_id.in_(vids))
    ):
        (org if by_org else own)[vid][pid] = rank
    latest: dict[int, int] = {}
    for vid, application_id, pid, rank in db.session.execute(
        sa.select(Application.volunteer_id, Application.id, ApplicationProject.project_id,
                  ApplicationProject.rank)
        .join(ApplicationProject, ApplicationProject.application_id == Application.id)
        .where(Application.volunteer_id.in_(vids), Application.confirmed_at.is_not(None),
               Application.status.in_(_WISHING_APPLICATIONS))
        .order_by(Application.id.desc(), ApplicationProject.rank)
    ):
        if vid in own and vid not in latest:
            continue  # wishes recorded on the page stand
        if latest.setdefault(vid, application_id) == application_id:
            own[vid][pid] = rank
    return dict(own), dict(org)


def wish_options(today: date, keep: Iterable[int] = ()) -> list[tuple[int, str]]:
    """(id, label) of the projects a wish may name: those a run may fill
    (:func:`project_options`), and the projects of ``keep`` (wishes already recorded) even when
    no run may fill them any more, so that saving the page loses none. By first day."""
    rows = project_options(today)
    known = {p.id for p in rows}
    missing = sorted(set(keep) - known)
    if missing:
        rows += list(db.session.execute(
            sa.select(Project.id, Project.title, Project.start_date, Project.end_date,
                      Project.capacity).where(Project.id.in_(missing))))
        rows.sort(key=lambda p: (p.start_date, p.title, p.id))
    return rows


def get_run(run_id: int) -> PlanningRun | None:
    """A stored run with its assignments and left-out volunteers."""
    return db.session.get(PlanningRun, run_id)


def recent_runs(limit: int = 20) -> list[tuple[PlanningRun, int, str | None]]:
    """The latest runs, newest first, each with how many placements it proposed and the name
    of who ran it (None when unknown or the account is gone): (run, proposed, name). One
    statement."""
    proposed = (sa.select(sa.func.count(PlannedPlacement.id))
                .where(PlannedPlacement.run_id == PlanningRun.id)
                .correlate(PlanningRun).scalar_subquery())
    return [(run, count, name) for run, count, name in db.session.execute(
        sa.select(PlanningRun, proposed, User.display_name)
        .outerjoin(User, User.id == PlanningRun.created_by_id)
        .order_by(PlanningRun.created_at.desc(), PlanningRun.id.desc())
        .limit(limit))]


def user_name(user_id: int | None) -> str | None:
    """The display name of a user account, or None."""
    if user_id is None:
        return None
    return db.session.scalar(sa.select(User.display_name).where(User.id == user_id))


def placement_statuses(placement_ids: Iterable[int]) -> dict[int, PlacementStatus]:
    """The current status of these placements, by id (a deleted one is absent)."""
    return dict(db.session.execute(
        sa.select(Placement.id, Placement.status).where(
            Placement.id.in_(sorted(set(placement_ids))))).all())


def organisation_names(organisation_ids: Iterable[int]) -> dict[int, str]:
    """Organisations' names by id (archived ones too)."""
    return dict(db.session.execute(
        sa.select(Organisation.id, Organisation.name).where(
            Organisation.id.in_(sorted(set(organisation_ids))))).all())


def current_teams(project_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Live placements on these projects: rows of (volunteer id, name, start, end, status) by
    project, by first day (the "current placements" a run is compared with)."""
    teams: dict[int, list[Any]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(Placement.project_id, Placement.volunteer_id, Volunteer.full_name,
                  Placement.start_date, Placement.end_date, Placement.status, Placement.id)
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .where(Placement.project_id.in_(sorted(set(project_ids))),
               Placement.status.in_(LIVE_STATUSES))
        .order_by(Placement.start_date, Placement.id)
    ):
        teams[row.project_id].append(row)
    return teams


def names_of(volunteer_ids: Iterable[int]) -> dict[int, str]:
    return dict(db.session.execute(
        sa.select(Volunteer.id, Volunteer.full_name).where(Volunteer.id.in_(
            sorted(set(volunteer_ids))))).all())


def titles_of(project_ids: Iterable[int]) -> dict[int, str]:
    return dict(db.session.execute(
        sa.select(Project.id, Project.title).where(Project.id.in_(
            sorted(set(project_ids))))).all())


def recorded_wishes(volunteer_id: int) -> list[ProjectWish]:
    """The wishes recorded for ``volunteer_id`` on the "Project wishes" page: the volunteer's
    own first, then their sending organisation's, each by rank."""
    return list(db.session.scalars(
        sa.select(ProjectWish).where(ProjectWish.volunteer_id == volunteer_id)
        .order_by(ProjectWish.by_sending_organisation, ProjectWish.rank)))


def has_own_wishes(volunteer_id: int) -> bool:
    """Whether the volunteer's own wishes are recorded on the "Project wishes" page (else their
    application's choices stand for them, :func:`wish_ranks`)."""
    return bool(db.session.scalar(sa.select(sa.exists().where(
        ProjectWish.volunteer_id == volunteer_id,
        ProjectWish.by_sending_organisation.is_(False)))))
