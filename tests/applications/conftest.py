from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aljisr.dates import association_today
from aljisr.organisations.models import OrganisationKind
from aljisr.projects.models import ProjectStatus
from tests.support import factories


@pytest.fixture
def projects(db: Any) -> list[Any]:
    """Three open projects next spring (capacity 1 for the first), and a draft one."""
    today = association_today()
    start, end = date(today.year + 1, 3, 1), date(today.year + 1, 6, 30)
    site = factories.site(factories.organisation(OrganisationKind.HOST), name="École Anwal",
                          name_ar="مدرسة أنوال")
    found = [factories.project(site, title=title, start_date=start, end_date=end, capacity=cap)
             for title, cap in (("Library", 1), ("Garden", 5), ("Murals", 5))]
    found.append(factories.project(site, title="Draft", start_date=start, end_date=end,
                                   status=ProjectStatus.DRAFT))
    db.session.commit()
    return found
