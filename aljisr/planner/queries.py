"""Reads for the season planner."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aljisr.placements.matching import CandidateProfile, ProjectNeeds, score
from aljisr.planner.solver import SeasonProject, SeasonVolunteer, Span


def match_scorer(
    profiles: Mapping[int, CandidateProfile], needs: Mapping[int, ProjectNeeds]
) -> Callable[[SeasonVolunteer, SeasonProject, Span], int]:
    """The match score (0-100, :func:`aljisr.placements.matching.score`) of a volunteer for a
    project, from their matching profiles by id, for :func:`aljisr.planner.solver.solve`."""

    def match(v: SeasonVolunteer, p: SeasonProject, _span: Span) -> int:
        return score(profiles[v.id], needs[p.id]).score

    return match
