"""Bulk test data for report tests: one sending organisation with many placements.

Builds hundreds of rows with a single flush (the factories flush per object).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project, ProjectStatus, Theme
from aljisr.sites.models import Site, SiteKind
from aljisr.volunteers.models import Volunteer, VolunteerStatus

#: Names in several scripts, with accents, and formula-like ones.
NAMES = (
    "Léa Fontaine", "Ольга Петренко", "فاطمة الزهراء بنعلي", "Amina (أمينة) Zhou",
    "山田 さくら", "Siobhán O'Connor", "Ιωάννα Παπαδοπούλου", "María de los Ángeles "
    "Fernández-Villaverde y Rodríguez de la Concepción", "Jonas Müller", "김민지",
)
NATIONALITIES = ("FR", "UA", "MA", "GB", "JP", "IE", "GR", "ES", "DE", "KR")
PERIOD = (date(2026, 1, 1), date(2026, 6, 30))


def sending_organisation_with(count: int, name: str = "Passerelles Solidaires",
                              hours_per_placement: int = 2) -> Organisation:
    """A sending organisation with ``count`` active placements in the first half of 2026,
    spread over 12 projects (long titles) at 4 sites, each with approved hours and one
    submitted entry that must not count."""
    sender = Organisation(name=name, kind=OrganisationKind.SENDING, country="FR")
    sites = [Site(name=f"Site {i} — école primaire de Maggamane", kind=SiteKind.PRIMARY_SCHOOL)
             for i in range(4)]
    projects = [
        Project(title=f"Project {i}: construction of a multidisciplinary room at the "
                f"Maggamane socio-educational centre (step {i})",
                site=sites[i % 4], theme=list(Theme)[i % 5], status=ProjectStatus.IN_PROGRESS,
                start_date=date(2025, 12, 1), end_date=date(2026, 12, 31), capacity=500,
                required_skills=[], required_languages=[])
        for i in range(12)
    ]
    db.session.add_all([sender, *sites, *projects])
    placements = []
    for i in range(count):
        volunteer = Volunteer(full_name=f"{NAMES[i % len(NAMES)]} {i}",
                              nationality=NATIONALITIES[i % len(NATIONALITIES)],
                              sending_organisation=sender, status=VolunteerStatus.ACTIVE,
                              skills=[], interests=[])
        start = date(2026, 1, 1) + timedelta(days=i % 150)
        placements.append(Placement(volunteer=volunteer, project=projects[i % 12],
                                    start_date=start, end_date=start + timedelta(days=20),
                                    status=PlacementStatus.ACTIVE))
        db.session.add_all([volunteer, placements[-1]])
    db.session.flush()
    for placement in placements:
        for day in range(hours_per_placement):
            db.session.add(HoursEntry(placement=placement, volunteer_id=placement.volunteer_id,
                                      work_date=placement.start_date + timedelta(days=day),
                                      hours=Decimal("3.5"), activity="Painting",
                                      status=HoursStatus.APPROVED))
        db.session.add(HoursEntry(placement=placement, volunteer_id=placement.volunteer_id,
                                  work_date=placement.start_date
                                  + timedelta(days=hours_per_placement),
                                  hours=Decimal("8"), activity="Waiting",
                                  status=HoursStatus.SUBMITTED))
    db.session.flush()
    return sender
