"""Read-only queries behind the reports: totals in SQL, one query for the detail rows.

A report covers an inclusive period ``[start, end]`` (docs/architecture.md §2.1: dates are
inclusive).

- A placement is **in the period** when its own inclusive range overlaps it
  (``placement.start <= end and start <= placement.end``) and its status is one of
  :data:`REPORTED_STATUSES`: proposed placements were never agreed and cancelled ones never
  happened, so neither counts; withdrawn ones count for the days and hours they have.
- **Placement days** are the days of the placement inside the period, both ends included:
  a placement from 20 to 31 January reported for 1-25 January counts 6 days.
- **Approved hours** are the hours of entries with status ``approved`` whose ``work_date`` is
  in the period, both ends included (an entry on the last day counts). They are summed per
  placement in a sub-query *before* any join, so each entry counts once however many rows the
  joins produce. Submitted and rejected hours never count (docs/architecture.md §2.5).

Which placements belong to an organisation depends on its kind (:func:`organisation_condition`):
a sending organisation's are those of the volunteers it sent, a host organisation's those on
projects at its sites, a funder's those on the projects it funds.

Every report runs a fixed number of statements whatever its number of rows: one for the
summary, one ``GROUP BY`` per breakdown and one for the detail rows (a test counts them).
The functions return plain frozen dataclasses whose labels are already translated into the
current request's language, so the exporters are pure: data in, bytes out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.i18n import _, current_language
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import SDG_TITLES, Project, ProjectSDG, Theme
from aljisr.scopes import organisation_filter
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer

#: Placement statuses a report counts (see the module docstring).
REPORTED_STATUSES = (
    PlacementStatus.CONFIRMED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
    PlacementStatus.WITHDRAWN,
)

ZERO = Decimal("0.00")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Period:
    """An inclusive range of dates; ``days`` counts both ends."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def year(cls, year: int) -> Period:
        """1 January to 31 December of ``year``."""
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Totals:
    """Distinct volunteers, placements, placement days in the period, approved hours."""

    volunteers: int = 0
    placements: int = 0
    placement_days: int = 0
    approved_hours: Decimal = ZERO


@dataclass(frozen=True)
class GroupTotals:
    """One line of a breakdown: a translated ``label`` and its :class:`Totals`."""

    label: str
    totals: Totals


@dataclass(frozen=True)
class Breakdown:
    """Totals per project, site, nationality, theme or SDG.

    ``key`` names the grouping; ``title`` (e.g. "By site") and ``column`` (e.g. "Site")
    are translated. ``additive`` is true when each placement falls in exactly one group, so
    the report's totals are the column totals; it is false for SDGs (a project has several).
    """

    key: str
    title: str
    column: str
    rows: tuple[GroupTotals, ...]
    additive: bool = True


@dataclass(frozen=True)
class ReportPlacement:
    """One placement of a report. ``nationality`` is the country name (may be empty)."""

    placement_id: int
    volunteer: str
    nationality: str
    project: str
    site: str
    start: date
    end: date
    days_in_period: int
    approved_hours: Decimal


@dataclass(frozen=True)
class Report:
    """Everything an export needs, labels translated in the requester's language.

    ``subject`` is the organisation's name (or the association's for the annual report);
    ``subject_kind`` its translated kind; ``chart`` is the breakdown drawn as a bar chart
    of approved hours; ``slug_name`` is what file names carry for the subject.
    """

    title: str
    subject: str
    subject_kind: str
    period: Period
    totals: Totals
    breakdowns: tuple[Breakdown, ...]
    chart: Breakdown | None
    rows: tuple[ReportPlacement, ...] = field(default=())
    show_rows: bool = True
    file_prefix: str = "aljisr-report"
    slug_name: str = ""


# --------------------------------------------------------------------------- SQL pieces


class inclusive_days(FunctionElement):  # noqa: N801  (SQL function naming)
    """``inclusive_days(first, last)``: days from ``first`` to ``last``, both included.

    Compiled per dialect: PostgreSQL subtracts dates (an integer), SQLite subtracts Julian
    day numbers (dates are ISO strings there).
    """

    type = sa.Integer()
    inherit_cache = True
    name = "inclusive_days"


@compiles(inclusive_days)
def _inclusive_days_default(element: inclusive_days, compiler: Any, **kw: Any) -> str:
    first, last = list(element.clauses)
    return f"(({compiler.process(last, **kw)}) - ({compiler.process(first, **kw)}) + 1)"


