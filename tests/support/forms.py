"""Complete, valid register forms as a browser posts them; override a field to make one bad."""

from __future__ import annotations

from typing import Any


def org_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid organisation form (a German sending organisation)."""
    data = {"name": "Brückenbau Freiwilligendienste e.V.", "kind": "sending", "country": "DE",
            "city": "Leipzig", "address": "Karl-Liebknecht-Str. 1", "email": "Info@Bruecke.example",
            "phone": "0341 1234567", "website": "bruecke.example/de", "contact_name": "Jörg Weiß",
            "notes": ""}
    data.update(overrides)
    return data


def site_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid site form (a primary school with no host organisation)."""
    data = {"name": "Anwal primary school", "kind": "primary_school", "organisation_id": "",
            "address": "", "city": "Tétouan", "region": "Tanger-Tétouan-Al Hoceïma",
            "notes": ""}
    data.update(overrides)
    return data


def project_data(site: Any, **overrides: Any) -> dict[str, Any]:
    """A complete, valid project form at the site whose id is ``site`` (September 2026)."""
    data = {
        "title": "Renovations and decorations at Anwal primary school",
        "description": "Painting classrooms and the courtyard wall.",
        "site_id": str(site), "funder_id": "", "parent_id": "", "phase_number": "",
        "theme": "construction", "sdgs": ["4", "6"], "start_date": "2026-09-01",
        "end_date": "2026-09-30", "capacity": "5", "status": "open",
        "required_skills": "painting, plumbing", "required_languages": ["fr", "ar"],
    }
    data.update(overrides)
    return data


def form_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid volunteer form as a browser posts it (an override of None drops
    the field)."""
    data = {
        "full_name": "Ольга Петренко",
        "name_ar": "",
        "email": "olga@example.org",
        "phone": "+380 50 123 4567",
        "date_of_birth": "1998-04-12",
        "nationality": "UA",
        "sending_organisation_id": "",
        "status": "active",
        "languages-0-code": "uk",
        "languages-0-level": "native",
        "languages-1-code": "fr",
        "languages-1-level": "B1",
        "languages-2-code": "",
        "languages-2-level": "",
        "skills": "teaching, logistics, Teaching",
        "interests": ["education", "social"],
        "available_from": "2026-09-01",
        "available_to": "2026-12-20",
        "emergency_contact_name": "Ірина Петренко",
        "emergency_contact_phone": "+380 67 765 4321",
        "dietary_notes": "Vegetarian",
        "health_notes": "",
        "consent_date": "2026-01-10",
        "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
