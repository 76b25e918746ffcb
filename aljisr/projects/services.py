"""Project register rules: create, edit (dates and capacity against placements), archive.

Plain functions; they raise :class:`~aljisr.errors.DomainError` naming the field at fault,
record every change with :func:`aljisr.audit.record`, flush but never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.database import assign, utcnow
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.i18n import _, format_date, ngettext
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.models import Placement
from aljisr.placements.queries import ongoing_placements
from aljisr.placements.services import check_capacity_change, lock_project
from aljisr.projects.models import SDG_TITLES, Project, ProjectStatus, Theme
from aljisr.projects.queries import placements_outside
from aljisr.sites.models import Site
from aljisr.text import clean_paragraphs, clean_text

#: Attributes the services accept (``sdgs``: list of goal numbers 1-17).
FIELDS = ("title", "title_fr", "title_ar", "description", "public_description",
          "public_description_fr", "public_description_ar", "site_id", "funder_id",
          "funder_public", "parent_id",
          "phase_number", "theme", "status", "start_date", "end_date", "capacity",
          "required_skills", "required_languages", "sdgs", "min_age", "min_stay_days",
          "max_per_nationality", "gender_margin", "working_days", "working_hours",
          "what_to_bring")

#: Deepest chain of phases followed when looking for a cycle (a project cannot be its own phase).
MAX_PHASE_DEPTH = 50


def _validate(values: Mapping[str, Any], project: Project | None) -> None:
    """Rules of the project itself (docs/architecture.md §1, §2.2); ``project`` is None on
    creation."""
    def current(name: str) -> Any:
        return values.get(name, getattr(project, name) if project is not None else None)

    if "title" in values and not clean_text(values["title"]):
        raise DomainError(_("Give the project a title."), field="title")
    start, end = current("start_date"), current("end_date")
    if start is None:
        raise DomainError(_("Give the first day."), field="start_date")
    if end is None:
        raise DomainError(_("Give the last day."), field="end_date")
    if end < start:
        raise DomainError(_("The last day cannot be before the first day."), field="end_date")
    stay = current("min_stay_days")
    if stay is not None and stay > (end - start).days + 1:
        raise DomainError(_("The minimum stay (%(stay)d days) is longer than the project "
                            "(%(days)d days).", stay=stay, days=(end - start).days + 1),
                          field="min_stay_days")
    capacity = current("capacity")
    if capacity is None or capacity < 1:
        raise DomainError(_("The capacity is at least 1."), field="capacity")
    if current("theme") not in set(Theme):
        raise DomainError(_("Choose a theme."), field="theme")
    if current("status") not in set(ProjectStatus):
        raise DomainError(_("Choose a status."), field="status")
    if "sdgs" in values and any(g not in SDG_TITLES for g in values["sdgs"] or []):
        raise DomainError(_("SDGs are numbered 1 to 17."), field="sdgs")
    for code in values.get("required_languages") or []:
        import pycountry  # here: its data stays out of workers that never check a language

        if pycountry.languages.get(alpha_2=code) is None:
            raise DomainError(_("Choose languages from the list."), field="required_languages")
    phase = current("phase_number")
    if phase is not None and phase < 1:
        raise DomainError(_("Phases are numbered from 1."), field="phase_number")
    _check_site(values, project)
    _check_funder(values.get("funder_id"))
    _check_parent(values.get("parent_id"), project)


def _check_site(values: Mapping[str, Any], project: Project | None) -> None:
    site_id = values.get("site_id", project.site_id if project is not None else None)
    if site_id is None:
        raise DomainError(_("Choose the site."), field="site_id")
    archived = db.session.execute(
        sa.select(Site.archived_at).where(Site.id == site_id)
    ).first()
    if archived is None:
        raise DomainError(_("Choose the site."), field="site_id")
    moved = project is None or project.site_id != site_id
    if moved and archived.archived_at is not None:
        raise DomainError(_("This site is archived; restore it first."), field="site_id")


def _check_funder(funder_id: int | None) -> None:
    if funder_id is None:
        return
    kind = db.session.scalar(sa.select(Organisation.kind).where(Organisation.id == funder_id))
    if kind is not OrganisationKind.FUNDER:
        raise DomainError(_("Choose a funder."), field="funder_id")


def _check_parent(parent_id: int | None, project: Project | None) -> None:
    """The parent exists and the phases do not loop back to ``project``."""
    if parent_id is None:
        return
    seen: set[int] = set()
    cursor: int | None = parent_id
    while cursor is not None and len(seen) < MAX_PHASE_DEPTH:
        if project is not None and cursor == project.id:
            raise DomainError(_("A project cannot be a phase of itself or of its own phases."),
                              field="parent_id")
        if cursor in seen:
            break
        seen.add(cursor)
        row = db.session.execute(sa.select(Project.parent_id).where(Project.id == cursor)).first()
        if row is None:
            raise DomainError(_("Choose the project this one is a phase of."), field="parent_id")
        cursor = row.parent_id


def _check_dates_against_placements(project: Project, start: date, end: date) -> None:
    """Refuse new dates that would leave live placements outside the project (docs/architecture.md
    §2.2: a placement lies within its project's dates). Locks the project row first (PostgreSQL),
    so no placement is booked between the check and the commit."""
    db.session.execute(sa.select(Project.id).where(Project.id == project.id).with_for_update())
    outside = placements_outside(project, start, end)
    if not outside:
        return
    first = outside[0]
    field = "start_date" if first.start_date < start else "end_date"
    raise Conflict(
        _("%(n)d live placement(s) would fall outside these dates (the first runs from "
          "%(start)s to %(end)s). Move or cancel them first.",
          n=len(outside), start=format_date(first.start_date), end=format_date(first.end_date)),
        field=field,
    )


def _apply(project: Project, values: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in ("required_skills", "required_languages", "sdgs"):
            value = list(value or [])
            if name == "sdgs":
                value = sorted(set(value))
        if name in ("description", "what_to_bring"):
            value = (value or "").strip() or None
        if name in ("working_days", "working_hours"):
            value = clean_text(value) or None
        if name.startswith("public_description"):
            value = clean_paragraphs(value)
        if name == "funder_public":
            value = bool(value)
        if name == "required_languages" and set(value) == set(project.required_languages or []):
            continue  # the same languages listed in another order
        if assign(project, name, value):
            changed.append(name)
    return changed


def create_project(values: Mapping[str, Any], *, actor: Any) -> Project:
    """Create a project (``values``: see :data:`FIELDS`).

    :raises DomainError: a value breaks a rule (``field`` says which).
    """
    _validate(values, None)
    project = Project(required_skills=[], required_languages=[])
    _apply(project, values)
    db.session.add(project)
    db.session.flush()
    audit.record(actor, "project.create", project)
    return project


def update_project(project: Project, values: Mapping[str, Any], *, actor: Any) -> list[str]:
    """Change a project.

    New dates must still contain every live placement; a lower capacity must still hold the
    most volunteers booked on one day (``aljisr.placements.services.check_capacity_change``).

    :returns: the names of the fields that changed.
    :raises DomainError: a value breaks a rule (``field`` says which).
    :raises Conflict: placements fall outside the new dates, or exceed the new capacity.
    """
    _validate(values, project)
    start = values.get("start_date", project.start_date)
    end = values.get("end_date", project.end_date)
    capacity = values.get("capacity", project.capacity)
    if (start, end) != (project.start_date, project.end_date) or capacity < project.capacity:
        lock_project(project)  # no placement may be booked between these checks and the commit
    if (start, end) != (project.start_date, project.end_date):
        _check_dates_against_placements(project, start, end)
    if capacity < project.capacity:
        check_capacity_change(project, capacity)
    before = {"start_date": project.start_date, "end_date": project.end_date,
              "capacity": project.capacity, "status": project.status}
    changed = _apply(project, values)
    if changed:
        db.session.flush()
        details: dict[str, Any] = {"changed": changed}
        for name, old in before.items():
            if name in changed:
                new = getattr(project, name)
                details[name] = [str(getattr(old, "value", old)), str(getattr(new, "value", new))]
        audit.record(actor, "project.update", project, details=details)
    return changed


def archive_project(project: Project, *, actor: Any) -> None:
    """Archive: the project leaves lists, matching and the public catalogue; it stays
    viewable with its placements.

    :raises NotAllowed: already archived, or a placement on it is proposed, confirmed or
        active (its volunteers are still expected there).
    """
    if project.archived_at is not None:
        raise NotAllowed(_("This project is already archived."))
    ongoing = ongoing_placements(Placement.project_id == project.id)
    if ongoing:
        raise NotAllowed(ngettext(
            "This project has %(num)d placement still proposed, confirmed or active: "
            "complete, withdraw or cancel it first.",
            "This project has %(num)d placements still proposed, confirmed or active: "
            "complete, withdraw or cancel them first.",
            ongoing,
        ))
    project.archived_at = utcnow()
    db.session.flush()
    audit.record(actor, "project.archive", project)


def unarchive_project(project: Project, *, actor: Any) -> None:
    """:raises NotAllowed: not archived."""
    if project.archived_at is None:
        raise NotAllowed(_("This project is not archived."))
    project.archived_at = None
    db.session.flush()
    audit.record(actor, "project.unarchive", project)
