"""A failed single review re-renders the queue at the POST-only review URL
(``/hours/<id>/review?<the queue's args>``). A GET on that URL (a reload, Enter in the address
bar, switching the interface language) goes back to the queue with the same query arguments,
for the users who may see the queue, and is refused like the queue for everyone else."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from aljisr.dates import association_today
from aljisr.hours.models import HoursEntry, HoursStatus
from tests.support import factories

D = association_today()
QUERY = "status=submitted&sort=hours&dir=asc"


def _entry():
    project = factories.project(start_date=D - timedelta(days=20), end_date=D + timedelta(days=20))
    placement = factories.placement(project_=project, start_date=D - timedelta(days=20),
                                    end_date=D + timedelta(days=20))
    return factories.hours(placement, D - timedelta(days=2), "4", HoursStatus.SUBMITTED,
                           activity="Painting the library")


def _split(location):
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query, keep_blank_values=True)


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_get_on_the_review_url_redirects_to_the_queue_with_the_same_arguments(db, as_role, role):
    client, _ = as_role(role)
    entry = _entry()
    db.session.commit()
    response = client.get(f"/hours/{entry.id}/review?{QUERY}")
    assert response.status_code == 302
    assert _split(response.headers["Location"]) == (
        "/hours/", {"status": ["submitted"], "sort": ["hours"], "dir": ["asc"]})


def test_every_queue_argument_is_kept_filters_and_page_included(db, as_role):
    client, _ = as_role("coordinator")
    entry = _entry()
    db.session.commit()
    query = ("status=any&host=Centre+Maggamane&project=3&site=4&volunteer=%D0%9E%D0%BB%D1%8C"
             "%D0%B3%D0%B0&volunteer_id=7&date_from=2024-01-01&date_to=2024-12-31&page=2"
             "&sort=date&dir=desc")
    response = client.get(f"/hours/{entry.id}/review?{query}")
    assert response.status_code == 302
    assert _split(response.headers["Location"]) == ("/hours/", parse_qs(query))


def test_get_without_arguments_goes_to_the_bare_queue(db, as_role):
    client, _ = as_role("coordinator")
    entry = _entry()
    db.session.commit()
    response = client.get(f"/hours/{entry.id}/review")
    assert response.status_code == 302
    assert _split(response.headers["Location"]) == ("/hours/", {})


def test_reloading_after_a_failed_review_lands_on_the_queue_and_changes_nothing(db, as_role):
    client, _ = as_role("coordinator")
    entry = _entry()
    db.session.commit()
    url = f"/hours/{entry.id}/review?{QUERY}"
    failed = client.post(url, data={"action": "reject", f"reason-{entry.id}": ""})
    assert failed.status_code == 422  # the queue, re-rendered at the review URL
    assert "Painting the library" in failed.get_data(as_text=True)

    again = client.get(url, follow_redirects=True)
    assert again.status_code == 200
    assert again.request.path == "/hours/"
    assert parse_qs(again.request.query_string.decode()) == parse_qs(QUERY)
    assert "Painting the library" in again.get_data(as_text=True)
    status = db.session.scalar(sa.select(HoursEntry.status).where(HoursEntry.id == entry.id))
    assert status is HoursStatus.SUBMITTED


@pytest.mark.parametrize("role", ["volunteer", "sending", "host"])
def test_other_roles_are_refused_as_at_the_queue(db, as_role, role):
    client, _ = as_role(role)
    entry = _entry()
    db.session.commit()
    queue = client.get(f"/hours/?{QUERY}")
    review = client.get(f"/hours/{entry.id}/review?{QUERY}")
    assert queue.status_code == 403
    assert review.status_code == queue.status_code
    assert "Location" not in review.headers


def test_anonymous_is_sent_to_sign_in_as_at_the_queue(db, client):
    entry = _entry()
    db.session.commit()
    queue = client.get(f"/hours/?{QUERY}")
    review = client.get(f"/hours/{entry.id}/review?{QUERY}")
    assert queue.status_code == review.status_code == 302
    queue_path, queue_args = _split(queue.headers["Location"])
    review_path, review_args = _split(review.headers["Location"])
    assert queue_path == review_path == "/login"
    # back to the page asked for after signing in (which then redirects to the queue)
    assert review_args["next"] == [f"/hours/{entry.id}/review?{QUERY}"]
