"""Read queries for placements and matching: a constant number of queries per page.

Matching loads plain column tuples (no ORM objects) and builds the dataclasses of
:mod:`aljisr.placements.matching`: one query for the candidates, one for their languages,
one for their live placements on the project's dates, whatever the number of volunteers.
Only volunteers available at the project's time are scored; SQL counts the others (archived,
available only at other times) and names the few a page shows.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased, joinedload, selectinload

from aljisr.audit import AuditEvent
from aljisr.extensions import db
from aljisr.listing import Page, Sort, order_by, paginate, search_clause
from aljisr.placements.matching import (
    Busy,
    CandidateProfile,
    Exclusion,
    Match,
    ProjectNeeds,
    busiest_day,
    full_ranges,
    normalise_skills,
    rank,
    score,
    with_rules,
)
from aljisr.placements.models import (
    LIVE_STATUSES,
    ONGOING_STATUSES,
    Placement,
    PlacementStatus,
    ProjectBooking,
    is_live,
)
from aljisr.projects.models import Project, ProjectStatus
from aljisr.scopes import (
    placement_filter,
    placements_for,
    projects_for,
    sites_for,
    volunteers_for,
)
from aljisr.sites.models import Site
from aljisr.volunteers.models import (
    LanguageLevel,
    Volunteer,
    VolunteerLanguage,
    VolunteerStatus,
)

_ONE_DAY = timedelta(days=1)

#: Projects offered when matching a volunteer: still being prepared or running.
MATCHABLE_PROJECT_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.OPEN, ProjectStatus.IN_PROGRESS)


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------


@dataclass
class PlacementFilters:
    """The list's filters; None means "any". Dates select placements overlapping the range;
    ``q`` finds volunteers by name or e-mail (accents and case ignored)."""

    status: PlacementStatus | None = None
    project_id: int | None = None
    site_id: int | None = None
    volunteer_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None


#: Sort keys accepted in the URL -> columns (anything else falls back to the first day).
SORTS: dict[str, tuple[Any, ...]] = {
    "volunteer": (Volunteer.search_key,),
    "project": (Project.search_key,),
    "start_date": (Placement.start_date,),
    "end_date": (Placement.end_date,),
    "status": (Placement.status,),
}
DEFAULT_SORT = "start_date"


@dataclass(frozen=True, slots=True)
class PlacementRow:
    """What a row of the placements register shows, as ``VolunteerRow`` and ``ProjectRow``
    do for theirs: plain values, no ORM object to build."""

    id: int
    volunteer_id: int
    volunteer_name: str
    project_id: int
    project_title: str
    site_name: str
    start_date: date
    end_date: date
    role: str | None
    status: PlacementStatus

    @property
    def days(self) -> int:
        """Length in days, both ends included (as :attr:`Placement.days`)."""
        return (self.end_date - self.start_date).days + 1


def placement_page(user: Any, filters: PlacementFilters, sort: Sort, page: int) -> Page:
    """One page of the placements ``user`` may see matching ``filters``, as
    :class:`PlacementRow` with the volunteer's name, the project's title and its site's name:
    2 queries (count, page), whatever the page's length.

    The count joins nothing but what the search needs (volunteers): unfiltered, SQLite then
    counts 40,000 placements from an index in microseconds, where a join to projects or
    volunteers walks every row.
    """
    where: list[Any] = [placement_filter(user)]
    if filters.q:
        where.append(search_clause(Volunteer.search_key, filters.q))
    if filters.status is not None:
        where.append(Placement.status == filters.status)
    if filters.project_id is not None:
        where.append(Placement.project_id == filters.project_id)
    if filters.site_id is not None:
        where.append(Placement.project_id.in_(
            sa.select(Project.id).where(Project.site_id == filters.site_id)))
    if filters.volunteer_id is not None:
        where.append(Placement.volunteer_id == filters.volunteer_id)
    if filters.date_from is not None:
        where.append(Placement.end_date >= filters.date_from)
    if filters.date_to is not None:
        where.append(Placement.start_date <= filters.date_to)
    stmt = (
        sa.select(
            Placement.id, Placement.volunteer_id, Volunteer.full_name, Placement.project_id,
            Project.title, Site.name, Placement.start_date, Placement.end_date, Placement.role,
            Placement.status,
        )
        .join(Project, Project.id == Placement.project_id)
        .join(Site, Site.id == Project.site_id)
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .where(*where)
    )
    count = sa.select(Placement.id)
    if filters.q:
        count = count.join(Volunteer, Volunteer.id == Placement.volunteer_id)
    # placements accumulate season after season, like hours: the count stops at 10,000
    # (docs/architecture.md §6.25)
    result = paginate(stmt, page, order=order_by(sort, SORTS, Placement.id), rows=True,
                      count=count.where(*where), capped=True)
    result.items = [PlacementRow(*row) for row in result.items]
    return result


def filter_choices(
    user: Any, site_id: int | None = None, project_id: int | None = None
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """((id, title) of projects, (id, name) of sites) for the list's filter bar: current
    records ``user`` may see, projects newest first. With a site chosen (one of those), only
    that site's projects are offered, plus ``project_id`` if it was chosen too."""
    sites = db.session.execute(
        sites_for(user)
        .with_only_columns(Site.id, Site.name)
        .where(Site.archived_at.is_(None))
        .order_by(Site.name)
    ).all()
    projects = (
        projects_for(user)
        .with_only_columns(Project.id, Project.title)
        .where(Project.archived_at.is_(None))
        .order_by(Project.start_date.desc(), Project.title)
    )
    if site_id is not None and any(site.id == site_id for site in sites):
        projects = projects.where(sa.or_(Project.site_id == site_id, Project.id == project_id))
    return ([(pid, title) for pid, title in db.session.execute(projects)],
            [(sid, name) for sid, name in sites])


