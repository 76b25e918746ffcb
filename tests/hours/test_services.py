"""Hours rules (docs/architecture.md §2.5): limits, review, approved totals, the daily limit under
concurrency. Run on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.database import write_intent
from aljisr.dates import association_today
from aljisr.errors import DomainError, NotAllowed
from aljisr.hours import queries, services
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from tests.support import factories

TODAY = date(2026, 10, 15)
START, END = date(2026, 9, 1), date(2026, 10, 31)


@pytest.fixture
def staff(db):
    return factories.user(Role.COORDINATOR)


@pytest.fixture
def placement(db):
    return factories.placement(start_date=START, end_date=END)


def log(placement, day=date(2026, 10, 1), amount="4", activity="Painting", actor=None, **kw):
    return services.log_hours(placement, day, amount, activity, actor=actor, today=TODAY, **kw)


def volunteer_actor(placement):
    user = factories.user(Role.VOLUNTEER)
    placement.volunteer.user = user
    factories.db.session.flush()
    return user


# --- logging ------------------------------------------------------------------------------------


def test_staff_entries_are_approved_volunteer_entries_submitted(db, staff, placement):
    entry = log(placement, actor=staff)
    assert entry.status is HoursStatus.APPROVED
    assert entry.reviewed_by_id == staff.id and entry.reviewed_at is not None
    own = log(placement, day=date(2026, 10, 2), actor=volunteer_actor(placement))
    assert own.status is HoursStatus.SUBMITTED and own.reviewed_at is None
    assert own.volunteer_id == placement.volunteer_id
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["hours.log", "hours.log"]


@pytest.mark.parametrize(
    ("amount", "stored"),
    [("0.25", "0.25"), ("24", "24.00"), ("7,5", "7.50"), (Decimal("3.1"), "3.10"), (8, "8.00")],
)
def test_valid_amounts(db, staff, placement, amount, stored):
    assert log(placement, amount=amount, actor=staff).hours == Decimal(stored)


@pytest.mark.parametrize("amount", ["0", "-1", "-0.5", "24.01", "25", "1.005", "abc", "", "NaN",
                                    "Infinity", None, "1e1", "+3", "3.5.1", "½"])
def test_invalid_amounts_are_refused_beside_hours(db, staff, placement, amount):
    with pytest.raises(DomainError) as caught:
        log(placement, amount=amount, actor=staff)
    assert caught.value.field == "hours"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HoursEntry)) == 0


@pytest.mark.parametrize(
    "day", [START - timedelta(days=1), END + timedelta(days=1), TODAY + timedelta(days=1)]
)
def test_dates_outside_the_placement_or_in_the_future_are_refused(db, staff, day):
    p = factories.placement(start_date=START, end_date=END)
    with pytest.raises(DomainError) as caught:
        log(p, day=day, actor=staff)
    assert caught.value.field == "work_date"


def test_first_last_and_today_are_accepted(db, staff):
    p = factories.placement(start_date=START, end_date=TODAY)
    for day in (START, TODAY):
        assert log(p, day=day, actor=staff).work_date == day


def test_default_today_is_the_association_date(db, staff):
    p = factories.placement(start_date=date(2020, 1, 1), end_date=date(2099, 12, 31))
    tomorrow = association_today() + timedelta(days=1)
    with pytest.raises(DomainError):
        services.log_hours(p, tomorrow, "2", "Work", actor=staff)
    assert services.log_hours(p, association_today(), "2", "Work", actor=staff).id


@pytest.mark.parametrize("activity", ["", "   ", None, "x" * 501])
def test_activity_is_required_and_bounded(db, staff, placement, activity):
    with pytest.raises(DomainError) as caught:
        log(placement, activity=activity, actor=staff)
    assert caught.value.field == "activity"


@pytest.mark.parametrize(
    "status",
    [PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED, PlacementStatus.CANCELLED,
     PlacementStatus.WITHDRAWN],
)
def test_only_active_or_completed_placements_take_hours(db, staff, status):
    p = factories.placement(start_date=START, end_date=END, status=status)
    with pytest.raises(NotAllowed):
        log(p, actor=staff)


def test_completed_placement_takes_hours(db, staff):
    p = factories.placement(start_date=START, end_date=END, status=PlacementStatus.COMPLETED)
    assert log(p, actor=staff).status is HoursStatus.APPROVED


def test_volunteer_cannot_log_for_someone_else_and_partners_cannot_log(db, placement):
    other = factories.placement(start_date=START, end_date=END)
    user = volunteer_actor(other)
    with pytest.raises(NotAllowed):
        log(placement, actor=user)
    with pytest.raises(NotAllowed):
        log(placement, actor=factories.user_for_role("host"))


def test_daily_limit_is_across_entries_and_placements(db, staff, placement):
    volunteer = placement.volunteer
    second = factories.placement(volunteer, start_date=START, end_date=END)
    log(placement, amount="10", actor=staff)
    log(second, amount="10", actor=volunteer_actor(placement))  # submitted counts too
    with pytest.raises(DomainError) as caught:
        log(second, amount="4.01", actor=staff)
    assert caught.value.field == "hours"
    assert "4" in caught.value.message  # says how much is left
    assert log(second, amount="4", actor=staff).hours == Decimal("4.00")
    # another date, and another volunteer on the same date, are unaffected
    assert log(placement, day=date(2026, 10, 2), amount="24", actor=staff).id
    assert log(factories.placement(start_date=START, end_date=END), amount="24", actor=staff).id


def test_refusals_write_numbers_and_dates_as_the_reader_does(app, db, staff, placement):
    """In French: "15,75 heures ... au plus 8,25", and the placement's dates in words."""
    from aljisr.i18n import force_locale

    log(placement, amount="15.75", actor=staff)
    with app.test_request_context(), force_locale("fr"):
        with pytest.raises(DomainError) as caught:
            log(placement, amount="9", actor=staff)
        assert "15,75" in caught.value.message and "8,25" in caught.value.message
        with pytest.raises(DomainError) as caught:
            log(placement, day=START - timedelta(days=1), amount="2", actor=staff)
        assert "2026" in caught.value.message
        assert START.isoformat() not in caught.value.message


