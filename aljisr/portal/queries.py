"""The volunteer portal's reads: my volunteer record, placements, hours and certificates.

Every read is built on :mod:`aljisr.scopes` (and, for certificates, on
:func:`aljisr.certificates.queries.certificates_for`), so a volunteer only ever loads their
own records and anything else is simply not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from aljisr.auth.models import User
from aljisr.certificates.models import Certificate
from aljisr.certificates.queries import certificates_for
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.listing import Page, paginate
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.scopes import hours_entries_for, placements_for, volunteers_for
from aljisr.volunteers.models import Volunteer

#: Placement statuses on which a volunteer logs hours from the portal ("current placements":
#: started and not yet completed by the coordinator).
CURRENT_STATUSES = (PlacementStatus.ACTIVE,)


def _placement_options() -> list[Any]:
    return [
        joinedload(Placement.project).joinedload(Project.site),
        joinedload(Placement.coordinator),
    ]


def own_volunteer(user: User) -> Volunteer | None:
    """The volunteer record linked to ``user``, with their sending organisation (the profile
    names it), or None (an account not linked yet). One statement, and one for languages."""
    return db.session.scalar(volunteers_for(user).where(Volunteer.user_id == user.id)
                             .options(joinedload(Volunteer.sending_organisation)))


def own_placement(user: User, placement_id: int) -> Placement | None:
    """One of ``user``'s placements by id, with project, site and coordinator; None otherwise."""
    return db.session.scalar(
        placements_for(user).where(Placement.id == placement_id).options(*_placement_options())
    )


def is_current(placement: Placement, today: date) -> bool:
    """Whether the volunteer logs hours on ``placement`` from the portal today."""
    return placement.status in CURRENT_STATUSES and placement.start_date <= today


def current_placements(user: User, today: date) -> list[Placement]:
    """``user``'s placements they can log hours on today (see :data:`CURRENT_STATUSES`)."""
    return list(
        db.session.scalars(
            placements_for(user)
            .where(Placement.status.in_(CURRENT_STATUSES), Placement.start_date <= today)
            .options(*_placement_options())
            .order_by(Placement.start_date, Placement.id)
        )
    )


def own_hours_entry(user: User, entry_id: int) -> HoursEntry | None:
    """One of ``user``'s hours entries by id (with placement, project, site, reviewer)."""
    return db.session.scalar(
        hours_entries_for(user)
        .where(HoursEntry.id == entry_id)
        .options(
            joinedload(HoursEntry.placement).joinedload(Placement.project).joinedload(Project.site),
            joinedload(HoursEntry.reviewed_by),
        )
    )


def hours_page(user: User, page: int, placement_id: int | None = None) -> Page:
    """``user``'s hours entries, newest date first, one page (two queries)."""
    stmt = hours_entries_for(user)
    if placement_id is not None:
        stmt = stmt.where(HoursEntry.placement_id == placement_id)
    return paginate(
        stmt,
        page,
        order=[HoursEntry.work_date.desc(), HoursEntry.id.desc()],
        options=[joinedload(HoursEntry.placement).joinedload(Placement.project)],
    )


def hours_totals(user: User, placement_id: int | None = None) -> dict[HoursStatus, Decimal]:
    """Hours of ``user`` by review status (every status present, 0 when none), one query."""
    stmt = (
        sa.select(HoursEntry.status, sa.func.coalesce(sa.func.sum(HoursEntry.hours), 0))
        .where(hours_entries_for(user).whereclause)
        .group_by(HoursEntry.status)
    )
    if placement_id is not None:
        stmt = stmt.where(HoursEntry.placement_id == placement_id)
    totals = dict.fromkeys(HoursStatus, Decimal("0"))
    for status, total in db.session.execute(stmt):
        totals[HoursStatus(status)] = Decimal(str(total))
    return totals


def own_certificates(user: User, placement_id: int | None = None) -> list[Certificate]:
    """``user``'s certificates, newest first (with their placement and project)."""
    stmt = certificates_for(user, for_download=False).options(
        joinedload(Certificate.placement).joinedload(Placement.project)
    )
    if placement_id is not None:
        stmt = stmt.where(Certificate.placement_id == placement_id)
    return list(
        db.session.scalars(stmt.order_by(Certificate.issue_date.desc(), Certificate.id.desc()))
    )


@dataclass(frozen=True)
class OwnRecords:
    """Every placement, hours entry and certificate of one volunteer, oldest first."""

    placements: list[Placement]
    hours_entries: list[HoursEntry]
    certificates: list[Certificate]


def own_records(user: User) -> OwnRecords:
    """``user``'s placements (with project, site and coordinator), hours entries and
    certificates of every status, each list oldest first, for the data export: three queries,
    each through the volunteer's own scope."""
    placements = list(
        db.session.scalars(
            placements_for(user).options(*_placement_options())
            .order_by(Placement.start_date, Placement.id)
        )
    )
    entries = list(
        db.session.scalars(
            hours_entries_for(user).order_by(HoursEntry.work_date, HoursEntry.id)
        )
    )
    certificates = list(
        db.session.scalars(
            certificates_for(user, for_download=False)
            .order_by(Certificate.issue_date, Certificate.id)
        )
    )
    return OwnRecords(placements, entries, certificates)


def volunteer_records(volunteer_id: int) -> OwnRecords:
    """Every placement (with project, site and coordinator), hours entry and certificate of
    the volunteer ``volunteer_id``, each list oldest first, for the right-of-access export a
    coordinator downloads (staff who manage the register see every volunteer): three
    queries."""
    placements = list(db.session.scalars(
        sa.select(Placement).where(Placement.volunteer_id == volunteer_id)
        .options(*_placement_options()).order_by(Placement.start_date, Placement.id)))
    entries = list(db.session.scalars(
        sa.select(HoursEntry).where(HoursEntry.volunteer_id == volunteer_id)
        .order_by(HoursEntry.work_date, HoursEntry.id)))
    certificates = list(db.session.scalars(
        sa.select(Certificate).where(Certificate.volunteer_id == volunteer_id)
        .order_by(Certificate.issue_date, Certificate.id)))
    return OwnRecords(placements, entries, certificates)


__all__ = [
    "CURRENT_STATUSES",
    "OwnRecords",
    "current_placements",
    "hours_page",
    "hours_totals",
    "is_current",
    "own_certificates",
    "own_hours_entry",
    "own_placement",
    "own_records",
    "volunteer_records",
    "own_volunteer",
]