@compiles(inclusive_days, "sqlite")
def _inclusive_days_sqlite(element: inclusive_days, compiler: Any, **kw: Any) -> str:
    first, last = list(element.clauses)
    return (f"(CAST(julianday({compiler.process(last, **kw)}) - "
            f"julianday({compiler.process(first, **kw)}) AS INTEGER) + 1)")


def organisation_condition(organisation: Organisation) -> Any:
    """WHERE clause (over placements joined to volunteers, projects and sites) selecting the
    placements that concern ``organisation``, by its kind (module docstring)."""
    if organisation.kind is OrganisationKind.SENDING:
        return Volunteer.sending_organisation_id == organisation.id
    if organisation.kind is OrganisationKind.HOST:
        return Site.organisation_id == organisation.id
    return Project.funder_id == organisation.id


def _facts(period: Period, condition: Any) -> Any:
    """One row per placement in the period: ids, names, clamped days and approved hours.
    Project titles and site names are in the current language where they have one."""
    language = current_language()
    start = sa.literal(period.start, sa.Date)
    end = sa.literal(period.end, sa.Date)
    approved = (
        sa.select(HoursEntry.placement_id, sa.func.sum(HoursEntry.hours).label("hours"))
        .where(
            HoursEntry.status == HoursStatus.APPROVED,
            HoursEntry.work_date >= period.start,
            HoursEntry.work_date <= period.end,
        )
        .group_by(HoursEntry.placement_id)
        .subquery("approved")
    )
    first = sa.case((Placement.start_date < start, start), else_=Placement.start_date)
    last = sa.case((Placement.end_date > end, end), else_=Placement.end_date)
    return (
        sa.select(
            Placement.id.label("placement_id"),
            Placement.start_date,
            Placement.end_date,
            Volunteer.id.label("volunteer_id"),
            Volunteer.full_name.label("volunteer_name"),
            Volunteer.nationality,
            Project.id.label("project_id"),
            Project.title_sql(language).label("project_title"),
            Project.theme,
            Site.id.label("site_id"),
            Site.name_sql(language).label("site_name"),
            inclusive_days(first, last).label("days"),
            sa.func.coalesce(approved.c.hours, 0).label("hours"),
        )
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .join(Project, Project.id == Placement.project_id)
        .join(Site, Site.id == Project.site_id)
        .outerjoin(approved, approved.c.placement_id == Placement.id)
        .where(
            Placement.status.in_(REPORTED_STATUSES),
            Placement.start_date <= period.end,
            Placement.end_date >= period.start,
            condition,
        )
        .subquery("facts")
    )


def _measures(facts: Any) -> list[Any]:
    return [
        sa.func.count(sa.distinct(facts.c.volunteer_id)),
        sa.func.count(facts.c.placement_id),
        sa.func.coalesce(sa.func.sum(facts.c.days), 0),
        sa.func.coalesce(sa.func.sum(facts.c.hours), 0),
    ]


def _totals(volunteers: Any, placements: Any, days: Any, hours: Any) -> Totals:
    return Totals(int(volunteers or 0), int(placements or 0), int(days or 0),
                  _hours(hours))


def _hours(value: Any) -> Decimal:
    """Hours from SQL (Decimal on PostgreSQL, int/float/str on SQLite) to 2-place Decimal."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def summary(facts: Any) -> Totals:
    """The report's overall :class:`Totals` (one statement)."""
    return _totals(*db.session.execute(sa.select(*_measures(facts))).one())


def _grouped(facts: Any, columns: list[Any], join: Any = None) -> list[tuple[Any, ...]]:
    """``(group columns..., Totals)`` per group (one statement)."""
    query = sa.select(*columns, *_measures(facts)).select_from(facts)
    if join is not None:
        query = query.join(*join)
    query = query.group_by(*columns)
    width = len(columns)
    return [(*row[:width], _totals(*row[width:])) for row in db.session.execute(query)]


def _sorted(rows: Iterable[GroupTotals]) -> tuple[GroupTotals, ...]:
    return tuple(sorted(rows, key=lambda r: (r.label.casefold(), r.label)))


def by_project(facts: Any) -> Breakdown:
    rows = _grouped(facts, [facts.c.project_id, facts.c.project_title])
    return Breakdown("project", _("By project"), _("Project"),
                     _sorted(GroupTotals(title, t) for _id, title, t in rows))


def by_site(facts: Any) -> Breakdown:
    rows = _grouped(facts, [facts.c.site_id, facts.c.site_name])
    return Breakdown("site", _("By site"), _("Site"),
                     _sorted(GroupTotals(name, t) for _id, name, t in rows))