def placement_detail(user: Any, placement_id: int) -> Placement | None:
    """One placement in ``user``'s scope with volunteer, project, site and coordinator loaded."""
    return db.session.scalar(
        placements_for(user)
        .where(Placement.id == placement_id)
        .options(
            selectinload(Placement.volunteer),
            selectinload(Placement.project).selectinload(Project.site),
            selectinload(Placement.coordinator),
        )
    )


def scoped_volunteer(user: Any, volunteer_id: int | None) -> Volunteer | None:
    """The volunteer with id ``volunteer_id`` if ``user`` may see it (scoped in SQL through
    :func:`aljisr.scopes.volunteers_for`, archived ones included), else None."""
    return db.session.scalar(volunteers_for(user).where(Volunteer.id == volunteer_id))


def scoped_project(user: Any, project_id: int | None) -> Project | None:
    """The project with id ``project_id`` if ``user`` may see it (scoped in SQL through
    :func:`aljisr.scopes.projects_for`, archived ones included), else None."""
    return db.session.scalar(projects_for(user).where(Project.id == project_id))


def volunteer_picks(user: Any, query: str, limit: int) -> list[Any]:
    """``(id, full_name, email)`` of up to ``limit`` current (not archived, not anonymised)
    volunteers ``user`` may see whose name or e-mail holds every word of ``query``
    (:func:`aljisr.listing.search_clause`), by name: a placement's volunteer picker."""
    return list(db.session.execute(
        volunteers_for(user)
        .with_only_columns(Volunteer.id, Volunteer.full_name, Volunteer.email)
        .where(Volunteer.archived_at.is_(None), Volunteer.anonymised_at.is_(None),
               search_clause(Volunteer.search_key, query))
        .order_by(Volunteer.search_key, Volunteer.id)
        .limit(limit)
    ).all())


def volunteer_pick(user: Any, volunteer_id: int | None) -> Any | None:
    """``(id, full_name, email)`` of the volunteer ``volunteer_id`` if ``user`` may see it."""
    return db.session.execute(
        volunteers_for(user)
        .with_only_columns(Volunteer.id, Volunteer.full_name, Volunteer.email)
        .where(Volunteer.id == volunteer_id)
    ).first()


