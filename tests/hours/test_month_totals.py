"""The approved-hours-per-month summary: database triggers keep it equal to the entries,
whoever writes them (services, direct inserts, updates, deletes). SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from aljisr.hours import services
from aljisr.hours.models import HoursEntry, HoursMonthTotal, HoursStatus
from aljisr.permissions import Role
from tests.support import factories
from tests.support.sql import trigger_names

START, END = date(2026, 1, 1), date(2026, 12, 31)


def _totals(db) -> dict[date, Decimal]:
    db.session.flush()
    rows = db.session.execute(sa.select(HoursMonthTotal.month, HoursMonthTotal.centihours)).all()
    return {month: Decimal(c) / 100 for month, c in rows if c}


def _expected(db) -> dict[date, Decimal]:
    entries = db.session.scalars(
        sa.select(HoursEntry).where(HoursEntry.status == HoursStatus.APPROVED)
    ).all()
    result: dict[date, Decimal] = {}
    for e in entries:
        key = e.work_date.replace(day=1)
        result[key] = result.get(key, Decimal(0)) + e.hours
    return {k: v for k, v in result.items() if v}


@pytest.fixture
def placement(db):
    return factories.placement(start_date=START, end_date=END)


def test_the_triggers_exist(db, is_postgres):
    expected = ({"hours_month_totals_change"} if is_postgres else
                {f"hours_month_totals_{when}" for when in ("insert", "update", "delete")})
    assert expected <= trigger_names(db.engine, "hours_entries")


def test_only_approved_hours_are_counted(db, placement):
    factories.hours(placement, date(2026, 3, 2), "3.25")
    factories.hours(placement, date(2026, 3, 31), "4.5")
    factories.hours(placement, date(2026, 4, 1), "2")
    factories.hours(placement, date(2026, 3, 3), "8", HoursStatus.SUBMITTED)
    factories.hours(placement, date(2026, 3, 4), "7", HoursStatus.REJECTED)
    assert _totals(db) == {date(2026, 3, 1): Decimal("7.75"), date(2026, 4, 1): Decimal("2")}


def test_review_through_the_services_moves_the_totals(db, placement):
    staff = factories.user(Role.COORDINATOR)
    volunteer_user = factories.user(Role.VOLUNTEER)
    placement.volunteer.user = volunteer_user
    today = date(2026, 6, 30)
    a = services.log_hours(placement, date(2026, 6, 1), "5", "Work", actor=volunteer_user,
                           today=today)
    b = services.log_hours(placement, date(2026, 6, 2), "6", "Work", actor=volunteer_user,
                           today=today)
    assert _totals(db) == {}
    services.approve_hours(a, actor=staff, today=today)
    services.reject_hours(b, "No", actor=staff)
    services.log_hours(placement, date(2026, 6, 3), "1.5", "Work", actor=staff, today=today)
    assert _totals(db) == {date(2026, 6, 1): Decimal("6.5")}


def test_updates_and_deletes_are_followed(db, placement):
    entry = factories.hours(placement, date(2026, 5, 31), "4")
    entry.hours = Decimal("5.5")
    db.session.flush()
    assert _totals(db) == {date(2026, 5, 1): Decimal("5.5")}
    entry.work_date = date(2026, 6, 1)  # moves to another month
    db.session.flush()
    assert _totals(db) == {date(2026, 6, 1): Decimal("5.5")}
    entry.status = HoursStatus.REJECTED
    db.session.flush()
    assert _totals(db) == {}
    entry.status = HoursStatus.APPROVED
    db.session.flush()
    assert _totals(db) == {date(2026, 6, 1): Decimal("5.5")}
    db.session.delete(entry)
    assert _totals(db) == {}


def test_random_changes_keep_the_summary_equal_to_the_entries(db):
    rng = random.Random(7)
    placements = [factories.placement(start_date=START, end_date=END) for _ in range(3)]
    entries = []
    for _ in range(60):
        entries.append(factories.hours(
            rng.choice(placements), START + timedelta(days=rng.randrange(365)),
            rng.choice(["0.25", "1", "2.5", "3.75", "8"]), rng.choice(list(HoursStatus))))
    for _ in range(80):
        entry = rng.choice(entries)
        change = rng.randrange(4)
        if change == 0:
            entry.status = rng.choice(list(HoursStatus))
        elif change == 1:
            entry.hours = Decimal(rng.choice(["0.5", "1.25", "6", "9.99"]))
        elif change == 2:
            entry.work_date = START + timedelta(days=rng.randrange(365))
        elif entry in entries:
            entries.remove(entry)
            db.session.delete(entry)
        db.session.flush()
    db.session.commit()
    assert _totals(db) == _expected(db)


def test_rebuild_repairs_the_summary(db, placement):
    factories.hours(placement, date(2026, 2, 10), "3")
    factories.hours(placement, date(2026, 2, 11), "2.5")
    db.session.execute(sa.update(HoursMonthTotal).values(centihours=1))
    db.session.execute(sa.insert(HoursMonthTotal).values(month=date(2020, 1, 1), centihours=99))
    assert services.rebuild_month_totals() == 1
    assert _totals(db) == {date(2026, 2, 1): Decimal("5.5")}
