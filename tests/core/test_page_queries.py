"""Each page's reads are in its view: the detail pages that show other areas' sections send a
fixed number of statements, whatever the number of rows in those sections."""

from __future__ import annotations

from datetime import date

import pytest

from aljisr.placements.models import PlacementStatus
from tests.support import factories
from tests.support.sql import queries_sent

#: The most statements each page may send as an administrator (SQLite; PostgreSQL sends one
#: fewer), measured when the sections' reads were template globals: reading them in the views
#: must not add any. Since then: the placement's arrival details (docs/architecture.md §6.14);
#: the related records of the detail pages read by id, one small statement each, instead of
#: joined to the page's own (§6.25: a joined load costs each worker hundreds of KB of cache).
MOST = {
    "volunteer": 9,
    "project": 9,
    "placement": 12,
    "log_hours": 9,
}


def _count(app, client, url: str) -> int:

    with queries_sent() as statements:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(statements)


def _pages(volunteer, project, placement) -> dict[str, str]:
    return {
        "volunteer": f"/volunteers/{volunteer.id}",
        "project": f"/projects/{project.id}",
        "placement": f"/placements/{placement.id}",
        "log_hours": f"/hours/placement/{placement.id}/log",
    }


@pytest.mark.parametrize("page", sorted(MOST))
def test_detail_pages_send_a_fixed_number_of_statements(app, db, as_role, page):
    client, _ = as_role("admin")
    volunteer = factories.volunteer()
    project = factories.project()
    placement = factories.placement(volunteer, project, status=PlacementStatus.ACTIVE)
    factories.hours(placement, date(2026, 9, 2))
    db.session.commit()
    url = _pages(volunteer, project, placement)[page]
    small = _count(app, client, url)
    for n in range(3, 9):
        other = factories.placement(volunteer, factories.project(), status=PlacementStatus.ACTIVE)
        factories.placement(factories.volunteer(), project, status=PlacementStatus.ACTIVE)
        factories.hours(placement, date(2026, 9, n))
        factories.hours(other, date(2026, 9, n))
    db.session.commit()
    large = _count(app, client, url)
    assert small == large
    assert large <= MOST[page]