def project_picks(user: Any, query: str, limit: int) -> list[Any]:
    """``(id, title, start_date, end_date)`` of up to ``limit`` current projects ``user`` may
    see whose title (in any language) holds every word of ``query``, latest start first: a
    placement's project picker."""
    return list(db.session.execute(
        projects_for(user)
        .with_only_columns(Project.id, Project.title, Project.start_date, Project.end_date)
        .where(Project.archived_at.is_(None), search_clause(Project.search_key, query))
        .order_by(Project.start_date.desc(), Project.title, Project.id)
        .limit(limit)
    ).all())


def project_pick(user: Any, project_id: int | None) -> Any | None:
    """``(id, title, start_date, end_date)`` of the project ``project_id`` if ``user`` may
    see it."""
    return db.session.execute(
        projects_for(user)
        .with_only_columns(Project.id, Project.title, Project.start_date, Project.end_date)
        .where(Project.id == project_id)
    ).first()


def placement_history(placement_id: int) -> list[AuditEvent]:
    """The placement's audit events, oldest first, with their actors."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.subject_type == "placements", AuditEvent.subject_id == placement_id)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )


def placements_of_volunteer(user: Any, volunteer_id: int) -> list[Placement]:
    """A volunteer's placements visible to ``user``, latest first, with project and site."""
    return list(
        db.session.scalars(
            placements_for(user)
            .where(Placement.volunteer_id == volunteer_id)
            .options(selectinload(Placement.project).selectinload(Project.site))
            .order_by(Placement.start_date.desc(), Placement.id.desc())
        )
    )


def placements_on_project(user: Any, project_id: int) -> list[Placement]:
    """A project's placements visible to ``user``, by first day, with their volunteers."""
    return list(
        db.session.scalars(
            placements_for(user)
            .where(Placement.project_id == project_id)
            .options(
                joinedload(Placement.volunteer).load_only(
                    Volunteer.id, Volunteer.full_name, Volunteer.name_ar, raiseload=True
                )
            )
            .order_by(Placement.start_date, Placement.id)
        )
    )


def project_occupancy(project_id: int) -> Peak:
    """The most volunteers booked on one day of the project (live placements)."""
    return peak_occupancy(project_id)


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


def _live_ranges(project_ids: Any) -> dict[int, list[tuple[date, date, str | None]]]:
    """Live placements' (start, end, volunteer's nationality) per project, for
    ``project_ids`` (a list or a subquery)."""
    pt, vt = Placement.__table__, Volunteer.__table__
    ranges: dict[int, list[tuple[date, date, str | None]]] = defaultdict(list)
    for pid, start, end, nationality in db.session.execute(
        sa.select(pt.c.project_id, pt.c.start_date, pt.c.end_date, vt.c.nationality)
        .join(vt, vt.c.id == pt.c.volunteer_id)
        .where(pt.c.project_id.in_(project_ids), Placement.status.in_(LIVE_STATUSES))
    ):
        ranges[pid].append((start, end, nationality))
    return ranges


def _full_days(project_ids: Any) -> dict[int, tuple[tuple[date, date], ...]]:
    """The runs of days (inclusive) on which each of ``project_ids`` (a list or a subquery)
    has no free place, read from ``project_bookings`` (live placements per project and day,
    kept by triggers): what :func:`matching.full_ranges` gives from the live placements,
    from a row per full day instead of every placement."""
    bt, jt = ProjectBooking.__table__, Project.__table__
    runs: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for pid, raw in db.session.execute(
        sa.select(bt.c.project_id, sa.type_coerce(bt.c.day, sa.String))
        .join(jt, jt.c.id == bt.c.project_id)
        .where(bt.c.project_id.in_(project_ids), bt.c.placements >= jt.c.capacity)
        .order_by(bt.c.project_id, bt.c.day)
    ):
        day = _as_date(raw)
        found = runs[pid]
        if found and found[-1][1] + _ONE_DAY == day:
            found[-1] = (found[-1][0], day)
        else:
            found.append((day, day))
    return {pid: tuple(found) for pid, found in runs.items()}


def _first_open_day(start: date, end: date, today: date | None) -> date:
    """The first day a new placement can take: today for a project already running (days
    gone by are not offered), else its first day."""
    return today if today is not None and start < today <= end else start


