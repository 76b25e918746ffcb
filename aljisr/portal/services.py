"""The volunteer portal's reads and its one write (the volunteer's own profile).

Every read is built on :mod:`aljisr.scopes`, so a volunteer only ever loads their own records
and anything else is simply not found (404). Hours are logged through
:func:`aljisr.hours.services.log_hours` (same rules as for coordinators); nothing here repeats
those rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from aljisr.auth.models import User
from aljisr.certificates.models import Certificate
from aljisr.certificates.queries import certificates_for
from aljisr.database import utcnow
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.listing import Page, paginate
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.scopes import hours_entries_for, placements_for, volunteers_for
from aljisr.volunteers.models import Volunteer
from aljisr.volunteers.services import update_volunteer

#: What a volunteer may change about themselves (plus nothing else, whatever is posted).
PROFILE_FIELDS = (
    "phone", "emergency_contact_name", "emergency_contact_phone", "dietary_notes", "skills",
    "languages",
)

#: Placement statuses on which a volunteer logs hours from the portal ("current placements":
#: started and not yet completed by the coordinator).
CURRENT_STATUSES = (PlacementStatus.ACTIVE,)


def _placement_options() -> list[Any]:
    return [
        joinedload(Placement.project).joinedload(Project.site),
        joinedload(Placement.coordinator),
    ]


def own_volunteer(user: User) -> Volunteer | None:
    """The volunteer record linked to ``user``, or None (an account not linked yet)."""
    return db.session.scalar(volunteers_for(user).where(Volunteer.user_id == user.id))


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


def update_own_profile(
    volunteer: Volunteer, values: Mapping[str, Any], *, actor: User
) -> list[str]:
    """Change the parts of their profile a volunteer may change (:data:`PROFILE_FIELDS`).

    Any other key in ``values`` (status, sending organisation, name, e-mail, health notes...)
    is ignored. Validation and the audit record are the register's
    (:func:`aljisr.volunteers.services.update_volunteer`).

    :returns: the names of the fields that changed.
    :raises DomainError: a value breaks a rule (``field`` says which).
    """
    allowed = {key: values[key] for key in PROFILE_FIELDS if key in values}
    return update_volunteer(volunteer, allowed, actor=actor)


# --- "everything the association holds about me" ---------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def _enum(value: Any) -> Any:
    return getattr(value, "value", value)


def export_data(user: User, volunteer: Volunteer) -> dict[str, Any]:
    """Everything the association holds about ``volunteer`` (the signed-in ``user``), as plain
    JSON-ready values: account, profile, languages, placements, hours entries, certificates.

    Every list is read through the volunteer's own scope. Dates are ISO 8601, timestamps UTC,
    hours decimal strings ("3.50"). Issued certificates are listed by serial and status.
    """
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
    sender = volunteer.sending_organisation
    return {
        "format": "aljisr-volunteer-export/1",
        "exported_at": _iso(utcnow()),
        "association": current_app.config["ASSOCIATION_NAME"],
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.locale,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "profile": {
            "id": volunteer.id,
            "full_name": volunteer.full_name,
            "name_ar": volunteer.name_ar,
            "email": volunteer.email,
            "phone": volunteer.phone,
            "date_of_birth": _iso(volunteer.date_of_birth),
            "nationality": volunteer.nationality,
            "sending_organisation": (
                {"name": sender.name, "country": sender.country} if sender else None
            ),
            "status": _enum(volunteer.status),
            "skills": list(volunteer.skills or []),
            "interests": list(volunteer.interests or []),
            "available_from": _iso(volunteer.available_from),
            "available_to": _iso(volunteer.available_to),
            "emergency_contact_name": volunteer.emergency_contact_name,
            "emergency_contact_phone": volunteer.emergency_contact_phone,
            "dietary_notes": volunteer.dietary_notes,
            "health_notes": volunteer.health_notes,
            "consent_date": _iso(volunteer.consent_date),
            "notes": volunteer.notes,
            "created_at": _iso(volunteer.created_at),
            "updated_at": _iso(volunteer.updated_at),
        },
        "languages": [
            {"code": lang.code, "level": _enum(lang.level)} for lang in volunteer.languages
        ],
        "placements": [
            {
                "id": p.id,
                "project": p.project.title,
                "theme": _enum(p.project.theme),
                "site": {
                    "name": p.project.site.name,
                    "address": p.project.site.address,
                    "city": p.project.site.city,
                },
                "start_date": _iso(p.start_date),
                "end_date": _iso(p.end_date),
                "role": p.role,
                "status": _enum(p.status),
                "status_reason": p.status_reason,
                "notes": p.notes,
                "coordinator": (
                    {"name": p.coordinator.display_name, "email": p.coordinator.email}
                    if p.coordinator else None
                ),
            }
            for p in placements
        ],
        "hours": [
            {
                "id": e.id,
                "placement_id": e.placement_id,
                "work_date": _iso(e.work_date),
                "hours": str(e.hours),
                "activity": e.activity,
                "status": _enum(e.status),
                "rejection_reason": e.rejection_reason,
                "reviewed_at": _iso(e.reviewed_at),
                "host_confirmed_at": _iso(e.host_confirmed_at),
                "host_query": e.host_query,
                "created_at": _iso(e.created_at),
            }
            for e in entries
        ],
        "certificates": [
            {
                "serial": c.serial,
                "status": _enum(c.status),
                "kind": _enum(c.kind),
                "issue_date": _iso(c.issue_date),
                "language": c.language,
                "placement_id": c.placement_id,
                "verification_code": c.verification_code,
                "revoked_reason": c.revoked_reason,
            }
            for c in certificates
        ],
    }


__all__ = [
    "CURRENT_STATUSES",
    "PROFILE_FIELDS",
    "current_placements",
    "export_data",
    "hours_page",
    "hours_totals",
    "is_current",
    "own_certificates",
    "own_hours_entry",
    "own_placement",
    "own_volunteer",
    "update_own_profile",
]
