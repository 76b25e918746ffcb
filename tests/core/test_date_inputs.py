"""A date field with an error stays a date picker (type="date"), like the other date field of
the form, when the form is shown again (422)."""

from __future__ import annotations

import re

from tests.support import factories
from tests.support.forms import project_data


def _input(html, name):
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def test_a_project_last_day_with_an_error_stays_a_date_picker(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site()
    db.session.commit()
    response = client.post("/projects/new", data=project_data(site.id, end_date="2026-08-31"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    end = _input(html, "end_date")
    assert 'aria-invalid="true"' in end and 'type="date"' in end and "placeholder" not in end
    assert 'type="date"' in _input(html, "start_date")


def test_a_placement_first_day_with_an_error_stays_a_date_picker(as_role, db):
    client, _user = as_role("coordinator")
    placement = factories.placement()
    db.session.commit()
    response = client.post("/placements/new", data={
        "volunteer": str(placement.volunteer_id), "project": str(placement.project_id),
        "start_date": "", "end_date": "2026-09-30"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    start = _input(html, "start_date")
    assert 'aria-invalid="true"' in start and 'type="date"' in start
    assert "placeholder" not in start
    assert 'type="date"' in _input(html, "end_date")


def test_a_register_filter_date_with_an_error_stays_a_date_picker(as_role, db):
    client, _user = as_role("coordinator")
    html = client.get("/projects/?date_from=2026-13-45").get_data(as_text=True)
    date_from = _input(html, "date_from")
    assert 'aria-invalid="true"' in date_from and 'type="date"' in date_from