def project_needs(project: Project, today: date | None = None,
                  ranges: list[tuple[date, date, str | None]] | None = None) -> ProjectNeeds:
    """The matching view of a project, with the days it is full (one query, none when its
    live placements' ``ranges`` (first day, last day, nationality) are given). With ``today``,
    a running project is offered from today (see :func:`_first_open_day`)."""
    if ranges is None:
        ranges = _live_ranges([project.id]).get(project.id, [])
    first = _first_open_day(project.start_date, project.end_date, today)
    # the quota of one nationality counts the live placements not over by the first open day,
    # as the planner does (docs/architecture.md §6.24)
    nationalities = Counter(n for _, end, n in ranges if n and end >= first)
    return ProjectNeeds(
        project_id=project.id,
        title=project.title,
        start_date=first,
        end_date=project.end_date,
        theme=project.theme.value,
        required_skills=normalise_skills(project.required_skills),
        required_languages=frozenset(project.required_languages or ()),
        full=full_ranges([(start, end) for start, end, _ in ranges], project.capacity),
        min_age=project.min_age,
        min_stay=project.min_stay_days,
        max_per_nationality=project.max_per_nationality,
        nationalities=nationalities,
    )


def _is_archived(status: Any, archived_at: Any) -> bool:
    return archived_at is not None or status == VolunteerStatus.ARCHIVED.value


def _as_date(value: Any) -> date | None:
    """A date column read without SQLAlchemy's processing: a date (PostgreSQL) or ISO text
    (SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_list(value: Any) -> list[Any]:
    """A JSON list column read without SQLAlchemy's processing (text, or already decoded)."""
    if not value:
        return []
    return json.loads(value) if isinstance(value, str | bytes) else list(value)


_LEVELS = {level.value: level for level in LanguageLevel}


#: Most candidates' ids written into one statement (``IN (...)``); more are selected again
#: by a subquery (PostgreSQL takes at most 65,535 parameters a statement, SQLite 32,766).
MAX_IDS_IN_STATEMENT = 5000


def _archived_clause(t: sa.Table) -> Any:
    """SQL for :func:`_is_archived` on the volunteers table ``t``."""
    return sa.or_(t.c.archived_at.is_not(None),
                  sa.type_coerce(t.c.status, sa.String) == VolunteerStatus.ARCHIVED.value)


def _meets_clause(t: sa.Table, first: date, last: date) -> Any:
    """SQL true when a volunteer's availability window meets ``first``..``last`` (inclusive):
    the same test as :func:`matching.score`'s (an empty window is
    :attr:`~matching.Exclusion.OUTSIDE_AVAILABILITY`), a missing bound being open-ended."""
    start, end = t.c.available_from, t.c.available_to
    return sa.and_(
        sa.or_(start.is_(None), start <= last),
        sa.or_(end.is_(None), end >= first),
        sa.or_(start.is_(None), end.is_(None), start <= end),
    )


def _scored_clause(t: sa.Table, needs: ProjectNeeds) -> Any:
    """SQL true for a volunteer :func:`matching.score` must see to say why: available at the
    project's time, or placed on it (scoring says so before it looks at availability)."""
    pt = Placement.__table__
    return sa.or_(
        _meets_clause(t, needs.start_date, needs.end_date),
        t.c.id.in_(sa.select(pt.c.volunteer_id).where(
            pt.c.project_id == needs.project_id, Placement.status.in_(LIVE_STATUSES))),
    )