def test_rejected_entries_do_not_count_towards_the_daily_limit(db, staff, placement):
    entry = log(placement, amount="20", actor=volunteer_actor(placement))
    services.reject_hours(entry, "Wrong day", actor=staff)
    assert log(placement, amount="24", actor=staff).hours == Decimal("24.00")


# --- review -------------------------------------------------------------------------------------


def test_approve_and_reject_are_audited(db, staff, placement):
    vol = volunteer_actor(placement)
    a = log(placement, day=date(2026, 10, 1), actor=vol)
    b = log(placement, day=date(2026, 10, 2), actor=vol)
    services.approve_hours(a, actor=staff)
    services.reject_hours(b, "  Not a working day ", actor=staff)
    assert a.status is HoursStatus.APPROVED and a.reviewed_by_id == staff.id
    assert b.status is HoursStatus.REJECTED and b.rejection_reason == "Not a working day"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "hours.reject"))
    assert event.reason == "Not a working day" and event.subject_id == b.id
    assert event.actor_id == staff.id
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "hours.approve")
    ) == 1


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_rejection_needs_a_reason(db, staff, placement, reason):
    entry = log(placement, actor=volunteer_actor(placement))
    with pytest.raises(DomainError) as caught:
        services.reject_hours(entry, reason, actor=staff)
    assert caught.value.field == "reason"
    assert entry.status is HoursStatus.SUBMITTED


def test_reviewed_entries_cannot_be_reviewed_again(db, staff, placement):
    entry = log(placement, actor=staff)  # approved at once
    with pytest.raises(NotAllowed):
        services.approve_hours(entry, actor=staff)
    with pytest.raises(NotAllowed):
        services.reject_hours(entry, "late", actor=staff)


def test_approval_rechecks_the_daily_limit(db, staff, placement):
    # Two submitted entries of 14 h on one day (e.g. imported before the rule) can't both pass.
    first = factories.hours(placement, date(2026, 10, 1), "14", HoursStatus.SUBMITTED)
    second = factories.hours(placement, date(2026, 10, 1), "14", HoursStatus.SUBMITTED)
    services.approve_hours(first, actor=staff)
    with pytest.raises(DomainError):
        services.approve_hours(second, actor=staff)
    assert second.status is HoursStatus.SUBMITTED


def test_approval_rechecks_the_placement_dates(db, staff, placement):
    entry = log(placement, day=date(2026, 10, 10), actor=volunteer_actor(placement))
    placement.end_date = date(2026, 10, 5)  # shortened since (e.g. withdrawn early)
    db.session.flush()
    with pytest.raises(DomainError):
        services.approve_hours(entry, actor=staff)


def test_bulk_review_reports_each_refusal_and_does_the_rest(db, staff, placement):
    vol = volunteer_actor(placement)
    ok = [log(placement, day=date(2026, 10, d), actor=vol) for d in (1, 2)]
    done_already = log(placement, day=date(2026, 10, 3), actor=staff)
    over_a = factories.hours(placement, date(2026, 10, 4), "20", HoursStatus.SUBMITTED)
    over_b = factories.hours(placement, date(2026, 10, 4), "20", HoursStatus.SUBMITTED)
    result = services.bulk_review([*ok, done_already, over_a, over_b], "approve", actor=staff)
    assert {e.id for e in result.done} == {ok[0].id, ok[1].id, over_a.id}
    assert set(result.errors) == {done_already.id, over_b.id}
    assert all(e.status is HoursStatus.APPROVED for e in ok)


