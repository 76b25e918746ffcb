"""How project events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditWording, RecordWording, enum_titles, status_titles
from aljisr.i18n import _l
from aljisr.projects.forms import ProjectForm
from aljisr.projects.models import Project, ProjectStatus, Theme

WORDING = AuditWording(
    actions={
        "project.create": _l("Project created"),
        "project.update": _l("Project updated"),
        "project.archive": _l("Project archived"),
        "project.unarchive": _l("Project restored"),
    },
    records=(
        RecordWording(
            table="projects",
            label=_l("Project"),
            page=("projects.detail", "project_id"),
            forms=(ProjectForm,),
            values={**status_titles(ProjectStatus), "theme": enum_titles(Theme)},
            names=lambda: sa.select(Project.id, Project.title),
        ),
    ),
    key_labels={"project_id": _l("Project"), "capacity": _l("Capacity")},
    id_keys={"project_id": "projects", "parent_id": "projects", "funder_id": "organisations"},
    number_keys=frozenset({"capacity", "phase_number"}),
    boolean_keys=frozenset({"funder_public"}),
    change_pairs={"project.update": None},
)
