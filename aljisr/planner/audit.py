"""How season-planner events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

from aljisr.audit import AuditWording, RecordWording
from aljisr.i18n import _l

#: The titles of a run's outcome (:class:`aljisr.planner.solver.Outcome` values), as the audit
#: log shows them.
OUTCOME_TITLES = {
    "optimal": _l("Optimal plan"),
    "feasible": _l("Plan within a proven gap of the best (time limit reached)"),
    "greedy": _l("One-by-one plan"),
    "nothing_to_assign": _l("Nothing to assign"),
    "no_room": _l("No project with room"),
    "contradictory_pins": _l("Contradictory pins"),
    "no_plan_in_time": _l("No plan within the time limit"),
}


def outcome_title(value: str) -> str | None:
    """The title of an outcome code, or None for an unknown one."""
    title = OUTCOME_TITLES.get(value)
    return str(title) if title is not None else None


WORDING = AuditWording(
    actions={
        "planner.run": _l("Season planned"),
        "planner.accept": _l("Season plan accepted"),
        "planner.wishes": _l("Project wishes recorded"),
    },
    records=(
        RecordWording(
            table="planning_runs",
            label=_l("Season plan"),
            page=("planner.run", "run_id"),
            values={"outcome": outcome_title},
        ),
    ),
    # events recorded before 2026-12-07 also hold the plan's internal row numbers
    key_labels={"planned_placement_ids": _l("Rows of the plan (internal numbers)"),
                "wished_project_ids": _l("The volunteer's wishes"),
                "organisation_wished_project_ids": _l("The sending organisation's wishes")},
    id_keys={"placement_ids": "placements", "wished_project_ids": "projects",
             "organisation_wished_project_ids": "projects"},
    number_keys=frozenset({"volunteers", "projects", "planned", "objective",
                           "greedy_objective", "time_limit"}),
)
