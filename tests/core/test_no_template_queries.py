"""Templates never query (docs/architecture.md §4.6): every page of the access matrix's table
that a role may see (a GET answered 200) is rendered signed in as that role, and no SQL
statement may be sent while a template renders. A relationship a template reads that the view
did not load (a lazy load) is such a statement: the view, or the query it calls, loads what
its template shows.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import render_template_string

from aljisr.placements.models import Placement
from tests.support import factories
from tests.support.access_matrix import ROLES, ROWS, MatrixWorld
from tests.support.sql import queries_in_templates


def _pages_for(role: str) -> list[str]:
    """The URL templates of the GET rows ``role`` may see (200)."""
    column = ROLES.index(role)
    return [entry.url for entry in ROWS
            if entry.method == "GET" and entry.expect[column] == 200 and not entry.data]


def _short(sql: str) -> str:
    """The statement on one line, its column list left out: "SELECT … FROM volunteers …"."""
    text = " ".join(sql.split())
    if text.startswith("SELECT ") and " FROM " in text:
        text = "SELECT … FROM " + text.split(" FROM ", 1)[1]
    return text[:300]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_queries_while_its_template_renders(app: Any, world: MatrixWorld,
                                                    role: str) -> None:
    """Each page the role may see renders without a query; all offenders are named at once,
    with their template and statement."""
    client = world.client(role)
    failures = []
    for template in _pages_for(role):
        url = world.fill(template)
        with queries_in_templates(app) as found:
            # the table's rows run in order, and a few pages change state on the way (an
            # import committed by an earlier row); alone, such a page redirects: follow it
            response = client.get(url, follow_redirects=True)
            response.close()
        assert response.status_code == 200, url
        failures.extend(f"{url} ({name}): {_short(sql)}" for name, sql in found)
    assert not failures, (f"{role}: statements sent while a template rendered (load them in "
                          "the view or its query):\n  " + "\n  ".join(failures))


def test_every_role_is_checked() -> None:
    """Each role sees a few pages at least, so a change of the table cannot empty this test."""
    assert all(len(_pages_for(role)) >= 5 for role in ROLES)


def test_a_lazy_load_in_a_template_is_caught(app: Any, db: Any) -> None:
    """The recorder sees the statement a template sends by reading a relationship the view did
    not load, and not the view's own."""
    placement_id = factories.placement().id
    db.session.commit()
    db.session.expunge_all()  # nothing in the session: the volunteer is not loaded
    with app.test_request_context(), queries_in_templates(app) as found:
        placement = db.session.get(Placement, placement_id)  # the view's read: not counted
        html = render_template_string("{{ placement.volunteer.full_name }}", placement=placement)
    assert html and len(found) >= 1, found
    assert all(name == "<string>" for name, _sql in found)
    assert "volunteers" in found[0][1] and "placements" not in found[0][1].split("FROM")[1]