def candidates_for_project(project: Project, needs: ProjectNeeds | None = None
                           ) -> list[CandidateProfile]:
    """The volunteers who may be scored for ``project`` as :class:`CandidateProfile`:
    neither anonymised nor archived, available on some day of the project's open dates
    (``needs``, by default from :func:`project_needs` without ``today``). Three queries:
    their columns, their languages among those the project needs, their live placements
    overlapping the project's dates.

    Everyone else is excluded whatever their skills, and SQL leaves them out
    (:func:`excluded_outside_scoring` counts and names them), so the work here follows the
    volunteers available at the project's time, not the register: plain Core rows, with
    SQLAlchemy's type processing bypassed (dates and JSON decoded here).
    """
    needs = needs or project_needs(project)
    t = Volunteer.__table__
    eligible = sa.and_(t.c.anonymised_at.is_(None), sa.not_(_archived_clause(t)),
                       _scored_clause(t, needs))
    rows = db.session.execute(
        sa.select(
            t.c.id,
            t.c.full_name,
            sa.type_coerce(t.c.available_from, sa.String),
            sa.type_coerce(t.c.available_to, sa.String),
            # as text: psycopg would decode every row's JSON (1,000 json.loads a page);
            # here each distinct list is decoded once (skills_of, interests_of)
            sa.cast(t.c.skills, sa.Text),
            sa.cast(t.c.interests, sa.Text),
            sa.type_coerce(t.c.date_of_birth, sa.String),
            t.c.nationality,
        ).where(eligible)
    ).all()
    # the next two queries look the candidates up by id (an index), unless they are so many
    # that the list of ids would be too long a statement
    ids: Any = ([row[0] for row in rows] if len(rows) <= MAX_IDS_IN_STATEMENT
                else sa.select(t.c.id).where(eligible))

    def among(column: Any) -> Any:
        if isinstance(ids, list) and db.session.get_bind().dialect.name == "postgresql":
            # one array parameter: PostgreSQL parses and plans it faster than 600 of them
            return column == sa.any_(sa.bindparam(None, ids, type_=ARRAY(sa.Integer)))
        return column.in_(ids)
    wanted = needs.required_languages
    languages: dict[int, dict[str, LanguageLevel]] = defaultdict(dict)
    if wanted:
        lt = VolunteerLanguage.__table__
        for vid, code, level in db.session.execute(
            sa.select(lt.c.volunteer_id, lt.c.code, sa.type_coerce(lt.c.level, sa.String)).where(
                among(lt.c.volunteer_id), lt.c.code.in_(sorted(wanted))
            )
        ):
            languages[vid][code] = _LEVELS[level]
    busy: dict[int, list[Busy]] = defaultdict(list)
    pt, jt = Placement.__table__, Project.__table__
    for vid, start, end, pid, title in db.session.execute(
        sa.select(
            pt.c.volunteer_id,
            pt.c.start_date,
            pt.c.end_date,
            pt.c.project_id,
            jt.c.title,
        )
        .join(jt, jt.c.id == pt.c.project_id)
        .where(
            among(pt.c.volunteer_id),
            Placement.status.in_(LIVE_STATUSES),
            pt.c.start_date <= project.end_date,
            pt.c.end_date >= project.start_date,
        )
    ):
        busy[vid].append(Busy(start, end, pid, title))
    no_busy: tuple[Busy, ...] = ()
    no_languages: dict[str, LanguageLevel] = {}
    # skills and interests come from small vocabularies: each distinct list is decoded once
    decoded: dict[Any, frozenset[str]] = {None: frozenset()}
    themes: dict[Any, frozenset[str]] = {None: frozenset()}

    def skills_of(raw: Any) -> frozenset[str]:
        key = raw if not isinstance(raw, list) else tuple(raw)
        found = decoded.get(key)
        if found is None:
            found = decoded[key] = normalise_skills(_as_list(raw))
        return found

    def interests_of(raw: Any) -> frozenset[str]:
        key = raw if not isinstance(raw, list) else tuple(raw)
        found = themes.get(key)
        if found is None:
            found = themes[key] = frozenset(_as_list(raw))
        return found

    return [
        CandidateProfile(
            volunteer_id=vid,
            name=name,
            available_from=_as_date(raw_from),
            available_to=_as_date(raw_to),
            skills=skills_of(skills),
            languages=languages.get(vid, no_languages),
            interests=interests_of(interests),
            busy=tuple(busy[vid]) if vid in busy else no_busy,
            born=_as_date(raw_born),
            nationality=nationality,
        )
        for vid, name, raw_from, raw_to, skills, interests, raw_born, nationality in rows
    ]


def _meets(candidate: CandidateProfile, needs: ProjectNeeds) -> bool:
    """:func:`_meets_clause` in Python, for one candidate."""
    start, end = candidate.available_from, candidate.available_to
    return ((start is None or start <= needs.end_date) and (end is None or end >= needs.start_date)
            and (start is None or end is None or start <= end))


