"""The pure matching score: each component and each exclusion (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from aljisr.placements.matching import (
    WEIGHTS,
    Busy,
    CandidateProfile,
    Exclusion,
    ProjectNeeds,
    free_ranges,
    full_ranges,
    normalise_skills,
    rank,
    score,
)
from aljisr.volunteers.models import LanguageLevel as L


def d(month: int, day: int) -> date:
    return date(2026, month, day)


#: 1-30 September (30 days), education, needs painting + carpentry, French + Arabic.
PROJECT = ProjectNeeds(
    project_id=1,
    title="Painting the school",
    start_date=d(9, 1),
    end_date=d(9, 30),
    theme="education",
    required_skills=normalise_skills(["Painting", "Carpentry"]),
    required_languages=frozenset({"fr", "ar"}),
)
#: The same project without requirements.
PLAIN = ProjectNeeds(2, "Plain", d(9, 1), d(9, 30), "culture")


def candidate(**kw) -> CandidateProfile:
    values = {
        "volunteer_id": 7,
        "name": "Yasmine",
        "available_from": d(9, 1),
        "available_to": d(9, 30),
    }
    values.update(kw)
    return CandidateProfile(**values)


def busy(start: date, end: date, title: str = "Elsewhere") -> Busy:
    return Busy(start, end, 99, title)


class TestAvailability:
    def test_whole_project_gives_all_points(self):
        m = score(candidate(), PLAIN)
        assert m.points["availability"] == WEIGHTS["availability"]
        assert m.free_days == 30
        assert (m.suggested_start, m.suggested_end) == (d(9, 1), d(9, 30))

    def test_points_follow_the_days_of_overlap(self):
        # 16-30 September of a 30-day project: half the days (inclusive ends).
        m = score(candidate(available_from=d(9, 16), available_to=d(12, 1)), PLAIN)
        assert m.free_days == 15
        assert m.points["availability"] == pytest.approx(WEIGHTS["availability"] / 2)
        assert (m.suggested_start, m.suggested_end) == (d(9, 16), d(9, 30))

    def test_a_single_shared_day_counts(self):
        m = score(candidate(available_from=d(8, 1), available_to=d(9, 1)), PLAIN)
        assert not m.excluded
        assert m.free_days == 1

    def test_open_ended_availability(self):
        m = score(candidate(available_from=None, available_to=None), PLAIN)
        assert m.free_days == 30
        assert "No availability given" in m.reasons[0].text

    def test_days_already_placed_are_not_free(self):
        m = score(candidate(busy=(busy(d(9, 1), d(9, 10)),)), PLAIN)
        assert m.free_days == 20
        assert m.busy_days == 10
        assert (m.suggested_start, m.suggested_end) == (d(9, 11), d(9, 30))
        assert "10 days already placed" in m.reasons[0].text

    def test_placements_outside_the_project_do_not_matter(self):
        m = score(candidate(busy=(busy(d(8, 1), d(8, 31)), busy(d(10, 1), d(10, 9)))), PLAIN)
        assert m.free_days == 30
        assert m.blocking == ()

    def test_suggestion_is_the_longest_free_run(self):
        c = candidate(busy=(busy(d(9, 5), d(9, 6)), busy(d(9, 20), d(9, 22))))
        m = score(c, PLAIN)
        assert (m.suggested_start, m.suggested_end) == (d(9, 7), d(9, 19))
        assert m.free_days == 30 - 2 - 3


class TestSkills:
    def test_all_required_skills(self):
        m = score(
            candidate(skills=normalise_skills([" painting", "CARPENTRY", "cooking"])), PROJECT
        )
        assert m.points["skills"] == WEIGHTS["skills"]
        assert m.missing_skills == frozenset()

    def test_half_the_skills(self):
        m = score(candidate(skills=normalise_skills(["Painting"])), PROJECT)
        assert m.points["skills"] == pytest.approx(WEIGHTS["skills"] / 2)
        assert m.covered_skills == {"painting"}
        assert m.missing_skills == {"carpentry"}
        assert "missing carpentry" in m.reasons[1].text

    def test_no_skills(self):
        assert score(candidate(), PROJECT).points["skills"] == 0

    def test_nothing_required_gives_all_points(self):
        assert score(candidate(), PLAIN).points["skills"] == WEIGHTS["skills"]


class TestLanguages:
    @pytest.mark.parametrize("level", [L.B1, L.B2, L.C1, L.C2, L.NATIVE])
    def test_usable_levels_count(self, level):
        m = score(candidate(languages={"fr": level}), PROJECT)
        assert m.shared_languages == {"fr"}
        assert m.points["languages"] == pytest.approx(WEIGHTS["languages"] / 2)

    @pytest.mark.parametrize("level", [L.A1, L.A2])
    def test_beginner_levels_do_not(self, level):
        m = score(candidate(languages={"fr": level, "ar": level}), PROJECT)
        assert m.shared_languages == frozenset()
        assert m.missing_languages == {"fr", "ar"}
        assert m.points["languages"] == 0

    def test_languages_the_project_does_not_need_do_not_count(self):
        m = score(candidate(languages={"en": L.NATIVE, "ar": L.B2}), PROJECT)
        assert m.shared_languages == {"ar"}

    def test_nothing_required_gives_all_points(self):
        assert score(candidate(), PLAIN).points["languages"] == WEIGHTS["languages"]


class TestInterest:
    def test_interest_in_the_theme(self):
        m = score(candidate(interests=frozenset({"education"})), PROJECT)
        assert m.interested
        assert m.points["interest"] == WEIGHTS["interest"]

    def test_other_interests(self):
        m = score(candidate(interests=frozenset({"culture"})), PROJECT)
        assert m.points["interest"] == 0


class TestTotal:
    def test_perfect_candidate_scores_100(self):
        c = candidate(
            skills=normalise_skills(["painting", "carpentry"]),
            languages={"fr": L.B1, "ar": L.NATIVE},
            interests=frozenset({"education"}),
        )
        m = score(c, PROJECT)
        assert m.score == 100
        assert [r.points for r in m.reasons] == [40, 30, 20, 10]

    def test_weak_candidate(self):
        # Half the days, no skills, one language of two, no interest: 20 + 0 + 10 + 0.
        c = candidate(available_from=d(9, 16), languages={"ar": L.C1})
        assert score(c, PROJECT).score == 30

    def test_reasons_are_sentences_with_points(self):
        m = score(candidate(), PROJECT)
        assert [r.component for r in m.reasons] == [
            "availability",
            "skills",
            "languages",
            "interest",
        ]
        assert all(r.text for r in m.reasons)
        assert sum(r.max_points for r in m.reasons) == 100


class TestExclusions:
    def test_archived(self):
        m = score(candidate(archived=True), PLAIN)
        assert m.exclusion is Exclusion.ARCHIVED
        assert m.score == 0
        assert m.excluded_reason == "Archived"
        assert m.reasons == ()

    @pytest.mark.parametrize(
        ("start", "end"),
        [(d(10, 1), d(10, 30)), (d(8, 1), d(8, 31)), (d(10, 1), None), (None, d(8, 31))],
    )
    def test_availability_outside(self, start, end):
        m = score(candidate(available_from=start, available_to=end), PLAIN)
        assert m.exclusion is Exclusion.OUTSIDE_AVAILABILITY
        assert m.excluded_reason.startswith("Available only")

    def test_already_placed_on_every_free_day(self):
        c = candidate(
            available_from=d(9, 10),
            available_to=d(9, 20),
            busy=(busy(d(9, 1), d(9, 12), "School A"), busy(d(9, 13), d(9, 25), "School B")),
        )
        m = score(c, PLAIN)
        assert m.exclusion is Exclusion.ALREADY_PLACED
        assert "School A" in m.excluded_reason and "School B" in m.excluded_reason

    def test_placed_until_the_day_before_is_not_excluded(self):
        """Inclusive ends: placed 1 Aug-31 Aug, free from 1 September."""
        m = score(candidate(busy=(busy(d(8, 1), d(8, 31)),)), PLAIN)
        assert not m.excluded

    def test_placed_on_the_first_day_only(self):
        m = score(candidate(busy=(busy(d(8, 1), d(9, 1)),)), PLAIN)
        assert not m.excluded
        assert m.free_days == 29


def test_free_ranges_inclusive():
    runs = free_ranges(d(9, 1), d(9, 30), [busy(d(9, 1), d(9, 1)), busy(d(9, 30), d(10, 5))])
    assert runs == [(d(9, 2), d(9, 29))]
    assert free_ranges(d(9, 1), d(9, 3), [busy(d(8, 1), d(9, 3))]) == []
    # Overlapping busy ranges merge.
    runs = free_ranges(d(9, 1), d(9, 30), [busy(d(9, 5), d(9, 15)), busy(d(9, 10), d(9, 12))])
    assert runs == [(d(9, 1), d(9, 4)), (d(9, 16), d(9, 30))]


def test_rank_orders_by_score_then_name():
    a = score(candidate(volunteer_id=1, name="Zoé", interests=frozenset({"culture"})), PLAIN)
    b = score(candidate(volunteer_id=2, name="amal"), PLAIN)
    c = score(candidate(volunteer_id=3, name="Ольга"), PLAIN)
    x = score(candidate(volunteer_id=4, name="Bob", archived=True), PLAIN)
    y = score(candidate(volunteer_id=5, name="Ana", available_from=d(11, 1)), PLAIN)
    ranked, excluded = rank([x, c, b, y, a])
    assert [m.candidate.name for m in ranked] == ["Zoé", "amal", "Ольга"]
    assert [m.candidate.name for m in excluded] == ["Bob", "Ana"]


class TestProjectFull:
    def test_full_ranges_sweep_inclusive(self):
        placements = [(d(9, 1), d(9, 15)), (d(9, 10), d(9, 20)), (d(9, 15), d(9, 30))]
        # capacity 2: full where two overlap: 10-15 (A+B, and C from the 15th) and 15-20 (B+C)
        assert full_ranges(placements, 2) == ((d(9, 10), d(9, 20)),)
        # capacity 3: only the 15th has all three (inclusive ends)
        assert full_ranges(placements, 3) == ((d(9, 15), d(9, 15)),)
        assert full_ranges(placements, 4) == ()
        assert full_ranges([], 1) == ()
        # back-to-back placements with capacity 1: full without a gap
        assert full_ranges([(d(9, 1), d(9, 10)), (d(9, 11), d(9, 20))], 1) == ((d(9, 1), d(9, 20)),)

    def test_full_days_do_not_count_and_suggestion_avoids_them(self):
        project = ProjectNeeds(3, "Busy", d(9, 1), d(9, 30), "culture", full=((d(9, 1), d(9, 19)),))
        m = score(candidate(), project)
        assert not m.excluded
        assert m.free_days == 11 and m.full_days == 19 and m.busy_days == 0
        assert (m.suggested_start, m.suggested_end) == (d(9, 20), d(9, 30))
        assert "19 days on which the project is full" in m.reasons[0].text

    def test_full_whenever_free_is_excluded(self):
        project = ProjectNeeds(
            3, "Busy", d(9, 1), d(9, 30), "culture", full=((d(9, 11), d(9, 30)),)
        )
        c = candidate(busy=(busy(d(9, 1), d(9, 10)),))
        m = score(c, project)
        assert m.exclusion is Exclusion.PROJECT_FULL
        assert "full" in m.excluded_reason
