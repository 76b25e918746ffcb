"""Builders shared by the certificate tests (flush, never commit)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from pypdf import PdfReader

from aljisr.hours.models import HoursStatus
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import ProjectStatus
from tests.support import factories

START = date(2025, 9, 1)
END = date(2025, 9, 30)
ISSUED = date(2025, 10, 12)


def completed_placement(
    volunteer: Any = None,
    hours: tuple[str, ...] = ("4", "3.5"),
    project: Any = None,
    **kw: Any,
) -> Placement:
    """A completed placement (1-30 September 2025) with approved hours entries ``hours``
    on consecutive days, plus one submitted and one rejected entry that must not count."""
    project = project or factories.project(
        start_date=START, end_date=END, status=ProjectStatus.COMPLETED,
        site_=factories.site(city="Tiznit"),
    )
    placement = factories.placement(
        volunteer, project, status=PlacementStatus.COMPLETED, **kw
    )
    for offset, amount in enumerate(hours):
        factories.hours(placement, placement.start_date + timedelta(days=offset), amount)
    day = placement.start_date + timedelta(days=len(hours))
    factories.hours(placement, day, "5", HoursStatus.SUBMITTED)
    factories.hours(placement, day + timedelta(days=1), "6", HoursStatus.REJECTED,
                    rejection_reason="not on site")
    return placement


def pdf_text(data: bytes) -> str:
    """The text pypdf extracts from a PDF (all pages)."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
