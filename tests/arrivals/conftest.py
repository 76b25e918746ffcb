"""Fixtures of the arrivals tests: a real SMTP server (as in tests/notifications) and a small
world with a placement at a host's school whose site keeps its logistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from aljisr.dates import association_today
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from aljisr.sites.models import SiteKind
from tests.support import factories
from tests.support.smtp import app_config, smtp, smtp_port  # noqa: F401 (fixtures)


@dataclass
class World:
    coordinator: Any
    volunteer_user: Any
    volunteer: Any
    sending_contact: Any
    host_contact: Any
    site: Any
    other_site: Any
    project: Any
    placement: Any


@pytest.fixture
def world(app, db) -> World:
    """A volunteer (Arabic interface) confirmed on a school project starting in 20 days at a
    site of the host organisation "Ecole Al Amal", with the site's logistics filled in; a
    second host's site with its own project."""
    sending = factories.organisation(OrganisationKind.SENDING, name="Erasmus Lyon")
    host = factories.organisation(OrganisationKind.HOST, name="Ecole Al Amal")
    other_host = factories.organisation(OrganisationKind.HOST, name="Other host")
    sending_contact = factories.user(Role.PARTNER, organisation=sending, locale="fr",
                                     email="contact@erasmus-lyon.example")
    host_contact = factories.user(Role.PARTNER, organisation=host, locale="en",
                                  email="head@alamal.example")
    site = factories.site(
        host, name="Al Amal School", name_ar="مدرسة الأمل", kind=SiteKind.PRIMARY_SCHOOL,
        address="12 rue des Orangers", city="Tétouan",
        latitude=Decimal("35.578450"), longitude=Decimal("-5.368370"),
        meeting_point="Café Central, Place Moulay El Mehdi, at 9:00",
        transport_points="Tangier Ibn Battouta airport (TNG)\nTétouan CTM bus station",
        accommodation="Host family in the medina", food="Meals with the family",
        host_contact="Nadia Bennani, +212 6 61 00 00 01",
        local_emergency="Saniat Rmel hospital, +212 5 39 96 26 26")
    other_site = factories.site(other_host, name="Far School")
    start = association_today() + timedelta(days=20)
    project = factories.project(site, title="Reading club", title_ar="نادي القراءة",
                                start_date=start, end_date=start + timedelta(days=60),
                                working_days="Monday to Friday",
                                working_hours="9:00 to 12:30",
                                what_to_bring="Modest clothes\nA water bottle")
    volunteer_user = factories.user(Role.VOLUNTEER, locale="ar", email="amal@example.org")
    volunteer = factories.volunteer(sending, user=volunteer_user, email="amal@example.org",
                                    full_name="Amal Haddad")
    coordinator = factories.user(Role.COORDINATOR, locale="fr", email="coord@example.org",
                                 display_name="Samira Alaoui")
    placement = factories.placement(volunteer, project, status=PlacementStatus.CONFIRMED,
                                    start_date=start, end_date=start + timedelta(days=13),
                                    coordinator=coordinator)
    db.session.commit()
    return World(coordinator, volunteer_user, volunteer, sending_contact, host_contact, site,
                 other_site, project, placement)
