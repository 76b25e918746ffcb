"""How placement events read in the audit log (see :mod:`aljisr.audit`).

Titles are short because the placement page's history shows them under the placement itself.
"""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.arrivals.forms import ArrivalForm
from aljisr.audit import AuditWording, RecordWording, status_titles
from aljisr.i18n import _l
from aljisr.placements.forms import PlacementForm
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.volunteers.models import Volunteer


def _names() -> sa.Select:
    """A placement is called "volunteer · project"."""
    return (
        sa.select(Placement.id, Volunteer.full_name + " · " + Project.title)
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .join(Project, Project.id == Placement.project_id)
    )


WORDING = AuditWording(
    actions={
        "placement.propose": _l("Proposed"),
        "placement.confirm": _l("Confirmed"),
        "placement.start": _l("Started"),
        "placement.complete": _l("Completed"),
        "placement.cancel": _l("Cancelled"),
        "placement.withdraw": _l("Withdrawn"),
        "placement.change_dates": _l("Dates changed"),
        "placement.override_overlap": _l("Overlap allowed"),
        "placement.override_rules": _l("Project's rules overridden"),
    },
    records=(
        RecordWording(
            table="placements",
            label=_l("Placement"),
            page=("placements.detail", "placement_id"),
            forms=(PlacementForm, ArrivalForm),
            form_aliases={"volunteer_id": "volunteer", "project_id": "project"},
            values=status_titles(PlacementStatus),
            names=_names,
        ),
    ),
    key_labels={
        "placement_id": _l("Placement"),
        "overlapping_placement_ids": _l("Overlaps with"),
        "rules": _l("Rules"),
    },
    id_keys={"placement_id": "placements", "overlapping_placement_ids": "placements"},
    change_pairs={"placement.complete": frozenset({"start_date", "end_date"})},
)