def excluded_outside_scoring(needs: ProjectNeeds, shown: int,
                             scored: Iterable[CandidateProfile] = ()
                             ) -> tuple[dict[Exclusion, int], list[Match]]:
    """The volunteers :func:`candidates_for_project` leaves out, without scoring them: how
    many are archived and how many available only outside ``needs``' dates (one counting
    query), and the first ``shown`` of them as excluded :class:`Match` es, archived first,
    each group in name order (``search_key``: accents and case folded), in one more query
    whose rows are bounded by ``shown``. ``scored``: the candidates
    :func:`candidates_for_project` gave (some placed on the project may be available only
    at other times: they are not counted here)."""
    t = Volunteer.__table__
    archived = _archived_clause(t)
    outside = sa.and_(sa.not_(archived), sa.not_(_scored_clause(t, needs)))
    # counted without the subquery of those placed on the project: one plain scan; the few
    # placed there and available only at other times were scored, and are taken off here
    counted = db.session.execute(
        sa.select(sa.func.count().filter(archived),
                  sa.func.count().filter(sa.not_(archived), sa.not_(
                      _meets_clause(t, needs.start_date, needs.end_date))))
        .where(t.c.anonymised_at.is_(None))
    ).one()
    scored_outside = sum(1 for c in scored if not _meets(c, needs))
    counts = {reason: n for reason, n in zip(
        (Exclusion.ARCHIVED, Exclusion.OUTSIDE_AVAILABILITY),
        (counted[0], counted[1] - scored_outside), strict=True) if n}
    def first(where: Any, group: int) -> Any:
        return (sa.select(t.c.id, t.c.full_name, sa.type_coerce(t.c.available_from, sa.String),
                          sa.type_coerce(t.c.available_to, sa.String),
                          sa.literal(group).label("in_group"), t.c.search_key)
                .where(t.c.anonymised_at.is_(None), where)
                .order_by(t.c.search_key, t.c.id).limit(shown).subquery())

    # each group walks the name index and stops at ``shown`` rows
    archived_first, outside_first = first(archived, 0), first(outside, 1)
    rows = db.session.execute(
        sa.select(archived_first).union_all(sa.select(outside_first))
        .order_by("in_group", "search_key", "id").limit(shown)
    ).all() if shown else []
    matches = []
    for vid, name, raw_from, raw_to, in_group, _key in rows:
        candidate = CandidateProfile(
            volunteer_id=vid, name=name, available_from=_as_date(raw_from),
            available_to=_as_date(raw_to), archived=in_group == 0)
        matches.append(score(candidate, needs))
    return counts, matches


@dataclass
class MatchPage:
    """What a matching page shows: every ranked :class:`Match` (best first), the first
    excluded ones (in :func:`matching.rank`'s order of reasons), and how many are excluded
    for each reason."""

    ranked: list[Match]
    excluded: list[Match]
    excluded_counts: dict[Exclusion, int]
    #: The project's busiest day (what :func:`project_occupancy` gives).
    peak: Peak

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded_counts.values())


def match_project(project: Project, today: date | None = None, *, shown: int = 50
                  ) -> MatchPage:
    """Volunteers for ``project`` (see :func:`matching.rank`), on the days from ``today``
    when it is already running: the ones available at its time scored one by one, the
    archived and those available only at other times counted and named in SQL (the first
    ``shown`` excluded are returned; the score of each is what :func:`matching.score` gives).
    Six queries at most, whatever the number of volunteers; the project's busiest day comes
    from the live placements read for its full days."""
    ranges = _live_ranges([project.id]).get(project.id, [])
    needs = project_needs(project, today, ranges)
    candidates = candidates_for_project(project, needs)
    ranked, scored_out = rank((with_rules(score(c, needs)) for c in candidates),
                              by="candidate")
    counts, excluded = excluded_outside_scoring(needs, shown, candidates)
    for match in scored_out:
        counts[match.exclusion] = counts.get(match.exclusion, 0) + 1  # type: ignore[index]
    excluded = (excluded + scored_out)[:shown]
    return MatchPage(ranked, excluded, counts,
                     Peak(*busiest_day((start, end) for start, end, _ in ranges)))


