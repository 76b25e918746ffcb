"""Import every model so that ``db.metadata`` is complete (migrations, create_all)."""

from aljisr.applications.models import Application, ApplicationProject
from aljisr.arrivals.models import ArrivalDetails
from aljisr.audit import AuditEvent
from aljisr.auth.models import User
from aljisr.backup.models import BackupRun
from aljisr.calendars.models import CalendarFeed
from aljisr.certificates.models import Certificate
from aljisr.hours.models import HoursEntry
from aljisr.imports.models import ImportBatch, ImportMapping, ImportRecord
from aljisr.notifications.models import NotificationOptOut, OutboxAttachment, OutboxMessage
from aljisr.once import FormToken
from aljisr.organisations.models import Organisation
from aljisr.placements.models import Placement
from aljisr.planner.models import LeftOut, PlannedPlacement, PlanningRun, ProjectWish
from aljisr.projects.models import Project, ProjectSDG
from aljisr.sites.models import Site
from aljisr.testimonials.models import Testimonial
from aljisr.volunteers.models import Volunteer, VolunteerLanguage

__all__ = [
    "ArrivalDetails",
    "Application",
    "ApplicationProject",
    "AuditEvent",
    "BackupRun",
    "CalendarFeed",
    "Certificate",
    "FormToken",
    "HoursEntry",
    "ImportBatch",
    "ImportMapping",
    "ImportRecord",
    "NotificationOptOut",
    "Organisation",
    "OutboxAttachment",
    "OutboxMessage",
    "LeftOut",
    "Placement",
    "PlannedPlacement",
    "PlanningRun",
    "Project",
    "ProjectSDG",
    "ProjectWish",
    "Site",
    "Testimonial",
    "User",
    "Volunteer",
    "VolunteerLanguage",
]
