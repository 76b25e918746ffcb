"""Helpers of the application tests: a valid public form's fields, and its signed stamp."""

from __future__ import annotations

import time
from typing import Any

from aljisr.applications.forms import new_stamp
from aljisr.dates import association_today


def apply_data(project_ids: list[int], **overrides: Any) -> dict[str, Any]:
    """The fields of a valid application form choosing ``project_ids`` (first choice first),
    shown a minute ago (so never "too fast"); ``overrides`` replace or add fields."""
    year = association_today().year + 1
    data: dict[str, Any] = {
        "full_name": "Élodie Müller-Ibáñez", "email": "elodie@example.org",
        "phone": "+33 6 12 34 56 78", "nationality": "FR", "date_of_birth": "1998-04-02",
        "languages-0-code": "fr", "languages-0-level": "native",
        "languages-1-code": "en", "languages-1-level": "B2",
        "skills": "painting, teaching", "interests": ["education"],
        "available_from": f"{year}-03-15", "available_to": f"{year}-05-31",
        "sending_organisation_id": "", "motivation": "I would like to help.",
        "heard_from": "search", "consent": "y", "website": "",
        "started": new_stamp(time.time() - 60),
    }
    for rank, project_id in enumerate(project_ids):
        data[f"projects-{rank}-project"] = str(project_id)
    data.update(overrides)
    return data
