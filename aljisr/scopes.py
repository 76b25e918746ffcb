"""What each role may see, as SQL (docs/architecture.md §3.3).

Each function returns a ``Select`` already restricted to the caller's scope, so views never
load a record first and check afterwards; a record outside the scope simply is not found (404).
Staff (admin, coordinator) see everything. The certificates' scope, whose rule also depends on
the use (a list or a download), is :func:`aljisr.certificates.queries.certificates_for`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from aljisr.auth.models import User
from aljisr.dates import association_today
from aljisr.hours.models import HoursEntry
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer

#: Placements during which a host organisation sees a volunteer's dietary needs and emergency
#: contact ("while placed": confirmed or active and not yet over).
HOST_VISIBLE_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)

_NOTHING = sa.false()


def _host_site_ids(user: User) -> Any:
    return sa.select(Site.id).where(Site.organisation_id == user.organisation_id)


def placement_filter(user: User) -> Any:
    """A WHERE clause on ``Placement`` for the placements ``user`` may see."""
    if user.is_staff:
        return sa.true()
    if user.role is Role.VOLUNTEER:
        return Placement.volunteer_id.in_(
            sa.select(Volunteer.id).where(Volunteer.user_id == user.id)
        )
    if user.is_sending_partner:
        return Placement.volunteer_id.in_(
            sa.select(Volunteer.id).where(Volunteer.sending_organisation_id == user.organisation_id)
        )
    if user.is_host_partner:
        return Placement.project_id.in_(
            sa.select(Project.id).where(Project.site_id.in_(_host_site_ids(user)))
        )
    return _NOTHING


def placements_for(user: User) -> sa.Select[tuple[Placement]]:
    """Placements visible to ``user``."""
    return sa.select(Placement).where(placement_filter(user))


def volunteer_filter(user: User, today: date | None = None) -> Any:
    """A WHERE clause on ``Volunteer`` for the volunteers ``user`` may see.

    Host partners see volunteers only while placed at one of their sites: a confirmed or active
    placement whose end date has not passed.
    """
    if user.is_staff:
        return sa.true()
    if user.role is Role.VOLUNTEER:
        return Volunteer.user_id == user.id
    if user.is_sending_partner:
        return Volunteer.sending_organisation_id == user.organisation_id
    if user.is_host_partner:
        today = today or association_today()
        return Volunteer.id.in_(
            sa.select(Placement.volunteer_id)
            .join(Project, Project.id == Placement.project_id)
            .where(
                Project.site_id.in_(_host_site_ids(user)),
                Placement.status.in_(HOST_VISIBLE_STATUSES),
                Placement.end_date >= today,
            )
        )
    return _NOTHING


def volunteers_for(user: User, today: date | None = None) -> sa.Select[tuple[Volunteer]]:
    """Volunteers visible to ``user``."""
    return sa.select(Volunteer).where(volunteer_filter(user, today))


def project_filter(user: User) -> Any:
    """A WHERE clause on ``Project``: staff all; volunteers the projects of their placements;
    sending partners the projects their volunteers are placed on; host partners those at
    their sites."""
    if user.is_staff:
        return sa.true()
    if user.is_host_partner:
        return Project.site_id.in_(_host_site_ids(user))
    if user.role in (Role.VOLUNTEER, Role.PARTNER):
        return Project.id.in_(sa.select(Placement.project_id).where(placement_filter(user)))
    return _NOTHING


def projects_for(user: User) -> sa.Select[tuple[Project]]:
    """Projects visible to ``user``."""
    return sa.select(Project).where(project_filter(user))


def organisation_filter(user: User) -> Any:
    """Staff see all organisations; a partner user only its own."""
    if user.is_staff:
        return sa.true()
    if user.role is Role.PARTNER:
        return Organisation.id == user.organisation_id
    return _NOTHING


def sites_for(user: User) -> sa.Select[tuple[Site]]:
    """Sites visible to ``user``: staff all, host partners their own."""
    if user.is_staff:
        return sa.select(Site)
    if user.is_host_partner:
        return sa.select(Site).where(Site.organisation_id == user.organisation_id)
    return sa.select(Site).where(_NOTHING)


def hours_entry_filter(user: User) -> Any:
    """A WHERE clause on ``HoursEntry``: the entries of the placements ``user`` may see
    (volunteers their own, sending partners their volunteers', host partners those at their
    sites; staff all)."""
    if user.is_staff:
        return sa.true()
    return HoursEntry.placement_id.in_(sa.select(Placement.id).where(placement_filter(user)))


def hours_entries_for(user: User) -> sa.Select[tuple[HoursEntry]]:
    """Hours entries visible to ``user``."""
    return sa.select(HoursEntry).where(hours_entry_filter(user))


__all__ = [
    "HOST_VISIBLE_STATUSES",
    "hours_entries_for",
    "hours_entry_filter",
    "OrganisationKind",
    "placement_filter",
    "placements_for",
    "project_filter",
    "projects_for",
    "organisation_filter",
    "sites_for",
    "volunteer_filter",
    "volunteers_for",
]
