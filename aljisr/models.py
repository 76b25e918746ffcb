"""Import every model so that ``db.metadata`` is complete (migrations, create_all)."""

from aljisr.audit import AuditEvent
from aljisr.auth.models import User
from aljisr.backup.models import BackupRun
from aljisr.certificates.models import Certificate
from aljisr.hours.models import HoursEntry
from aljisr.imports.models import ImportBatch, ImportMapping, ImportRecord
from aljisr.mail import OutboxMessage
from aljisr.organisations.models import Organisation
from aljisr.placements.models import Placement
from aljisr.projects.models import Project, ProjectSDG
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer, VolunteerLanguage

__all__ = [
    "AuditEvent",
    "BackupRun",
    "Certificate",
    "HoursEntry",
    "ImportBatch",
    "ImportMapping",
    "ImportRecord",
    "Organisation",
    "OutboxMessage",
    "Placement",
    "Project",
    "ProjectSDG",
    "Site",
    "User",
    "Volunteer",
    "VolunteerLanguage",
]
