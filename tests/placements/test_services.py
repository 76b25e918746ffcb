"""Placement rules (docs/architecture.md §2.2, §2.4): dates inside the project, no overlapping
live placements unless overridden with a reason, the status path, and who/when/why in the audit
log."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.placements.services import (
    cancel_placement,
    change_dates,
    complete_placement,
    confirm_placement,
    propose_placement,
    start_placement,
    transition,
    withdraw_placement,
)
from aljisr.projects.models import ProjectStatus
from aljisr.volunteers.models import VolunteerStatus
from tests.support import factories

S = PlacementStatus


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@pytest.fixture
def world(db):
    coordinator = factories.user()
    volunteer = factories.volunteer()
    september = factories.project(start_date=d(9, 1), end_date=d(9, 30), capacity=5)
    autumn = factories.project(start_date=d(9, 1), end_date=d(12, 31), capacity=5)
    return coordinator, volunteer, september, autumn


def events(db, placement, action=None):
    query = sa.select(AuditEvent).where(
        AuditEvent.subject_type == "placements", AuditEvent.subject_id == placement.id
    )
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query.order_by(AuditEvent.id)).all()


class TestDates:
    def test_inside_the_project(self, world):
        coordinator, volunteer, september, _ = world
        placement = propose_placement(volunteer, september, d(9, 1), d(9, 30), actor=coordinator)
        assert placement.days == 30
        assert placement.status is S.PROPOSED

    @pytest.mark.parametrize(
        ("start", "end", "field"),
        [
            (date(2026, 8, 31), date(2026, 9, 10), "start_date"),
            (date(2026, 9, 10), date(2026, 10, 1), "end_date"),
            (date(2026, 9, 10), date(2026, 9, 9), "end_date"),
            (None, date(2026, 9, 9), "start_date"),
        ],
    )
    def test_outside_or_reversed_is_refused(self, world, db, start, end, field):
        coordinator, volunteer, september, _ = world
        with pytest.raises(DomainError) as info:
            propose_placement(volunteer, september, start, end, actor=coordinator)
        assert info.value.field == field
        assert db.session.scalar(sa.select(sa.func.count(Placement.id))) == 0

    def test_archived_volunteer_is_refused(self, world, db):
        coordinator, volunteer, september, _ = world
        volunteer.status = VolunteerStatus.ARCHIVED
        db.session.flush()
        with pytest.raises(DomainError) as info:
            propose_placement(volunteer, september, d(9, 1), d(9, 2), actor=coordinator)
        assert info.value.field == "volunteer"

    def test_cancelled_project_is_refused(self, world, db):
        coordinator, volunteer, september, _ = world
        september.status = ProjectStatus.CANCELLED
        db.session.flush()
        with pytest.raises(DomainError) as info:
            propose_placement(volunteer, september, d(9, 1), d(9, 2), actor=coordinator)
        assert info.value.field == "project"


class TestOverlap:
    def test_last_day_shared_overlaps(self, world):
        """1-30 Sept and 30 Sept-15 Oct overlap (both ends included)."""
        coordinator, volunteer, september, autumn = world
        propose_placement(volunteer, september, d(9, 1), d(9, 30), actor=coordinator)
        with pytest.raises(Conflict) as info:
            propose_placement(volunteer, autumn, d(9, 30), d(10, 15), actor=coordinator)
        assert info.value.field == "start_date"
        assert "override" in info.value.message

    def test_next_day_does_not_overlap(self, world):
        """1-30 Sept and 1-15 Oct do not overlap."""
        coordinator, volunteer, september, autumn = world
        propose_placement(volunteer, september, d(9, 1), d(9, 30), actor=coordinator)
        second = propose_placement(volunteer, autumn, d(10, 1), d(10, 15), actor=coordinator)
        assert second.overlap_override_reason is None

    def test_other_volunteers_do_not_block(self, world, db):
        coordinator, volunteer, september, _ = world
        first = propose_placement(volunteer, september, d(9, 1), d(9, 30), actor=coordinator)
        other = factories.volunteer()
        second = propose_placement(other, september, d(9, 1), d(9, 30), actor=coordinator)
        assert (second.volunteer, second.status) == (other, S.PROPOSED)
        assert second.overlap_override_reason is None
        assert events(db, second, "placement.override_overlap") == []
        assert db.session.scalars(sa.select(Placement.id).order_by(Placement.id)).all() == [
            first.id, second.id]

    @pytest.mark.parametrize("status", [S.CONFIRMED, S.ACTIVE, S.COMPLETED])
    def test_live_and_completed_placements_block(self, world, status):
        coordinator, volunteer, september, autumn = world
        factories.placement(volunteer, september, status=status)
        with pytest.raises(Conflict):
            propose_placement(volunteer, autumn, d(9, 20), d(10, 15), actor=coordinator)

    @pytest.mark.parametrize("status", [S.CANCELLED, S.WITHDRAWN])
    def test_cancelled_and_withdrawn_free_the_dates(self, world, db, status):
        coordinator, volunteer, september, autumn = world
        factories.placement(volunteer, september, status=status)
        placement = propose_placement(volunteer, autumn, d(9, 20), d(10, 15), actor=coordinator)
        assert (placement.start_date, placement.end_date) == (d(9, 20), d(10, 15))
        assert placement.status is S.PROPOSED
        assert placement.overlap_override_reason is None
        assert events(db, placement, "placement.override_overlap") == []

    def test_override_with_a_reason_is_audited(self, world, db):
        coordinator, volunteer, september, autumn = world
        first = propose_placement(volunteer, september, d(9, 1), d(9, 30), actor=coordinator)
        second = propose_placement(
            volunteer,
            autumn,
            d(9, 30),
            d(10, 15),
            actor=coordinator,
            override_reason="  Half days at each school  ",
        )
        assert second.overlap_override_reason == "Half days at each school"
        (event,) = events(db, second, "placement.override_overlap")
        assert event.actor_id == coordinator.id
        assert event.reason == "Half days at each school"
        assert event.details["overlapping_placement_ids"] == [first.id]

    def test_blank_override_is_no_override(self, world):
        coordinator, volunteer, september, autumn = world
        propose_placement(volunteer, september, d(9, 1), d(9, 30), actor=coordinator)
        with pytest.raises(Conflict):
            propose_placement(
                volunteer, autumn, d(9, 30), d(10, 15), actor=coordinator, override_reason="   "
            )


class TestChangeDates:
    def test_moving_within_the_project(self, world, db):
        coordinator, volunteer, september, _ = world
        placement = propose_placement(volunteer, september, d(9, 1), d(9, 10), actor=coordinator)
        change_dates(placement, d(9, 5), d(9, 20), actor=coordinator, reason="Flight moved")
        assert (placement.start_date, placement.end_date) == (d(9, 5), d(9, 20))
        (event,) = events(db, placement, "placement.change_dates")
        assert event.reason == "Flight moved"
        assert event.details["from"] == {"start_date": "2026-09-01", "end_date": "2026-09-10"}

    def test_own_dates_do_not_count_as_overlap_or_capacity(self, world, db):
        coordinator, volunteer, september, _ = world
        september.capacity = 1
        db.session.flush()
        placement = propose_placement(volunteer, september, d(9, 1), d(9, 10), actor=coordinator)
        change_dates(placement, d(9, 2), d(9, 12), actor=coordinator)
        db.session.expire_all()
        assert (placement.start_date, placement.end_date) == (d(9, 2), d(9, 12))
        assert placement.overlap_override_reason is None
        (event,) = events(db, placement, "placement.change_dates")
        assert event.details["from"] == {"start_date": "2026-09-01", "end_date": "2026-09-10"}

    def test_moving_outside_the_project_is_refused(self, world):
        coordinator, volunteer, september, _ = world
        placement = propose_placement(volunteer, september, d(9, 1), d(9, 10), actor=coordinator)
        with pytest.raises(DomainError) as info:
            change_dates(placement, d(9, 5), d(10, 2), actor=coordinator)
        assert info.value.field == "end_date"

    def test_moving_onto_another_placement_is_refused(self, world):
        coordinator, volunteer, september, autumn = world
        propose_placement(volunteer, september, d(9, 1), d(9, 30), actor=coordinator)
        later = propose_placement(volunteer, autumn, d(10, 1), d(10, 15), actor=coordinator)
        with pytest.raises(Conflict):
            change_dates(later, d(9, 30), d(10, 15), actor=coordinator)

    def test_moving_into_a_full_day_is_refused(self, world, db):
        coordinator, volunteer, september, _ = world
        september.capacity = 1
        db.session.flush()
        factories.placement(project_=september, start_date=d(9, 20), end_date=d(9, 30))
        placement = propose_placement(volunteer, september, d(9, 1), d(9, 10), actor=coordinator)
        with pytest.raises(Conflict):
            change_dates(placement, d(9, 1), d(9, 20), actor=coordinator)

    def test_completed_placement_keeps_its_dates(self, world):
        coordinator, volunteer, september, _ = world
        placement = factories.placement(volunteer, september, status=S.COMPLETED)
        with pytest.raises(NotAllowed):
            change_dates(placement, d(9, 2), d(9, 10), actor=coordinator)

    def test_logged_hours_stay_inside(self, world, db):
        coordinator, volunteer, september, _ = world
        placement = factories.placement(volunteer, september, status=S.ACTIVE)
        factories.hours(placement, d(9, 3))
        with pytest.raises(NotAllowed):
            change_dates(placement, d(9, 4), d(9, 30), actor=coordinator)
        assert (placement.start_date, placement.end_date) == (d(9, 1), d(9, 30))
        change_dates(placement, d(9, 3), d(9, 20), actor=coordinator)
        db.session.expire_all()
        assert (placement.start_date, placement.end_date) == (d(9, 3), d(9, 20))


class TestStatusPath:
    def test_the_whole_path_is_audited_with_actor_and_reason(self, world, db):
        coordinator, volunteer, september, _ = world
        placement = propose_placement(volunteer, september, d(9, 1), d(9, 30), actor=coordinator)
        confirm_placement(placement, actor=coordinator, reason="Host agreed")
        start_placement(placement, actor=coordinator)
        complete_placement(placement, actor=coordinator, reason="Went well")
        assert placement.status is S.COMPLETED
        assert placement.status_reason == "Went well"
        rows = events(db, placement)
        assert [e.action for e in rows] == [
            "placement.propose",
            "placement.confirm",
            "placement.start",
            "placement.complete",
        ]
        assert all(e.actor_id == coordinator.id for e in rows)
        assert all(e.occurred_at is not None for e in rows)
        assert rows[1].reason == "Host agreed"
        assert rows[1].details == {"from": "proposed", "to": "confirmed"}
        assert rows[3].reason == "Went well"

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (S.COMPLETED, S.ACTIVE),
            (S.PROPOSED, S.COMPLETED),
            (S.CANCELLED, S.CONFIRMED),
            (S.PROPOSED, S.ACTIVE),
            (S.PROPOSED, S.WITHDRAWN),
            (S.ACTIVE, S.CANCELLED),
            (S.WITHDRAWN, S.ACTIVE),
            (S.ACTIVE, S.ACTIVE),
        ],
    )
    def test_illegal_moves_are_refused_and_not_audited(self, world, db, start, target):
        coordinator, volunteer, september, _ = world
        placement = factories.placement(volunteer, september, status=start)
        with pytest.raises(NotAllowed) as info:
            transition(placement, target, actor=coordinator, reason="because")
        assert info.value.field == "status"
        db.session.expire_all()
        assert placement.status is start
        assert events(db, placement) == []

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (S.PROPOSED, S.CONFIRMED),
            (S.PROPOSED, S.CANCELLED),
            (S.CONFIRMED, S.ACTIVE),
            (S.CONFIRMED, S.CANCELLED),
            (S.CONFIRMED, S.WITHDRAWN),
            (S.ACTIVE, S.COMPLETED),
            (S.ACTIVE, S.WITHDRAWN),
        ],
    )
    def test_allowed_moves(self, world, db, start, target):
        coordinator, volunteer, september, _ = world
        placement = factories.placement(volunteer, september, status=start)
        transition(placement, target, actor=coordinator, reason="because")
        assert placement.status is target
        (event,) = events(db, placement)
        assert event.details == {"from": start.value, "to": target.value}

    @pytest.mark.parametrize("verb", [cancel_placement, withdraw_placement])
    def test_cancel_and_withdraw_need_a_reason(self, world, verb):
        coordinator, volunteer, september, _ = world
        placement = factories.placement(volunteer, september, status=S.CONFIRMED)
        with pytest.raises(NotAllowed) as info:
            verb(placement, actor=coordinator, reason="  ")
        assert info.value.field == "reason"
        assert placement.status is S.CONFIRMED
        verb(placement, actor=coordinator, reason="Visa refused")
        assert placement.status is {cancel_placement: S.CANCELLED,
                                    withdraw_placement: S.WITHDRAWN}[verb]
        assert placement.status_reason == "Visa refused"

    def test_a_stale_object_cannot_skip_the_path(self, world, db):
        """The status is read under lock: another session's change counts, not ours."""
        coordinator, volunteer, september, _ = world
        placement = factories.placement(volunteer, september, status=S.PROPOSED)
        db.session.commit()
        db.session.execute(
            sa.update(Placement)
            .where(Placement.id == placement.id)
            .values(status=S.CANCELLED.value)
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(NotAllowed):
            confirm_placement(placement, actor=coordinator)


def test_a_placement_cannot_start_before_its_first_day(db):
    from datetime import date

    from aljisr.errors import NotAllowed
    from aljisr.placements.services import transition

    placement = factories.placement(status=PlacementStatus.CONFIRMED,
                                    start_date=date(2026, 10, 1), end_date=date(2026, 10, 31))
    with pytest.raises(NotAllowed, match="starts on"):
        transition(placement, PlacementStatus.ACTIVE, actor=None, today=date(2026, 9, 30))
    transition(placement, PlacementStatus.ACTIVE, actor=None, today=date(2026, 10, 1))
    assert placement.status is PlacementStatus.ACTIVE


def test_completing_early_makes_today_the_last_day(db):
    from datetime import date

    import sqlalchemy as sa

    from aljisr.audit import AuditEvent
    from aljisr.placements.services import transition

    placement = factories.placement(start_date=date(2026, 10, 1), end_date=date(2026, 10, 31))
    transition(placement, PlacementStatus.COMPLETED, actor=None, today=date(2026, 10, 20))
    assert placement.end_date == date(2026, 10, 20)
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "placement.complete")).one()
    assert event.details["end_date"] == ["2026-10-31", "2026-10-20"]
    other = factories.placement(start_date=date(2026, 10, 1), end_date=date(2026, 10, 31))
    transition(other, PlacementStatus.COMPLETED, actor=None, today=date(2026, 11, 5))
    assert other.end_date == date(2026, 10, 31)  # completed after the end: dates unchanged