def candidate_profile(volunteer: Volunteer) -> CandidateProfile:
    """The matching view of one volunteer, with all their live placements (one query, plus
    the languages relationship, which is select-in loaded)."""
    busy = tuple(
        Busy(start, end, pid, title)
        for start, end, pid, title in db.session.execute(
            sa.select(Placement.start_date, Placement.end_date, Placement.project_id, Project.title)
            .join(Project, Project.id == Placement.project_id)
            .where(Placement.volunteer_id == volunteer.id, Placement.status.in_(LIVE_STATUSES))
        )
    )
    return CandidateProfile(
        volunteer_id=volunteer.id,
        name=volunteer.full_name,
        available_from=volunteer.available_from,
        available_to=volunteer.available_to,
        skills=normalise_skills(volunteer.skills),
        languages=volunteer.language_levels(),
        interests=frozenset(volunteer.interests or ()),
        archived=_is_archived(volunteer.status.value, volunteer.archived_at),
        busy=busy,
        born=volunteer.date_of_birth,
        nationality=volunteer.nationality,
    )


def projects_to_match(today: date, nationality: str | None = None) -> list[ProjectNeeds]:
    """Projects a volunteer may still be proposed for: draft, open or in progress, not
    archived, not over; with the days each is full and their rules, and for ``nationality``
    how many live placements of it each counts against its quota (two queries of plain
    columns)."""
    t, pt, vt = Project.__table__, Placement.__table__, Volunteer.__table__
    matchable = sa.and_(
        t.c.archived_at.is_(None),
        sa.type_coerce(t.c.status, sa.String).in_([s.value for s in MATCHABLE_PROJECT_STATUSES]),
        t.c.end_date >= today,
    )
    # the quota counts the live placements not over by the first open day (§6.24)
    first_open = sa.case((t.c.start_date < today, sa.literal(today, sa.Date)),
                         else_=t.c.start_date)
    same_nationality = (
        sa.select(sa.func.count()).select_from(pt).join(vt, vt.c.id == pt.c.volunteer_id)
        .where(pt.c.project_id == t.c.id, Placement.status.in_(LIVE_STATUSES),
               pt.c.end_date >= first_open, vt.c.nationality == nationality)
        .correlate(t).scalar_subquery()
        if nationality else sa.literal(0)
    )
    rows = db.session.execute(
        sa.select(
            t.c.id,
            t.c.title,
            t.c.start_date,
            t.c.end_date,
            sa.type_coerce(t.c.theme, sa.String),
            t.c.required_skills,
            t.c.required_languages,
            t.c.capacity,
            t.c.min_age,
            t.c.min_stay_days,
            t.c.max_per_nationality,
            same_nationality,
        ).where(matchable)
    ).all()
    full = _full_days(sa.select(t.c.id).where(matchable))
    return [
        ProjectNeeds(
            project_id=pid,
            title=title,
            start_date=_first_open_day(start, end, today),
            end_date=end,
            theme=theme,
            required_skills=normalise_skills(skills),
            required_languages=frozenset(langs or ()),
            full=full.get(pid, ()),
            min_age=min_age,
            min_stay=min_stay,
            max_per_nationality=quota,
            nationalities={nationality: same} if nationality and same else {},
        )
        for (pid, title, start, end, theme, skills, langs, capacity, min_age, min_stay, quota,
             same) in rows
    ]


def match_volunteer(volunteer: Volunteer, today: date) -> tuple[list[Match], list[Match]]:
    """(ranked, excluded) projects for ``volunteer``; a project whose rules the volunteer
    breaks is excluded (:func:`matching.with_rules`)."""
    profile = candidate_profile(volunteer)
    return rank((with_rules(score(profile, p))
                 for p in projects_to_match(today, volunteer.nationality)), by="project")


# --- capacity, overlap and ongoing placements (also read by the services' checks) -----------


@dataclass(frozen=True)
class Peak:
    """The most live placements on a single day: ``count`` on ``day`` (None when no placement)."""

    count: int
    day: date | None