def by_nationality(facts: Any, country_name: Callable[[str | None], str]) -> Breakdown:
    rows = _grouped(facts, [facts.c.nationality])
    return Breakdown("nationality", _("By nationality"), _("Nationality"), _sorted(
        GroupTotals(country_name(code) if code else _("Not recorded"), t) for code, t in rows
    ))


def by_theme(facts: Any) -> Breakdown:
    """Per project theme, in the order of :class:`~aljisr.projects.models.Theme`."""
    # Theme is a StrEnum: a value read back as a plain string still finds its member.
    rows = dict(_grouped(facts, [facts.c.theme]))
    return Breakdown("theme", _("By theme"), _("Theme"),
                     tuple(GroupTotals(theme.title, rows[theme]) for theme in Theme
                           if theme in rows))


def by_sdg(facts: Any) -> Breakdown:
    """Per UN Sustainable Development Goal; a placement counts under each SDG of its project."""
    rows = _grouped(facts, [ProjectSDG.goal],
                    join=(ProjectSDG, ProjectSDG.project_id == facts.c.project_id))
    return Breakdown(
        "sdg", _("By Sustainable Development Goal"), _("Goal"),
        tuple(GroupTotals(_("%(number)s. %(title)s", number=goal, title=SDG_TITLES[goal]), t)
              for goal, t in sorted(rows, key=lambda r: r[0])),
        additive=False,
    )


def placement_rows(facts: Any,
                   country_name: Callable[[str | None], str]) -> tuple[ReportPlacement, ...]:
    """The detail rows, one per placement, in time order: start date, project, name (one
    statement)."""
    query = sa.select(facts).order_by(
        facts.c.start_date, facts.c.project_title, facts.c.project_id,
        facts.c.volunteer_name, facts.c.placement_id,
    )
    return tuple(
        ReportPlacement(
            placement_id=row.placement_id,
            volunteer=row.volunteer_name,
            nationality=country_name(row.nationality) if row.nationality else "",
            project=row.project_title,
            site=row.site_name,
            start=row.start_date,
            end=row.end_date,
            days_in_period=int(row.days),
            approved_hours=_hours(row.hours),
        )
        for row in db.session.execute(query)
    )


# --------------------------------------------------------------------------- reports


def organisation_report(organisation: Organisation, period: Period,
                        country_name: Callable[[str | None], str],
                        slug_name: str = "") -> Report:
    """The report of one organisation for ``period`` (5 statements).

    ``organisation`` must already have been loaded through the caller's scope
    (:func:`aljisr.scopes.organisation_filter`): its placements are selected from it here.
    ``country_name`` turns an ISO 3166-1 alpha-2 code into a name in the current language.
    """
    facts = _facts(period, organisation_condition(organisation))
    projects = by_project(facts)
    breakdowns = (projects, by_site(facts), by_nationality(facts, country_name))
    return Report(
        title=_("Activity report"),
        subject=organisation.name,
        subject_kind=organisation.kind.title,
        period=period,
        totals=summary(facts),
        breakdowns=breakdowns,
        chart=projects,
        rows=placement_rows(facts, country_name),
        slug_name=slug_name or organisation.name,
    )


def annual_report(year: int, association: str,
                  country_name: Callable[[str | None], str], *, with_rows: bool) -> Report:
    """The association-wide report of ``year`` by theme, SDG and site (4 or 5 statements).

    ``with_rows`` adds the placement rows (for the spreadsheet formats).
    """
    period = Period.year(year)
    facts = _facts(period, sa.true())
    themes = by_theme(facts)
    return Report(
        title=_("Annual report %(year)s", year=year),
        subject=association,
        subject_kind=_("All organisations"),
        period=period,
        totals=summary(facts),
        breakdowns=(themes, by_sdg(facts), by_site(facts)),
        chart=themes,
        rows=placement_rows(facts, country_name) if with_rows else (),
        show_rows=False,
        file_prefix="aljisr-annual-report",
        slug_name="",
    )


def scoped_organisation(user: Any, organisation_id: int) -> Organisation | None:
    """The organisation with id ``organisation_id`` if ``user`` may see its report (scoped in
    SQL through :func:`aljisr.scopes.organisation_filter`: staff any, a partner their own),
    else None."""
    return db.session.scalar(
        sa.select(Organisation).where(Organisation.id == organisation_id,
                                      organisation_filter(user))
    )


def organisation_options() -> list[Any]:
    """``(id, name, kind, archived_at)`` rows of every organisation (archived ones included:
    their past periods still have reports), by name then id."""
    return list(db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.kind,
                  Organisation.archived_at).order_by(Organisation.name, Organisation.id)
    ).all())