def test_bulk_reject_needs_a_reason_and_a_selection(db, staff, placement):
    entry = log(placement, actor=volunteer_actor(placement))
    with pytest.raises(DomainError) as caught:
        services.bulk_review([entry], "reject", actor=staff)
    assert caught.value.field == "reason"
    with pytest.raises(DomainError) as caught:
        services.bulk_review([], "approve", actor=staff)
    assert caught.value.field == "entries"
    with pytest.raises(DomainError):
        services.bulk_review([entry], "delete", actor=staff)
    result = services.bulk_review([entry], "reject", actor=staff, reason="Duplicate")
    assert entry.status is HoursStatus.REJECTED and not result.errors


# --- totals -------------------------------------------------------------------------------------


def test_totals_count_approved_hours_only_each_entry_once(db, staff):
    volunteer = factories.volunteer()
    project = factories.project(start_date=START, end_date=END)
    other_project = factories.project(start_date=START, end_date=END)
    p1 = factories.placement(volunteer, project, start_date=START, end_date=END)
    p2 = factories.placement(volunteer, other_project, start_date=START, end_date=END)
    p3 = factories.placement(None, project, start_date=START, end_date=END)
    factories.hours(p1, date(2026, 9, 1), "3.5")
    factories.hours(p1, date(2026, 9, 2), "2.25")
    factories.hours(p1, date(2026, 9, 3), "8", HoursStatus.SUBMITTED)
    factories.hours(p1, date(2026, 9, 4), "8", HoursStatus.REJECTED)
    factories.hours(p2, date(2026, 10, 1), "1")
    factories.hours(p3, date(2026, 9, 1), "6")
    factories.hours(p3, date(2026, 9, 2), "5", HoursStatus.SUBMITTED)
    empty = factories.placement(start_date=START, end_date=END)

    assert queries.placement_total(p1) == Decimal("5.75")
    assert queries.placement_total(empty) == Decimal("0")
    assert queries.volunteer_total(volunteer) == Decimal("6.75")
    assert queries.project_total(project) == Decimal("11.75")
    assert queries.project_total(other_project) == Decimal("1")
    assert queries.approved_totals_by_placement([p1.id, p2.id, p3.id, empty.id]) == {
        p1.id: Decimal("5.75"), p2.id: Decimal("1"), p3.id: Decimal("6"), empty.id: 0,
    }
    assert queries.approved_totals_by_project([]) == {}


# --- concurrency --------------------------------------------------------------------------------


def test_two_entries_for_one_day_at_once_never_exceed_24_hours(app, db, staff):
    """The first writer holds the volunteer's lock (PostgreSQL) or the database write lock
    (SQLite ``BEGIN IMMEDIATE``) until it commits; the second then sees its 14 hours and is
    refused. Without the lock the second would read 0 hours and both would be saved."""
    volunteer = factories.volunteer()
    p1 = factories.placement(volunteer, start_date=START, end_date=END)
    p2 = factories.placement(volunteer, start_date=START, end_date=END)
    staff_id, ids = staff.id, (p1.id, p2.id)
    db.session.commit()
    first_flushed, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def writer(name: str, placement_id: int, hold: bool) -> None:
        from aljisr.auth.models import User
        from aljisr.placements.models import Placement

        with app.app_context(), write_intent():
            try:
                actor = db.session.get(User, staff_id)
                placement = db.session.get(Placement, placement_id)
                log(placement, amount="14", actor=actor)
                if hold:
                    first_flushed.set()
                    release.wait(10)
                db.session.commit()
                outcome[name] = "saved"
            except DomainError:
                db.session.rollback()
                outcome[name] = "refused"
            finally:
                first_flushed.set()
                db.session.remove()

    first = threading.Thread(target=writer, args=("first", ids[0], True))
    first.start()
    assert first_flushed.wait(10)
    second = threading.Thread(target=writer, args=("second", ids[1], False))
    second.start()
    time.sleep(0.5)  # let the second writer reach the lock (it must wait there)
    release.set()
    first.join(20)
    second.join(20)
    assert outcome == {"first": "saved", "second": "refused"}
    total = db.session.scalar(sa.select(sa.func.sum(HoursEntry.hours)))
    assert Decimal(str(total)) == Decimal("14")


@pytest.mark.parametrize(("typed", "hours"), [
    ("3.5", "3.50"), ("3,5", "3.50"), ("٣٫٥", "3.50"), ("٢", "2.00"), (" ١٠٫٢٥ ", "10.25"),
])
def test_hours_typed_on_any_keyboard_are_read(typed, hours):
    assert services.parse_hours(typed) == Decimal(hours)
