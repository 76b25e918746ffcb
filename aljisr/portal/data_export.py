"""The volunteer's data export: everything the association holds about one volunteer, as
plain JSON-ready values (format ``aljisr-volunteer-export/1``) -- downloaded by the signed-in
volunteer (/me/export) or, for a volunteer with or without a login, by a coordinator from the
volunteer's page (/volunteers/ID/data.json). The right of access: Moroccan Law 09-08, art. 7;
GDPR, art. 15."""

from __future__ import annotations

from typing import Any

from flask import current_app

from aljisr.applications.queries import applications_of_volunteer
from aljisr.auth.models import User
from aljisr.database import utcnow
from aljisr.planner.queries import recorded_wishes
from aljisr.portal import queries
from aljisr.testimonials.queries import volunteer_testimonials
from aljisr.volunteers.models import Volunteer


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def _enum(value: Any) -> Any:
    return getattr(value, "value", value)


def export_data(user: User | None, volunteer: Volunteer,
                records: queries.OwnRecords | None = None) -> dict[str, Any]:
    """Everything the association holds about ``volunteer`` (whose login is ``user``, None
    when it has none), as plain JSON-ready values: account, profile, languages, placements,
    hours entries, certificates, testimonials (those not withdrawn: a withdrawn one keeps no
    text), the applications that led to the volunteer (with their consent) and the project
    wishes recorded for the planner.

    :param records: the volunteer's placements, hours and certificates; None: read through
        the signed-in volunteer's own scope (:func:`~aljisr.portal.queries.own_records`).
        Dates are ISO 8601, timestamps UTC, hours decimal strings ("3.50"). Issued
        certificates are listed by serial and status.
    """
    if records is None:
        assert user is not None
        records = queries.own_records(user)
    placements, entries, certificates = (
        records.placements, records.hours_entries, records.certificates
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
        } if user is not None else None,
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
        "testimonials": [
            {
                "id": t.id,
                "placement_id": t.placement_id,
                "language": t.language,
                "text": t.body,
                "signature": _enum(t.signature),
                "status": _enum(t.status),
                "decline_reason": t.decline_reason,
                "created_at": _iso(t.created_at),
            }
            for t in volunteer_testimonials(volunteer.id)
        ],
        "applications": [
            {
                "id": a.id,
                "status": _enum(a.status),
                "sent_at": _iso(a.created_at),
                "confirmed_at": _iso(a.confirmed_at),
                "decided_at": _iso(a.decided_at),
                "withdrawn_at": _iso(a.withdrawn_at),
                "language": a.locale,
                "consent_version": a.consent_version,
                "consent_at": _iso(a.consent_at),
                "testimonial_consent": a.testimonial_consent,
                "motivation": a.motivation,
                "heard_from": a.heard_from,
                "heard_from_detail": a.heard_from_detail,
                "sending_organisation_other": a.sending_organisation_other,
                "chosen_projects": [p.project_id for p in a.preferences],
                "decline_reason": a.decline_reason,
            }
            for a in applications_of_volunteer(volunteer.id)
        ],
        "project_wishes": [
            {
                "project_id": w.project_id,
                "rank": w.rank,
                "by": "sending_organisation" if w.by_sending_organisation else "volunteer",
            }
            for w in recorded_wishes(volunteer.id)
        ],
    }


__all__ = ["export_data"]
