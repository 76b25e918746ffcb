"""Placement rules: dates, overlap, capacity, and the status path (docs/architecture.md §2.2,
§2.3, §2.4).

Plain functions that take model objects and plain values, raise :class:`~aljisr.errors.DomainError`
subclasses (with the form ``field`` they belong beside), record every change in the audit log,
flush but never commit.

Concurrency: a check and the write it guards must happen in one transaction that two
coordinators cannot both pass. Each service that books capacity first locks the project row
(``SELECT ... FOR UPDATE`` on PostgreSQL; READ COMMITTED then lets the waiting transaction's
next statement see what the first one committed). SQLite has no row locks: there the caller's
transaction must start with ``BEGIN IMMEDIATE``, which every POST request does (see
:func:`aljisr.database.write_intent`); wrap other callers in ``with write_intent():``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.dates import association_today
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.i18n import _, format_date
from aljisr.notifications import services as notifications
from aljisr.placements import rules
from aljisr.placements.models import (
    LIVE_STATUSES,
    TRANSITIONS,
    Placement,
    PlacementStatus,
    ProjectBooking,
)
from aljisr.placements.queries import (
    nationality_on_project,
    overlapping_placements,
    peak_occupancy,
    placement_on_project,
)
from aljisr.projects.models import Project, ProjectStatus
from aljisr.volunteers.models import Volunteer, VolunteerStatus

#: The verb recorded in the audit log (``placement.<verb>``) for a move to each status.
TRANSITION_VERBS: dict[PlacementStatus, str] = {
    PlacementStatus.CONFIRMED: "confirm",
    PlacementStatus.ACTIVE: "start",
    PlacementStatus.COMPLETED: "complete",
    PlacementStatus.CANCELLED: "cancel",
    PlacementStatus.WITHDRAWN: "withdraw",
}

#: Moves the people concerned are told about (aljisr.notifications), with the notice's kind.
NOTIFIED_TRANSITIONS: dict[PlacementStatus, str] = {
    PlacementStatus.CONFIRMED: "placement.confirmed",
    PlacementStatus.CANCELLED: "placement.cancelled",
    PlacementStatus.WITHDRAWN: "placement.withdrawn",
}

#: Moves that need a reason: the volunteer or the host will ask why.
REASON_REQUIRED: frozenset[PlacementStatus] = frozenset(
    {PlacementStatus.CANCELLED, PlacementStatus.WITHDRAWN}
)

#: Statuses whose dates may still be changed.
DATES_CHANGEABLE: frozenset[PlacementStatus] = frozenset(
    {PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE}
)


# --------------------------------------------------------------------------------------------
# Capacity
# --------------------------------------------------------------------------------------------


def _lock_project(project_id: int) -> Any:
    """Lock the project row until the end of the transaction and return its current
    capacity, dates, status and archive time (fresh, whatever the session holds)."""
    return db.session.execute(
        sa.select(
            Project.id,
            Project.title,
            Project.capacity,
            Project.start_date,
            Project.end_date,
            Project.status,
            Project.archived_at,
        )
        .where(Project.id == project_id)
        .with_for_update()
    ).one()


def lock_project(project: Project) -> None:
    """Hold the project row until the end of the transaction, so no placement is booked on it
    meanwhile (PostgreSQL ``SELECT ... FOR UPDATE``; on SQLite the write transaction of a POST
    already excludes other writers). Call before checking a change to its dates or capacity."""
    if project.id is not None:
        _lock_project(project.id)


def check_capacity_change(project: Project, new_capacity: int) -> None:
    """Refuse lowering ``project``'s capacity below what is already booked on any single day.

    Locks the project row (PostgreSQL) so that no placement is booked between this check and
    the caller's commit; on SQLite call it inside a write transaction (any POST request).

    :raises Conflict: ``field="capacity"``, when ``new_capacity`` is below the peak number of
        live placements (proposed, confirmed, active, completed) on one day.
    """
    if project.id is None:
        return
    _lock_project(project.id)
    peak = peak_occupancy(project.id)
    if new_capacity < peak.count:
        raise Conflict(
            _(
                "The capacity cannot be lower than %(count)d: %(count)d volunteers are booked "
                "on %(day)s. Cancel or move placements first.",
                count=peak.count,
                day=format_date(peak.day),
            ),
            field="capacity",
        )


def _check_capacity(
    locked_project: Any, start: date, end: date, *, exclude_placement_id: int | None = None
) -> None:
    peak = peak_occupancy(locked_project.id, start, end, exclude_placement_id=exclude_placement_id)
    if peak.count + 1 > locked_project.capacity:
        raise Conflict(
            _(
                "The project is full on %(day)s: %(count)d of %(capacity)d places are taken. "
                "Choose other dates or another project.",
                day=format_date(peak.day),
                count=peak.count,
                capacity=locked_project.capacity,
            ),
            field="start_date",
        )


# --------------------------------------------------------------------------------------------
# Dates and overlap
# --------------------------------------------------------------------------------------------


def _check_dates(locked_project: Any, start: date | None, end: date | None) -> None:
    if start is None:
        raise DomainError(_("Give the first day."), field="start_date")
    if end is None:
        raise DomainError(_("Give the last day."), field="end_date")
    if end < start:
        raise DomainError(_("The last day cannot be before the first day."), field="end_date")
    if start < locked_project.start_date:
        raise DomainError(
            _(
                "The project starts on %(day)s; the placement cannot start before.",
                day=format_date(locked_project.start_date),
            ),
            field="start_date",
        )
    if end > locked_project.end_date:
        raise DomainError(
            _(
                "The project ends on %(day)s; the placement cannot end after.",
                day=format_date(locked_project.end_date),
            ),
            field="end_date",
        )


def _check_overlap(
    volunteer: Volunteer,
    start: date,
    end: date,
    override_reason: str | None,
    *,
    exclude_placement_id: int | None = None,
) -> list[Any]:
    """Return the overlapping placements an override lets through; raise without override."""
    clashes = overlapping_placements(
        volunteer.id, start, end, exclude_placement_id=exclude_placement_id
    )
    if clashes and not override_reason:
        first = clashes[0]
        raise Conflict(
            _(
                "%(name)s is already placed on “%(project)s” from %(start)s to %(end)s, which "
                "overlaps these dates. Change the dates, or give a reason to override.",
                name=volunteer.full_name,
                project=first.title,
                start=format_date(first.start_date),
                end=format_date(first.end_date),
            ),
            field="start_date",
        )
    return clashes


def _check_not_on_project(volunteer: Volunteer, project_id: int, start: date, end: date) -> None:
    """Refuse a second placement of ``volunteer`` on the same project while the first is
    proposed, confirmed or active (its dates are changed instead), or one sharing a day with
    a completed one; no override: one person booked twice on one project counts twice against
    its capacity. A later stint after a completed one is allowed. Matching offers neither
    (:data:`aljisr.placements.matching.Exclusion.ON_PROJECT`)."""
    existing = placement_on_project(volunteer.id, project_id, start, end)
    if existing is not None:
        raise Conflict(
            _(
                "%(name)s is already placed on this project from %(start)s to %(end)s. Change "
                "the dates of that placement instead of adding another one.",
                name=volunteer.full_name,
                start=format_date(existing.start_date),
                end=format_date(existing.end_date),
            ),
            field="volunteer",
        )


def first_open_day(project: Project, today: date) -> date:
    """The first day a new placement on ``project`` can take: today for a project already
    running, else its first day (as the planner and matching offer it)."""
    return today if project.start_date < today <= project.end_date else project.start_date


def _check_rules(
    volunteer: Volunteer,
    project: Project,
    start: date,
    end: date,
    override_reason: str | None,
    *,
    dates_only: bool = False,
) -> list[rules.Broken]:
    """The project's rules (docs/architecture.md §6.24, :mod:`aljisr.placements.rules`) for
    ``volunteer`` on ``project`` from ``start`` to ``end``: minimum stay, languages, minimum
    age on the first day, most of one nationality (``dates_only``: the two that depend on the
    dates). Return the broken ones an override lets through; raise without override.

    A project without a minimum stay sets no length here (only the planner places for the
    whole span, see §6.24); the gender margin is the planner's alone.
    """
    levels = {code: level.rank for code, level in volunteer.language_levels().items()}
    found = [
        rules.stay_broken(project.min_stay_days, start, end, project.start_date,
                          project.end_date, whole_span=False),
        None if dates_only else rules.languages_broken(project.required_languages or (),
                                                       levels),
        rules.age_broken(project.min_age, volunteer.date_of_birth, start),
    ]
    if (not dates_only and project.max_per_nationality is not None
            and volunteer.nationality):
        since = first_open_day(project, association_today())
        found.append(rules.nationality_broken(
            project.max_per_nationality, volunteer.nationality,
            nationality_on_project(project.id, volunteer.nationality, since)))
    broken = [b for b in found if b is not None]
    if broken and not override_reason:
        first = broken[0]
        raise Conflict(
            _("%(rule)s. Choose another volunteer, project or dates, or give a reason to "
              "override.", rule=rules.message(first, volunteer.full_name)),
            field=first.field,
        )
    return broken


def _record_rules_override(actor: Any, placement: Placement, broken: list[rules.Broken],
                           reason: str | None) -> None:
    if broken:
        audit.record(actor, "placement.override_rules", placement, reason=reason,
                     details={"rules": [b.rule for b in broken]})


def _clean_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip()
    return reason or None


def _lock_volunteer(volunteer_id: int) -> Any:
    return db.session.execute(
        sa.select(Volunteer.id, Volunteer.status, Volunteer.archived_at)
        .where(Volunteer.id == volunteer_id)
        .with_for_update()
    ).one()


# --------------------------------------------------------------------------------------------
# Proposing and changing dates
# --------------------------------------------------------------------------------------------


def outside_availability(volunteer: Volunteer, start: date, end: date) -> bool:
    """Whether ``start``..``end`` (inclusive) reaches outside the availability the volunteer
    gave (an open end on either side counts as available). Not a rule that refuses a
    placement: the coordinator may have agreed other dates with the volunteer; views warn."""
    if volunteer.available_from is not None and start < volunteer.available_from:
        return True
    return volunteer.available_to is not None and end > volunteer.available_to


def propose_placement(
    volunteer: Volunteer,
    project: Project,
    start: date | None,
    end: date | None,
    *,
    actor: Any,
    role: str | None = None,
    override_reason: str | None = None,
    notes: str | None = None,
) -> Placement:
    """Create a proposed placement of ``volunteer`` on ``project`` from ``start`` to ``end``
    (both included) and audit it as ``placement.propose``.

    Locks the volunteer and then the project row (see the module docstring), so the overlap and
    capacity checks hold against concurrent proposals.

    :param override_reason: lets an overlap with the volunteer's other live placements through,
        recorded as ``placement.override_overlap``, and a broken rule of the project (minimum
        stay, languages, minimum age, most of one nationality: §6.24), recorded as
        ``placement.override_rules`` with the rules' codes.
    :raises DomainError: ``field`` "volunteer" (archived), "project" (archived or cancelled),
        "start_date"/"end_date" (missing, reversed, outside the project's dates).
    :raises Conflict: ``field="volunteer"`` when the volunteer already has an ongoing placement
        on the project, or a completed one sharing a day (whatever the override);
        ``field="start_date"`` on an overlap without override, or when the project would exceed
        its capacity on some day of the range; without override, a broken rule of the project
        beside its field (:data:`aljisr.placements.rules.FIELDS`).
    """
    override_reason = _clean_reason(override_reason)
    locked_volunteer = _lock_volunteer(volunteer.id)
    if (
        locked_volunteer.archived_at is not None
        or locked_volunteer.status is VolunteerStatus.ARCHIVED
    ):
        raise DomainError(
            _("%(name)s is archived and cannot be placed.", name=volunteer.full_name),
            field="volunteer",
        )
    locked = _lock_project(project.id)
    if locked.archived_at is not None or locked.status is ProjectStatus.CANCELLED:
        raise DomainError(
            _("This project is cancelled or archived and takes no placements."), field="project"
        )
    _check_dates(locked, start, end)
    assert start is not None and end is not None
    _check_not_on_project(volunteer, locked.id, start, end)
    broken = _check_rules(volunteer, project, start, end, override_reason)
    clashes = _check_overlap(volunteer, start, end, override_reason)
    _check_capacity(locked, start, end)

    placement = Placement(
        volunteer=volunteer,
        project=project,
        start_date=start,
        end_date=end,
        role=_clean_reason(role),
        notes=_clean_reason(notes),
        status=PlacementStatus.PROPOSED,
        coordinator_id=getattr(actor, "id", None),
        overlap_override_reason=override_reason if clashes else None,
    )
    db.session.add(placement)
    db.session.flush()
    audit.record(
        actor,
        "placement.propose",
        placement,
        details={
            "volunteer_id": volunteer.id,
            "project_id": project.id,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "role": placement.role,
        },
    )
    if clashes:
        audit.record(
            actor,
            "placement.override_overlap",
            placement,
            reason=override_reason,
            details={"overlapping_placement_ids": [c.id for c in clashes]},
        )
    _record_rules_override(actor, placement, broken, override_reason)
    notifications.placement_changed(placement, "placement.proposed")
    return placement


def change_dates(
    placement: Placement,
    start: date | None,
    end: date | None,
    *,
    actor: Any,
    reason: str | None = None,
    override_reason: str | None = None,
) -> Placement:
    """Move a proposed, confirmed or active placement to ``start``..``end`` (inclusive), with
    the same checks as :func:`propose_placement` (the placement itself excluded; of the
    project's rules, the minimum stay and age, which depend on the dates), and audit it as
    ``placement.change_dates`` with the old and new dates.

    :raises NotAllowed: ``field="start_date"`` when the placement is completed, cancelled or
        withdrawn, or when hours are logged outside the new dates.
    :raises DomainError / Conflict: as :func:`propose_placement`.
    """
    override_reason = _clean_reason(override_reason)
    reason = _clean_reason(reason)
    _lock_volunteer(placement.volunteer_id)
    locked = _lock_project(placement.project_id)
    status = _lock_placement(placement)
    if status not in DATES_CHANGEABLE:
        raise NotAllowed(
            _("The dates of a %(status)s placement cannot change.", status=status.title.lower()),
            field="start_date",
        )
    _check_dates(locked, start, end)
    assert start is not None and end is not None
    if (start, end) == (placement.start_date, placement.end_date):
        return placement
    _check_hours_inside(placement, start, end)
    broken = _check_rules(placement.volunteer, placement.project, start, end, override_reason,
                          dates_only=True)
    clashes = _check_overlap(
        placement.volunteer, start, end, override_reason, exclude_placement_id=placement.id
    )
    _check_capacity(locked, start, end, exclude_placement_id=placement.id)

    old = {
        "start_date": placement.start_date.isoformat(),
        "end_date": placement.end_date.isoformat(),
    }
    placement.start_date, placement.end_date = start, end
    if clashes:
        placement.overlap_override_reason = override_reason
    db.session.flush()
    audit.record(
        actor,
        "placement.change_dates",
        placement,
        reason=reason,
        details={"from": old, "to": {"start_date": start.isoformat(), "end_date": end.isoformat()}},
    )
    if clashes:
        audit.record(
            actor,
            "placement.override_overlap",
            placement,
            reason=override_reason,
            details={"overlapping_placement_ids": [c.id for c in clashes]},
        )
    _record_rules_override(actor, placement, broken, override_reason)
    notifications.placement_changed(
        placement, "placement.dates_changed",
        old=(date.fromisoformat(old["start_date"]), date.fromisoformat(old["end_date"])),
    )
    return placement


def _check_hours_inside(placement: Placement, start: date, end: date) -> None:
    from aljisr.hours.models import HoursEntry

    outside = db.session.scalar(
        sa.select(sa.func.count(HoursEntry.id)).where(
            HoursEntry.placement_id == placement.id,
            sa.or_(HoursEntry.work_date < start, HoursEntry.work_date > end),
        )
    )
    if outside:
        raise NotAllowed(
            _(
                "%(count)d hours entries fall outside these dates; the placement must keep "
                "every day on which hours were logged.",
                count=outside,
            ),
            field="start_date",
        )


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------


def _lock_placement(placement: Placement) -> PlacementStatus:
    """Lock the placement row and return its committed status (a concurrent change wins once)."""
    status = db.session.scalar(
        sa.select(Placement.status).where(Placement.id == placement.id).with_for_update()
    )
    if status is None:  # pragma: no cover - deleted meanwhile; placements are never deleted
        raise NotAllowed(_("This placement no longer exists."), field="status")
    return status


def allowed_transitions(placement: Placement) -> list[PlacementStatus]:
    """The statuses ``placement`` may move to next, in the order of :class:`PlacementStatus`."""
    allowed = TRANSITIONS[placement.status]
    return [s for s in PlacementStatus if s in allowed]


def transition(
    placement: Placement,
    new_status: PlacementStatus,
    *,
    actor: Any,
    reason: str | None = None,
    today: date | None = None,
) -> Placement:
    """Move ``placement`` to ``new_status`` along :data:`TRANSITIONS` and audit it as
    ``placement.<verb>`` (confirm, start, complete, cancel, withdraw) with who, when and why.

    Confirming, cancelling and withdrawing tell the people concerned
    (:data:`NOTIFIED_TRANSITIONS`, :func:`aljisr.notifications.services.placement_changed`).
    Starting happens on or after the first day. Completing before the booked last day makes
    ``today`` the last day (the old one is in the audit details), so certificates, reports and
    capacity tell what really happened.

    :param today: the association's date (default :func:`aljisr.dates.association_today`).
    :raises NotAllowed: ``field="status"`` for a move off the allowed path (e.g. completed ->
        active, proposed -> completed, cancelled -> confirmed) or a start before the first day;
        ``field="reason"`` when cancelling or withdrawing without a reason.
    """
    today = today or association_today()
    new_status = PlacementStatus(new_status)
    reason = _clean_reason(reason)
    current = _lock_placement(placement)
    if current is not placement.status:
        db.session.refresh(placement)
    if new_status not in TRANSITIONS[current]:
        raise NotAllowed(
            _(
                "A %(current)s placement cannot become %(new)s.",
                current=current.title.lower(),
                new=new_status.title.lower(),
            ),
            field="status",
        )
    if new_status in REASON_REQUIRED and not reason:
        raise NotAllowed(
            _("Say why the placement is %(new)s.", new=new_status.title.lower()), field="reason"
        )
    if new_status is PlacementStatus.ACTIVE and today < placement.start_date:
        raise NotAllowed(
            _(
                "This placement starts on %(day)s: start it on that day or later, or change "
                "its dates first.",
                day=format_date(placement.start_date),
            ),
            field="status",
        )
    details: dict[str, Any] = {"from": current.value, "to": new_status.value}
    if new_status is PlacementStatus.COMPLETED and today < placement.end_date:
        details["end_date"] = [placement.end_date.isoformat(), today.isoformat()]
        placement.end_date = max(today, placement.start_date)
    placement.status = new_status
    placement.status_reason = reason
    db.session.flush()
    audit.record(
        actor,
        f"placement.{TRANSITION_VERBS[new_status]}",
        placement,
        reason=reason,
        details=details,
    )
    if new_status in NOTIFIED_TRANSITIONS:
        notifications.placement_changed(placement, NOTIFIED_TRANSITIONS[new_status])
    return placement


def confirm_placement(placement: Placement, *, actor: Any, reason: str | None = None) -> Placement:
    """proposed -> confirmed (see :func:`transition`)."""
    return transition(placement, PlacementStatus.CONFIRMED, actor=actor, reason=reason)


def start_placement(placement: Placement, *, actor: Any, reason: str | None = None) -> Placement:
    """confirmed -> active (see :func:`transition`)."""
    return transition(placement, PlacementStatus.ACTIVE, actor=actor, reason=reason)


def complete_placement(placement: Placement, *, actor: Any, reason: str | None = None) -> Placement:
    """active -> completed (see :func:`transition`)."""
    return transition(placement, PlacementStatus.COMPLETED, actor=actor, reason=reason)


def cancel_placement(placement: Placement, *, actor: Any, reason: str | None = None) -> Placement:
    """proposed/confirmed -> cancelled; a reason is required (see :func:`transition`)."""
    return transition(placement, PlacementStatus.CANCELLED, actor=actor, reason=reason)


def withdraw_placement(placement: Placement, *, actor: Any, reason: str | None = None) -> Placement:
    """confirmed/active -> withdrawn; a reason is required (see :func:`transition`)."""
    return transition(placement, PlacementStatus.WITHDRAWN, actor=actor, reason=reason)


def rebuild_project_bookings() -> int:
    """Recompute ``project_bookings`` from the live placements (the triggers keep it up to date;
    this repairs it after a bulk load with triggers off or a migration that lost them).

    :returns: the number of (project, day) rows written.
    """
    spans = db.session.execute(
        sa.select(Placement.project_id, Placement.start_date, Placement.end_date)
        .where(Placement.status.in_(LIVE_STATUSES))
    ).all()
    booked: Counter[tuple[int, date]] = Counter()
    for project_id, start, end in spans:
        for offset in range((end - start).days + 1):
            booked[project_id, start + timedelta(days=offset)] += 1
    db.session.execute(sa.delete(ProjectBooking))
    rows = [{"project_id": project_id, "day": day, "placements": n}
            for (project_id, day), n in sorted(booked.items())]
    for first in range(0, len(rows), 10_000):
        db.session.execute(sa.insert(ProjectBooking), rows[first:first + 10_000])
    db.session.flush()
    return len(rows)


__all__ = [
    "DATES_CHANGEABLE",
    "REASON_REQUIRED",
    "TRANSITION_VERBS",
    "allowed_transitions",
    "cancel_placement",
    "change_dates",
    "check_capacity_change",
    "complete_placement",
    "confirm_placement",
    "propose_placement",
    "rebuild_project_bookings",
    "start_placement",
    "transition",
    "withdraw_placement",
]
