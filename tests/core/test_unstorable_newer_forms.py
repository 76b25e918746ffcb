"""Text no database can store (a NUL) in the forms and searches added after the first check
(tests/core/test_unstorable_text.py, issue 12): the public application form, the arrival
details, a volunteer's testimonial and a coordinator's decline of it, the planner's run form.
Each is refused beside its field with status 422, what was typed kept (U+FFFD where the NUL
was), nothing saved; in the applications inbox, a partner's volunteers and the placement
pickers a NUL in the search is no match, never an error."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from aljisr.applications.models import Application
from aljisr.arrivals.models import ArrivalDetails
from aljisr.dates import association_today
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from aljisr.planner.models import PlanningRun
from aljisr.testimonials import models as testimonials
from tests.support import factories
from tests.support.applications import apply_data
from tests.support.clients import login_client

MESSAGE = "invisible character that cannot be saved"
WORDS = "Nous avons repeint quatre classes avec les élèves."


def _count(db: Any, model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _refused_beside(response: Any, field: str, kept: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 422, (response.status_code, html[:2000])
    parts = html.split(f'id="{field}-error"', 1)
    assert len(parts) == 2, f"no error beside {field}"
    assert MESSAGE in parts[1][:400]
    assert kept in html and "\x00" not in html


def _apply(app: Any, db: Any) -> tuple[Any, Any]:
    start = date(association_today().year + 1, 3, 1)
    project = factories.project(start_date=start, end_date=start + timedelta(days=120))
    db.session.commit()
    response = app.test_client().post("/apply", data=apply_data(
        [project.id], full_name="Élodie\x00Müller", motivation="I would like\x00 to help."))
    return response, ("full_name", "Élodie\ufffdMüller", Application)


def _arrival(app: Any, db: Any) -> tuple[Any, Any]:
    start = association_today() + timedelta(days=20)
    project = factories.project(start_date=start, end_date=start + timedelta(days=60))
    placement = factories.placement(project_=project, status=PlacementStatus.CONFIRMED,
                                    start_date=start, end_date=start + timedelta(days=13))
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    response = login_client(app, coordinator).post(
        f"/arrivals/placements/{placement.id}",
        data={"arrival_date": (start - timedelta(days=1)).isoformat(), "arrival_time": "14:35",
              "arrival_mode": "flight", "arrival_number": "AT\x00801",
              "arrival_point": "Tangier airport", "departure_date": placement.end_date.isoformat(),
              "departure_mode": "bus", "insurance_provider": "AXA", "insurance_policy": "TRV-1",
              "emergency_contact_name": "Leila Haddad",
              "emergency_contact_phone": "06 12 34 56 78"})
    return response, ("arrival_number", "AT\ufffd801", ArrivalDetails)


def _volunteer_with_a_completed_placement(db: Any) -> tuple[Any, Any]:
    user = factories.user(Role.VOLUNTEER, email="lea@example.org")
    volunteer = factories.volunteer(full_name="Léa Fontaine", email="lea@example.org",
                                    user=user)
    done = factories.placement(volunteer, factories.project(
        start_date=date(2025, 3, 3), end_date=date(2025, 5, 30)),
        status=PlacementStatus.COMPLETED)
    db.session.commit()
    return user, done


def _testimonial(app: Any, db: Any) -> tuple[Any, Any]:
    user, done = _volunteer_with_a_completed_placement(db)
    response = login_client(app, user).post("/me/testimonials", data={
        "placement": done.id, "language": "fr", "body": WORDS.replace(" ", "\x00 ", 1),
        "signature": "first_name_country"})
    return response, ("body", WORDS.replace(" ", "\ufffd ", 1), testimonials.Testimonial)


def _decline(app: Any, db: Any) -> tuple[Any, Any]:
    user, done = _volunteer_with_a_completed_placement(db)
    sent = login_client(app, user).post("/me/testimonials", data={
        "placement": done.id, "language": "fr", "body": WORDS,
        "signature": "first_name_country"})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    testimonial = db.session.scalar(sa.select(testimonials.Testimonial))
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    response = login_client(app, coordinator).post(
        f"/testimonials/{testimonial.id}/decline", data={"reason": "Names\x00 of pupils."})
    db.session.expire_all()
    kept = db.session.get(testimonials.Testimonial, testimonial.id)
    assert kept.status is testimonials.TestimonialStatus.SUBMITTED
    return response, (f"reason-{testimonial.id}", "Names\ufffd of pupils.", None)


def _planner(app: Any, db: Any) -> tuple[Any, Any]:
    start = association_today() + timedelta(days=30)
    project = factories.project(start_date=start, end_date=start + timedelta(days=30))
    factories.volunteer(full_name="Zoé Nulle", available_from=start,
                        available_to=start + timedelta(days=30))
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    response = login_client(app, coordinator).post("/planner/", data={
        "q": "Zo\x00", "status": "", "projects": [project.id], "weight_match": 1,
        "weight_wishes": 1, "weight_org_wishes": 1, "weight_mixing": 0, "time_limit": 5,
        "must": "", "must_not": ""})
    return response, ("q", 'value="Zo\ufffd"', PlanningRun)


FORMS = {"apply": _apply, "arrival details": _arrival, "testimonial": _testimonial,
         "testimonial decline": _decline, "planner run": _planner}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_nul_in_a_newer_form_is_refused_beside_its_field(app, db, form):
    response, (field, kept, model) = FORMS[form](app, db)
    _refused_beside(response, field, kept)
    if model is not None:
        assert _count(db, model) == 0


@pytest.mark.parametrize("url", [
    "/applications/?q=Zo%00",
    "/placements/new/volunteers?q=Zo%00",
    "/placements/new/projects?q=Zo%00",
])
def test_a_nul_in_a_newer_search_is_no_match(as_role, db, url):
    client, _ = as_role("coordinator")
    factories.volunteer(full_name="Zoé Nulle", email="zoe@example.org")
    factories.project(title="Zoo garden")
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200
    if "/new/" in url:  # a picker's JSON: nothing offered; without the NUL, a match
        assert response.get_json()["options"] == []
        assert client.get(url.replace("%00", "")).get_json()["options"] != []
    else:
        text = response.get_data(as_text=True)
        assert "Zoé Nulle" not in text and MESSAGE not in text


def test_a_nul_in_a_partners_volunteer_search_is_no_match(app, db):
    sender = factories.organisation(OrganisationKind.SENDING)
    partner = factories.user(Role.PARTNER, organisation=sender)
    factories.placement(factories.volunteer(sender, full_name="Zoé Nulle"),
                        status=PlacementStatus.ACTIVE)
    db.session.commit()
    client = login_client(app, partner)
    assert "Zoé Nulle" in client.get("/partner/volunteers?q=Zo").get_data(as_text=True)
    response = client.get("/partner/volunteers?q=Zo%00")
    assert response.status_code == 200
    assert "Zoé Nulle" not in response.get_data(as_text=True)
