"""The live-placements-per-project-and-day summary: database triggers keep it equal to the
placements, whoever writes them (services, direct inserts, updates, deletes). SQLite and
PostgreSQL."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from aljisr.permissions import Role
from aljisr.placements import services
from aljisr.placements.models import Placement, PlacementStatus, ProjectBooking
from tests.support import factories
from tests.support.sql import trigger_names

START = date(2026, 3, 1)
S = PlacementStatus


def _bookings(db) -> dict[tuple[int, date], int]:
    db.session.flush()
    rows = db.session.execute(
        sa.select(ProjectBooking.project_id, ProjectBooking.day, ProjectBooking.placements)
    ).all()
    return {(project_id, day): n for project_id, day, n in rows}


def _expected(db) -> dict[tuple[int, date], int]:
    """Counted the slow way: every day of every live placement."""
    booked: Counter[tuple[int, date]] = Counter()
    for p in db.session.scalars(sa.select(Placement)):
        if p.status.is_live:
            for offset in range((p.end_date - p.start_date).days + 1):
                booked[p.project_id, p.start_date + timedelta(days=offset)] += 1
    return dict(booked)


def _project():
    return factories.project(start_date=START, end_date=START + timedelta(days=90), capacity=50)


def test_the_triggers_exist(db, is_postgres):
    expected = ({"project_bookings_change"} if is_postgres else
                {f"project_bookings_{when}" for when in ("insert", "update", "delete")})
    assert expected <= trigger_names(db.engine, "placements")


def test_live_placements_are_counted_on_every_day_both_ends_included(db):
    project = _project()
    factories.placement(project_=project, start_date=date(2026, 3, 30),
                        end_date=date(2026, 4, 1), status=S.PROPOSED)
    factories.placement(project_=project, start_date=date(2026, 4, 1),
                        end_date=date(2026, 4, 1), status=S.COMPLETED)
    factories.placement(project_=project, start_date=date(2026, 3, 1),
                        end_date=date(2026, 4, 30), status=S.CANCELLED)  # not live
    assert _bookings(db) == {(project.id, date(2026, 3, 30)): 1,
                             (project.id, date(2026, 3, 31)): 1,
                             (project.id, date(2026, 4, 1)): 2}


def test_transitions_and_date_changes_through_the_services_move_the_bookings(db):
    staff = factories.user(Role.COORDINATOR)
    project = _project()
    placement = factories.placement(project_=project, start_date=date(2026, 3, 2),
                                    end_date=date(2026, 3, 4), status=S.PROPOSED)
    services.change_dates(placement, date(2026, 3, 3), date(2026, 3, 5), actor=staff)
    assert set(_bookings(db)) == {(project.id, date(2026, 3, d)) for d in (3, 4, 5)}
    services.cancel_placement(placement, actor=staff, reason="Visa refused")
    assert _bookings(db) == {}


def test_random_changes_keep_the_summary_equal_to_the_placements(db):
    rng = random.Random(3)
    projects = [_project() for _ in range(3)]
    placements = []
    for _ in range(25):
        start = START + timedelta(days=rng.randrange(60))
        placements.append(factories.placement(
            project_=rng.choice(projects), start_date=start,
            end_date=start + timedelta(days=rng.randrange(25)), status=rng.choice(list(S))))
    for _ in range(60):
        placement = rng.choice(placements)
        change = rng.randrange(5)
        if change == 0:
            placement.status = rng.choice(list(S))
        elif change == 1:
            placement.start_date = placement.end_date - timedelta(days=rng.randrange(20))
        elif change == 2:
            placement.end_date = placement.start_date + timedelta(days=rng.randrange(20))
        elif change == 3:
            placement.project_id = rng.choice(projects).id
        elif placement in placements and len(placements) > 5:
            placements.remove(placement)
            db.session.delete(placement)
        db.session.flush()
    db.session.commit()
    assert _bookings(db) == _expected(db)


def test_rebuild_repairs_the_summary(db):
    project = _project()
    factories.placement(project_=project, start_date=date(2026, 3, 2),
                        end_date=date(2026, 3, 3))
    db.session.execute(sa.update(ProjectBooking).values(placements=9))
    db.session.execute(sa.insert(ProjectBooking).values(project_id=project.id,
                                                        day=date(2026, 5, 1), placements=4))
    assert services.rebuild_project_bookings() == 2
    assert _bookings(db) == _expected(db) == {(project.id, date(2026, 3, 2)): 1,
                                              (project.id, date(2026, 3, 3)): 1}


def test_full_days_read_from_the_summary_are_the_sweeps_runs(db):
    """Matching a volunteer reads each project's full days from ``project_bookings``
    (``queries._full_days``): the same runs as :func:`matching.full_ranges` over the live
    placements, for random placements on projects of capacity 1 to 3."""
    from aljisr.placements import queries
    from aljisr.placements.matching import full_ranges

    rng = random.Random(13)
    projects = [factories.project(start_date=START, end_date=START + timedelta(days=40),
                                  capacity=capacity) for capacity in (1, 2, 3)]
    for _ in range(25):
        project = rng.choice(projects)
        first = START + timedelta(days=rng.randrange(35))
        factories.placement(factories.volunteer(), project, start_date=first,
                            end_date=first + timedelta(days=rng.randrange(6)),
                            status=rng.choice([S.PROPOSED, S.CONFIRMED, S.ACTIVE, S.CANCELLED]))
    db.session.flush()
    ids = [p.id for p in projects]
    live = queries._live_ranges(ids)
    full = queries._full_days(ids)
    assert any(full.values())
    for project in projects:
        assert full.get(project.id, ()) == full_ranges(
            [(start, end) for start, end, _nationality in live.get(project.id, [])],
            project.capacity)