def ongoing_placements(*where: Any) -> int:
    """How many placements matching ``where`` (SQL conditions on placements, joined to their
    project) are proposed, confirmed or active: a volunteer, project, site or organisation
    with one cannot be archived."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Placement).join(Project)
        .where(Placement.status.in_(ONGOING_STATUSES), *where)
    ) or 0


def peak_occupancy(
    project_id: int,
    start: date | None = None,
    end: date | None = None,
    *,
    exclude_placement_id: int | None = None,
) -> Peak:
    """The most live placements of a project on any single day of ``start``..``end`` (inclusive;
    None = unbounded), in one SQL query.

    The number of placements running is a step function that only rises on a placement's first
    day, so its maximum over a range is reached on the range's first day or on the first day of a
    placement starting inside it: count the placements covering each such day and keep the
    largest. Work grows with the square of the project's placements, not with the days.
    """
    live = (Placement.project_id == project_id, is_live(Placement.status))
    in_range: list[Any] = []
    if start is not None:
        in_range.append(Placement.end_date >= start)
    if end is not None:
        in_range.append(Placement.start_date <= end)
    if exclude_placement_id is not None:
        in_range.append(Placement.id != exclude_placement_id)
    day: Any = Placement.start_date
    if start is not None:
        day = sa.case(
            (Placement.start_date < sa.literal(start, sa.Date), sa.literal(start, sa.Date)),
            else_=Placement.start_date,
        )
    points = sa.select(day.label("day")).where(*live, *in_range).distinct().subquery("points")
    other = aliased(Placement, name="other")
    covering = [
        other.project_id == project_id,
        is_live(other.status),
        other.start_date <= points.c.day,
        other.end_date >= points.c.day,
    ]
    if exclude_placement_id is not None:
        covering.append(other.id != exclude_placement_id)
    count = sa.func.count(other.id).label("n")
    row = db.session.execute(
        sa.select(points.c.day, count)
        .join(other, sa.and_(*covering))
        .group_by(points.c.day)
        .order_by(count.desc(), points.c.day)
        .limit(1)
    ).first()
    if row is None:
        return Peak(0, None)
    return Peak(int(row.n), row.day)


def overlapping_placements(
    volunteer_id: int, start: date, end: date, *, exclude_placement_id: int | None = None
) -> list[Any]:
    """Live placements of the volunteer sharing at least one day with ``start``..``end``
    (inclusive): rows of (id, start_date, end_date, project title)."""
    query = (
        sa.select(Placement.id, Placement.start_date, Placement.end_date, Project.title)
        .join(Project, Project.id == Placement.project_id)
        .where(
            Placement.volunteer_id == volunteer_id,
            Placement.status.in_(LIVE_STATUSES),
            Placement.start_date <= end,
            Placement.end_date >= start,
        )
        .order_by(Placement.start_date)
    )
    if exclude_placement_id is not None:
        query = query.where(Placement.id != exclude_placement_id)
    return list(db.session.execute(query).all())


def nationality_on_project(project_id: int, nationality: str, since: date) -> int:
    """How many live placements of volunteers of ``nationality`` on the project end on or
    after ``since`` (its first open day): the count the quota of one nationality is checked
    against, as the season planner counts it (docs/architecture.md §6.24)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Placement)
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .where(Placement.project_id == project_id, Placement.status.in_(LIVE_STATUSES),
               Placement.end_date >= since, Volunteer.nationality == nationality)
    ) or 0


def placement_on_project(volunteer_id: int, project_id: int, start: date, end: date) -> Any:
    """The first placement of the volunteer on the project that blocks another one from
    ``start`` to ``end`` (both inclusive): any proposed, confirmed or active one, or a live one
    sharing a day (a completed stint); a row with ``start_date`` and ``end_date``, or None."""
    return db.session.execute(
        sa.select(Placement.start_date, Placement.end_date)
        .where(
            Placement.volunteer_id == volunteer_id,
            Placement.project_id == project_id,
            sa.or_(
                Placement.status.in_(ONGOING_STATUSES),
                sa.and_(
                    Placement.status.in_(LIVE_STATUSES),
                    Placement.start_date <= end,
                    Placement.end_date >= start,
                ),
            ),
        )
        .order_by(Placement.start_date)
        .limit(1)
    ).first()
