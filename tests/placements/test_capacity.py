"""Capacity (docs/architecture.md §2.3): the most volunteers on any single day, never exceeded,
never lowered below what is booked."""

from __future__ import annotations

from datetime import date

import pytest

from aljisr.errors import Conflict
from aljisr.placements.matching import busiest_day
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.placements.queries import match_project, peak_occupancy
from aljisr.placements.services import check_capacity_change, propose_placement
from tests.support import factories


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@pytest.fixture
def staggered(db):
    """Capacity 2; three placements staggered so that two overlap only on 10-15 September:
    A 1-15 Sept, B 10-20 Sept, C 21-30 Sept. Peak 2, on 10 September."""
    project = factories.project(capacity=2, start_date=d(9, 1), end_date=d(9, 30))
    a = factories.placement(project_=project, start_date=d(9, 1), end_date=d(9, 15))
    b = factories.placement(project_=project, start_date=d(9, 10), end_date=d(9, 20))
    c = factories.placement(project_=project, start_date=d(9, 21), end_date=d(9, 30))
    coordinator = factories.user()
    return project, (a, b, c), coordinator


class TestPeakOccupancy:
    def test_peak_is_on_the_busiest_day_only(self, staggered):
        project, _, _ = staggered
        peak = peak_occupancy(project.id)
        assert (peak.count, peak.day) == (2, d(9, 10))

    def test_peak_within_a_range(self, staggered):
        project, _, _ = staggered
        assert peak_occupancy(project.id, d(9, 16), d(9, 30)).count == 1
        assert peak_occupancy(project.id, d(9, 15), d(9, 15)).count == 2
        # A range that begins inside a running placement counts it from the range's first day.
        peak = peak_occupancy(project.id, d(9, 12), d(9, 12))
        assert (peak.count, peak.day) == (2, d(9, 12))

    def test_cancelled_and_withdrawn_free_their_days(self, staggered, db):
        project, (a, b, _c), _ = staggered
        a.status = PlacementStatus.CANCELLED
        b.status = PlacementStatus.WITHDRAWN
        db.session.flush()
        assert peak_occupancy(project.id).count == 1

    def test_completed_still_counts(self, staggered, db):
        project, (a, b, _c), _ = staggered
        a.status = b.status = PlacementStatus.COMPLETED
        db.session.flush()
        assert peak_occupancy(project.id).count == 2

    def test_excluding_a_placement(self, staggered):
        project, (a, _b, _c), _ = staggered
        assert peak_occupancy(project.id, exclude_placement_id=a.id).count == 1

    def test_no_placements(self, db):
        project = factories.project()
        assert peak_occupancy(project.id).count == 0


class TestBusiestDayFromRanges:
    """The matching page takes the busiest day from the live placements it read already
    (``matching.busiest_day``) instead of asking SQL again: the same answer."""

    def test_the_matching_page_sees_the_peak_sql_gives(self, staggered, db):
        project, (a, b, c), _ = staggered
        factories.placement(project_=project, start_date=d(9, 14), end_date=d(9, 14),
                            status=PlacementStatus.CANCELLED)
        for states in ((), (a,), (b,), (a, c), (a, b, c)):
            for placement in states:
                placement.status = PlacementStatus.WITHDRAWN
            db.session.flush()
            sql = peak_occupancy(project.id)
            found = match_project(project).peak
            assert (found.count, found.day) == (sql.count, sql.day), states
            for placement in states:
                placement.status = PlacementStatus.PROPOSED
        assert sql.count == 0 and found.day is None

    def test_first_of_equal_days_and_ranges_meeting_end_to_end(self):
        assert busiest_day([]) == (0, None)
        assert busiest_day([(d(9, 1), d(9, 5)), (d(9, 6), d(9, 9))]) == (1, d(9, 1))
        assert busiest_day([(d(9, 1), d(9, 5)), (d(9, 5), d(9, 9)),
                            (d(9, 8), d(9, 8))]) == (2, d(9, 5))


class TestLoweringCapacity:
    def test_refused_below_the_peak_day(self, staggered):
        project, _, _ = staggered
        with pytest.raises(Conflict) as info:
            check_capacity_change(project, 1)
        assert info.value.field == "capacity"
        assert "2" in info.value.message

    def test_allowed_down_to_the_peak(self, staggered):
        project, _, _ = staggered
        check_capacity_change(project, 2)
        check_capacity_change(project, 10)

    def test_allowed_once_the_overlap_is_cancelled(self, staggered, db):
        project, (a, _b, _c), _ = staggered
        a.status = PlacementStatus.CANCELLED
        db.session.flush()
        check_capacity_change(project, 1)


class TestBookingCapacity:
    def test_refused_when_full_on_a_middle_day_only(self, staggered, db):
        project, _, coordinator = staggered
        volunteer = factories.volunteer()
        # 12-14 September: A and B are both there, so the project is full on those days only.
        with pytest.raises(Conflict) as info:
            propose_placement(volunteer, project, d(9, 5), d(9, 25), actor=coordinator)
        assert info.value.field == "start_date"
        assert "full" in info.value.message
        assert db.session.query(Placement).filter_by(volunteer_id=volunteer.id).count() == 0

    def test_allowed_on_days_with_a_free_place(self, staggered):
        project, _, coordinator = staggered
        volunteer = factories.volunteer()
        # 16-30 September: at most one other volunteer a day.
        placement = propose_placement(volunteer, project, d(9, 16), d(9, 30), actor=coordinator)
        assert placement.status is PlacementStatus.PROPOSED

    def test_the_last_day_of_a_placement_is_taken(self, staggered):
        project, _, coordinator = staggered
        volunteer = factories.volunteer()
        # 15 September is A's last day and B is there too (inclusive end dates).
        with pytest.raises(Conflict):
            propose_placement(volunteer, project, d(9, 15), d(9, 16), actor=coordinator)
        propose_placement(volunteer, project, d(9, 16), d(9, 16), actor=coordinator)

    def test_a_cancelled_placement_frees_its_place(self, staggered, db):
        project, (a, _b, _c), coordinator = staggered
        a.status = PlacementStatus.CANCELLED
        db.session.flush()
        propose_placement(factories.volunteer(), project, d(9, 5), d(9, 25), actor=coordinator)
