"""How season-planner events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

from aljisr.audit import AuditWording, RecordWording
from aljisr.i18n import _l

WORDING = AuditWording(
    actions={
        "planner.run": _l("Season planned"),
        "planner.accept": _l("Season plan accepted"),
    },
    records=(
        RecordWording(
            table="planning_runs",
            label=_l("Season plan"),
            page=("planner.run", "run_id"),
        ),
    ),
    id_keys={"placement_ids": "placements"},
    number_keys=frozenset({"volunteers", "projects", "planned", "objective",
                           "greedy_objective", "time_limit"}),
)
