"""Hours: logging and review (docs/architecture.md §2.5); the totals are read by
:mod:`aljisr.hours.queries`.

Rules enforced here, for every caller (coordinator pages, the volunteer portal, imports):

- an entry has ``0 < hours <= 24`` with at most two decimals;
- its date lies within the placement's inclusive date range and is not after today (the
  association's local date, ``TIMEZONE`` setting);
- one volunteer logs at most 24 hours per date across all entries that are not rejected
  (checked again when an entry is approved);
- only active or completed placements take hours;
- entries go submitted -> approved | rejected (a rejection needs a reason); entries logged by
  staff are approved at once;
- totals count approved hours only, each entry once, summed in SQL.

The daily limit holds under concurrency: the check and the write happen after locking the
volunteer's row (``SELECT ... FOR UPDATE`` on PostgreSQL). On SQLite, write requests run under
``BEGIN IMMEDIATE`` (see :mod:`aljisr.database`), which serialises writers; callers outside a
request should wrap the work in :func:`aljisr.database.write_intent`.

Services flush but never commit, and raise :class:`~aljisr.errors.DomainError` (with the form
field the message belongs beside) or :class:`~aljisr.errors.NotAllowed`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from aljisr import audit, dates
from aljisr.database import utcnow
from aljisr.errors import Conflict, DomainError, NotAllowed, UnstorableText
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursMonthTotal, HoursStatus
from aljisr.hours.queries import day_total
from aljisr.i18n import _, format_date, format_decimal
from aljisr.notifications import services as notifications
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.text import clean_text, unstorable
from aljisr.volunteers.models import Volunteer

#: Most hours in one entry, and in one day for one volunteer across entries.
MAX_HOURS_PER_DAY = Decimal(24)
#: Longest activity description (the column is VARCHAR(500)).
ACTIVITY_MAX_LENGTH = 500
#: Placements that take hours.
LOGGABLE_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)
_CENT = Decimal("0.01")


# --- validation -------------------------------------------------------------------------------


def parse_hours(value: Any) -> Decimal:
    """Return ``value`` (Decimal, int, str such as ``"3.5"``, ``"3,5"`` or, typed on an Arabic
    keyboard, ``"٣٫٥"``: Arabic-Indic digits and the Arabic decimal separator U+066B) as a
    Decimal.

    :raises DomainError: (field ``"hours"``) unless ``0 < value <= 24`` with at most 2 decimals.
    """
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace(",", ".").replace("\u066b", ".")
        # plain decimals only (no "1e1", "+3", "NaN" or "½"); a minus sign is let through so
        # that "-2" gets the clearer "more than zero" below
        if not re.fullmatch(r"-?\d+(\.\d+)?", value):
            raise DomainError(_("Enter the hours as a number, for example 3.5."), "hours")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the hours as a number, for example 3.5."), "hours") from None
    if not amount.is_finite():
        raise DomainError(_("Enter the hours as a number, for example 3.5."), "hours")
    if amount <= 0:
        raise DomainError(_("Hours must be more than zero."), "hours")
    if amount > MAX_HOURS_PER_DAY:
        raise DomainError(_("An entry cannot exceed 24 hours."), "hours")
    if amount != amount.quantize(_CENT):
        raise DomainError(_("Use at most two decimals (for example 2.25)."), "hours")
    return amount.quantize(_CENT)


def _clean_activity(activity: str | None) -> str:
    text = clean_text(activity)
    if not text:
        raise DomainError(_("Describe the activity in a few words."), "activity")
    if len(text) > ACTIVITY_MAX_LENGTH:
        raise DomainError(
            _("Keep the description under %(n)d characters.", n=ACTIVITY_MAX_LENGTH), "activity"
        )
    return text


def _check_date(placement: Placement, work_date: date, today: date) -> None:
    if not isinstance(work_date, date) or isinstance(work_date, datetime):
        raise DomainError(_("Enter a date."), "work_date")
    if work_date > today:
        raise DomainError(_("Hours cannot be logged for a future date."), "work_date")
    if not placement.start_date <= work_date <= placement.end_date:
        raise DomainError(
            _(
                "The date must be within the placement (%(start)s to %(end)s).",
                start=format_date(placement.start_date),
                end=format_date(placement.end_date),
            ),
            "work_date",
        )


def _check_actor(actor: Any, placement: Placement) -> None:
    """Staff log for anyone, a volunteer only for their own placements, partners never."""
    if actor is None or getattr(actor, "is_staff", False):
        return
    if getattr(actor, "role", None) is Role.VOLUNTEER:
        own = actor.volunteer
        if own is not None and own.id == placement.volunteer_id:
            return
    raise NotAllowed(_("You cannot log hours for this placement."))


def _lock_volunteer(volunteer_id: int) -> None:
    """Serialise hours writes of one volunteer (row lock; a no-op clause on SQLite)."""
    db.session.execute(
        sa.select(Volunteer.id).where(Volunteer.id == volunteer_id).with_for_update()
    )


def _check_day_limit(already: Decimal, amount: Decimal, field_name: str | None) -> None:
    if already + amount > MAX_HOURS_PER_DAY:
        left = max(MAX_HOURS_PER_DAY - already, Decimal(0))
        raise DomainError(
            _(
                "At most 24 hours per day: %(logged)s hours are already logged for this date, "
                "so at most %(left)s more.",
                logged=_fmt(already),
                left=_fmt(left),
            ),
            field_name,
        )


def _fmt(amount: Decimal) -> str:
    """Hours as the reader writes numbers: "8.25" in English, "8,25" in French."""
    return format_decimal(amount.normalize(), "#,##0.##")


class DuplicateHours(Conflict):
    """The same hours (placement, date and amount) are already logged: maybe a second
    submission by mistake. The caller asks the user and calls again with ``duplicate_ok``."""


#: The form field of the "log them anyway" confirmation beside which :class:`DuplicateHours`
#: stands.
CONFIRM_DUPLICATE_FIELD = "log_anyway"


def _check_duplicate(placement: Placement, work_date: date, amount: Decimal) -> None:
    """Refuse, as :class:`DuplicateHours`, hours equal to an entry of the same placement and
    date that is not rejected."""
    same = db.session.scalar(
        sa.select(sa.func.count(HoursEntry.id)).where(
            HoursEntry.placement_id == placement.id,
            HoursEntry.work_date == work_date,
            HoursEntry.hours == amount,
            HoursEntry.status != HoursStatus.REJECTED,
        )
    )
    if same:
        raise DuplicateHours(
            _(
                "%(hours)s hours on %(day)s are already logged for this placement. Log them "
                "again only if these are other hours (tick the box), or cancel.",
                hours=_fmt(amount),
                day=format_date(work_date),
            ),
            CONFIRM_DUPLICATE_FIELD,
        )


# --- logging and review -----------------------------------------------------------------------


def log_hours(
    placement: Placement,
    work_date: date,
    hours: Any,
    activity: str | None,
    *,
    actor: Any,
    today: date | None = None,
    duplicate_ok: bool = False,
) -> HoursEntry:
    """Log ``hours`` given on ``work_date`` for ``placement``.

    Entries logged by staff (coordinator, admin) are approved at once; others (the volunteer,
    from the portal) are submitted for review.

    :param hours: Decimal, int or string; at most two decimals, ``0 < hours <= 24``.
    :param today: the current date (defaults to :func:`aljisr.dates.association_today`).
    :param duplicate_ok: the user confirmed that these are other hours than an equal entry
        (same placement, date and amount, not rejected) already logged.
    :raises DuplicateHours: (field :data:`CONFIRM_DUPLICATE_FIELD`) when such an equal entry
        exists and ``duplicate_ok`` is false.
    :raises DomainError: field ``"work_date"`` (future, or outside the placement's dates),
        ``"hours"`` (format, range, or over 24 h that day for the volunteer across entries
        that are not rejected), ``"activity"`` (empty or too long).
    :raises NotAllowed: (no field) when the placement is not active or completed, or the actor
        may not log for it (a volunteer for someone else's placement, a partner user).
    """
    today = today or dates.association_today()
    _check_actor(actor, placement)
    if placement.status not in LOGGABLE_STATUSES:
        raise NotAllowed(
            _("Hours can be logged only for an active or completed placement "
              "(this one is %(status)s).", status=placement.status.title)
        )
    _check_date(placement, work_date, today)
    amount = parse_hours(hours)
    text = _clean_activity(activity)

    _lock_volunteer(placement.volunteer_id)
    if not duplicate_ok:
        _check_duplicate(placement, work_date, amount)
    _check_day_limit(day_total(placement.volunteer_id, work_date), amount, "hours")

    staff = bool(getattr(actor, "is_staff", False))
    entry = HoursEntry(
        placement=placement,
        volunteer_id=placement.volunteer_id,
        work_date=work_date,
        hours=amount,
        activity=text,
        status=HoursStatus.APPROVED if staff else HoursStatus.SUBMITTED,
        submitted_by_id=getattr(actor, "id", None),
    )
    if staff:
        entry.reviewed_by_id = actor.id
        entry.reviewed_at = utcnow()
    db.session.add(entry)
    db.session.flush()
    audit.record(
        actor,
        "hours.log",
        entry,
        details={
            "placement_id": placement.id,
            "work_date": work_date.isoformat(),
            "hours": str(amount),
            "status": entry.status.value,
        },
    )
    return entry


def _require_submitted(entry: HoursEntry) -> None:
    if entry.status is not HoursStatus.SUBMITTED:
        raise NotAllowed(
            _("This entry was already reviewed (%(status)s).", status=entry.status.title)
        )


def approve_hours(entry: HoursEntry, *, actor: Any, today: date | None = None) -> HoursEntry:
    """Approve a submitted entry, checking the rules again (the placement's dates may have
    changed, and other entries of that day may have been approved since).

    :raises NotAllowed: when the entry is not submitted.
    :raises DomainError: (no field) when the date is now outside the placement or in the
        future, or approving would put the volunteer's approved hours that day over 24.
    """
    _require_submitted(entry)
    today = today or dates.association_today()
    placement = entry.placement
    try:
        _check_date(placement, entry.work_date, today)
    except DomainError as error:
        raise DomainError(error.message) from None
    _lock_volunteer(entry.volunteer_id)
    db.session.refresh(entry, ["status"])  # a concurrent review may have won the lock first
    _require_submitted(entry)
    _check_day_limit(
        day_total(entry.volunteer_id, entry.work_date, (HoursStatus.APPROVED,), entry.id),
        entry.hours,
        None,
    )
    entry.status = HoursStatus.APPROVED
    entry.reviewed_by_id = getattr(actor, "id", None)
    entry.reviewed_at = utcnow()
    entry.rejection_reason = None
    db.session.flush()
    audit.record(actor, "hours.approve", entry, details={"hours": str(entry.hours)})
    return entry


def reject_hours(entry: HoursEntry, reason: str | None, *, actor: Any) -> HoursEntry:
    """Reject a submitted entry with a reason shown to the volunteer.

    :raises DomainError: (field ``"reason"``) when the reason is empty.
    :raises UnstorableText: (field ``"reason"``) when it holds a NUL or a lone surrogate.
    :raises NotAllowed: when the entry is not submitted.
    """
    if unstorable(reason):
        raise UnstorableText("reason")
    text = clean_text(reason)
    if not text:
        raise DomainError(_("Give a reason for the rejection."), "reason")
    _require_submitted(entry)
    entry.status = HoursStatus.REJECTED
    entry.rejection_reason = text
    entry.reviewed_by_id = getattr(actor, "id", None)
    entry.reviewed_at = utcnow()
    db.session.flush()
    audit.record(actor, "hours.reject", entry, reason=text, details={"hours": str(entry.hours)})
    notifications.hours_reviewed(entry, "hours.rejected")
    return entry


def withdraw_hours(entry: HoursEntry, *, actor: Any) -> None:
    """Delete an entry logged by mistake, while it still waits for review (a reviewed entry is
    part of the record and stays). The deleted values are kept in the audit log.

    :raises NotAllowed: when the entry was already approved or rejected.
    """
    _require_submitted(entry)
    details = {"placement_id": entry.placement_id, "work_date": entry.work_date.isoformat(),
               "hours": str(entry.hours), "activity": entry.activity}
    audit.record(actor, "hours.withdraw", entry, details=details)
    db.session.delete(entry)
    db.session.flush()


REVIEW_ACTIONS = ("approve", "reject")


@dataclass
class BulkResult:
    """What :func:`bulk_review` did: entries changed, and a message per entry id refused."""

    done: list[HoursEntry] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)


def bulk_review(
    entries: Iterable[HoursEntry],
    action: str,
    *,
    actor: Any,
    reason: str | None = None,
    today: date | None = None,
) -> BulkResult:
    """Approve or reject several entries; each is checked on its own, so one refusal does not
    stop the others (its message is returned under its id). An entry its host has queried is
    never approved in bulk: the coordinator reads the query and reviews it on its own.

    :param action: ``"approve"`` or ``"reject"`` (the latter needs ``reason``, shared by all).
    :raises DomainError: field ``"action"`` for an unknown action, ``"reason"`` for a rejection
        without reason, ``"entries"`` when nothing is selected.
    """
    if action not in REVIEW_ACTIONS:
        raise DomainError(_("Choose approve or reject."), "action")
    entries = list(entries)
    if not entries:
        raise DomainError(_("Select at least one entry."), "entries")
    if action == "reject" and not clean_text(reason):
        raise DomainError(_("Give a reason for the rejection."), "reason")
    result = BulkResult()
    today = today or dates.association_today()
    # Approve in a stable order so the 24-hour check sees earlier approvals of the batch.
    for entry in sorted(entries, key=lambda e: (e.work_date, e.id)):
        if action == "approve" and entry.host_query and entry.status is HoursStatus.SUBMITTED:
            result.errors[entry.id] = _("The host queried these hours: read the query, then "
                                        "approve or reject this entry on its own.")
            continue
        try:
            if action == "approve":
                approve_hours(entry, actor=actor, today=today)
            else:
                reject_hours(entry, reason, actor=actor)
        except DomainError as error:
            result.errors[entry.id] = error.message
        else:
            result.done.append(entry)
    return result


# --- repair -----------------------------------------------------------------------------------


def rebuild_month_totals() -> int:
    """Recompute ``hours_month_totals`` from the approved entries (the triggers keep it up to
    date; this repairs it after a manual change or a migration that lost the triggers).

    :returns: the number of months written.
    """
    rows = db.session.execute(
        sa.select(HoursEntry.work_date, sa.func.sum(HoursEntry.hours))
        .where(HoursEntry.status == HoursStatus.APPROVED)
        .group_by(HoursEntry.work_date)
    ).all()
    months: dict[date, int] = {}
    for day, total in rows:
        key = day.replace(day=1)
        months[key] = months.get(key, 0) + int(Decimal(str(total)) * 100)
    db.session.execute(sa.delete(HoursMonthTotal))
    if months:
        db.session.execute(
            sa.insert(HoursMonthTotal),
            [{"month": month, "centihours": cents} for month, cents in sorted(months.items())],
        )
    db.session.flush()
    return len(months)


__all__ = [
    "MAX_HOURS_PER_DAY",
    "BulkResult",
    "approve_hours",
    "bulk_review",
    "log_hours",
    "DuplicateHours",
    "CONFIRM_DUPLICATE_FIELD",
    "parse_hours",
    "rebuild_month_totals",
    "reject_hours",
]
