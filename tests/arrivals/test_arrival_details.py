"""Arrival details (issue 14, item 3): recorded by the volunteer or a coordinator, checked,
audited, and shown to the host while the placement is live (docs/architecture.md §6.1)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from aljisr.arrivals.models import ArrivalDetails, TravelMode
from aljisr.audit import AuditEvent
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from aljisr.volunteers.services import anonymise_volunteer
from tests.support import factories
from tests.support.clients import login_client


def _form(world, **changes):
    start = world.placement.start_date
    data = {
        "arrival_date": (start - timedelta(days=1)).isoformat(), "arrival_time": "14:35",
        "arrival_mode": "flight", "arrival_number": "at 801",
        "arrival_point": "Tangier Ibn Battouta airport (TNG)", "pickup_needed": "y",
        "departure_date": world.placement.end_date.isoformat(), "departure_time": "09:40",
        "departure_mode": "bus", "departure_number": "",
        "insurance_provider": "AXA Assistance", "insurance_policy": "TRV-1",
        "insurance_valid_until": (world.placement.end_date + timedelta(days=5)).isoformat(),
        "emergency_contact_name": "Leila Haddad", "emergency_contact_relation": "mother",
        "emergency_contact_phone": "06 12 34 56 78",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_volunteer_records_travel_insurance_and_emergency_contact(app, db, world):
    client = login_client(app, world.volunteer_user)
    url = f"/me/placements/{world.placement.id}/arrival"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # the arrival point is chosen from the site's list
    assert "Tangier Ibn Battouta airport (TNG)" in html and "Tétouan CTM bus station" in html

    done = client.post(url, data=_form(world))
    assert done.status_code == 302
    assert done.location.endswith(f"/me/placements/{world.placement.id}")
    details = db.session.get(ArrivalDetails, world.placement.id)
    assert details.arrival_mode is TravelMode.FLIGHT and details.arrival_number == "AT 801"
    assert details.arrival_time.strftime("%H:%M") == "14:35" and details.pickup_needed
    assert details.departure_mode is TravelMode.BUS and details.insurance_policy == "TRV-1"
    volunteer = world.volunteer
    db.session.refresh(volunteer)
    # the emergency contact is the volunteer's, its phone in international format
    assert volunteer.emergency_contact_relation == "mother"
    assert volunteer.emergency_contact_phone == "+212 6 12 34 56 78"
    [event] = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "arrival.update")).all()
    assert event.subject_id == world.placement.id and event.actor_id == world.volunteer_user.id
    assert "arrival_number" in event.details["changed"] and event.details["first_record"]
    assert "emergency_contact_relation" in event.details["changed"]
    # the portal's placement page shows them
    shown = client.get(f"/me/placements/{world.placement.id}").get_data(as_text=True)
    assert "AT 801" in shown and "AXA Assistance" in shown
    # the audit log words it
    reader = login_client(app, factories.user(Role.ADMIN, locale="en"))
    log = reader.get("/audit/").get_data(as_text=True)
    assert "Arrival details recorded" in log and "Arrival: number" in log
    # the volunteer's page names the emergency contact's relation
    profile = reader.get(f"/volunteers/{world.volunteer.id}").get_data(as_text=True)
    assert "Leila Haddad</bdi> (<bdi>mother</bdi>)" in profile


def test_sending_nothing_changed_records_nothing(app, db, world):
    client = login_client(app, world.coordinator)
    done = client.post(f"/arrivals/placements/{world.placement.id}", data={})
    assert done.status_code == 302
    assert db.session.get(ArrivalDetails, world.placement.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "arrival.update")) == 0


def _refused(client, url, data, field, message):
    page = client.post(url, data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422, html[:2000]
    assert message in html, message
    assert f'id="{field}-error"' in html or f'id="{field}"' in html
    return html


def test_bad_values_are_refused_beside_their_field_with_what_was_typed_kept(app, db, world):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    world.volunteer_user.locale = "en"
    db.session.commit()
    client = login_client(app, world.volunteer_user)
    url = f"/me/placements/{world.placement.id}/arrival"
    start, end = world.placement.start_date, world.placement.end_date
    early = (start - timedelta(days=30)).isoformat()
    html = _refused(client, url, _form(world, arrival_date=early),
                    "arrival_date", "The arrival must fall between")
    assert "AXA Assistance" in html  # what was typed is kept
    _refused(client, url, _form(world, departure_date=(end + timedelta(days=40)).isoformat()),
             "departure_date", "The departure must fall between")
    _refused(client, url, _form(world, departure_date=start.isoformat(),
                                arrival_date=(start + timedelta(days=2)).isoformat()),
             "departure_date", "The departure cannot come before the arrival.")
    _refused(client, url, _form(world, arrival_point="Casablanca airport"), "arrival_point",
             "Choose one of the site")
    _refused(client, url, _form(world, arrival_point="", pickup_needed="y"), "pickup_needed",
             "For a pickup, give the arrival date and the arrival point.")
    short = (end - timedelta(days=1)).isoformat()
    _refused(client, url, _form(world, insurance_valid_until=short), "insurance_valid_until",
             "The insurance must cover the whole placement")
    _refused(client, url, _form(world, emergency_contact_phone="12"), "emergency_contact_phone",
             "phone number")
    _refused(client, url, _form(world, arrival_number="AT;801"), "arrival_number",
             "Write the number as on the ticket")
    _refused(client, url, _form(world, arrival_mode="", arrival_number="AT 801"),
             "arrival_mode", "Choose how you travel")
    assert db.session.get(ArrivalDetails, world.placement.id) is None


def test_every_bad_field_is_marked_on_the_first_submit(app, db, world):
    """Tester t14: the phone, then the arrival, then the departure came one submit at a time."""
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    world.volunteer_user.locale = "en"
    db.session.commit()
    client = login_client(app, world.volunteer_user)
    url = f"/me/placements/{world.placement.id}/arrival"
    far = (world.placement.end_date + timedelta(days=365)).isoformat()
    short = (world.placement.end_date - timedelta(days=1)).isoformat()
    page = client.post(url, data=_form(
        world, arrival_date=far, departure_date=far, emergency_contact_phone="12",
        arrival_number="AT;801", insurance_valid_until=short, departure_time="not a time"))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    for field, message in [
        ("emergency_contact_phone", "phone number"),
        ("arrival_date", "The arrival must fall between"),
        ("departure_date", "The departure must fall between"),
        ("arrival_number", "Write the number as on the ticket"),
        ("insurance_valid_until", "The insurance must cover the whole placement"),
        ("departure_time", "Not a valid time value"),
    ]:
        start = html.index(f'id="{field}-error"')
        assert message in html[start:start + 600], field
    assert "AXA Assistance" in html and far in html  # what was typed is kept
    assert db.session.get(ArrivalDetails, world.placement.id) is None


def test_a_date_that_cannot_be_read_is_not_also_called_missing(app, db, world):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    world.volunteer_user.locale = "en"
    db.session.commit()
    client = login_client(app, world.volunteer_user)
    url = f"/me/placements/{world.placement.id}/arrival"
    page = client.post(url, data=_form(world, arrival_date="2027-02-30"))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="arrival_date-error"' in html
    assert "Give the date too." not in html and "For a pickup, give" not in html


def test_nothing_can_be_recorded_once_the_placement_is_over_or_cancelled(app, db, world):
    world.placement.status = PlacementStatus.CANCELLED
    db.session.commit()
    client = login_client(app, world.coordinator)
    page = client.post(f"/arrivals/placements/{world.placement.id}", data=_form(world))
    assert page.status_code == 422
    assert db.session.get(ArrivalDetails, world.placement.id) is None


def test_the_host_sees_the_travel_while_the_placement_is_live_and_the_sender_never(
        app, db, world):
    login_client(app, world.volunteer_user).post(
        f"/me/placements/{world.placement.id}/arrival", data=_form(world))
    host = login_client(app, world.host_contact)
    page = host.get(f"/partner/volunteers/{world.volunteer.id}").get_data(as_text=True)
    assert "AT 801" in page and "Tangier Ibn Battouta airport (TNG)" in page
    assert "(<bdi>mother</bdi>)" in page  # the emergency contact's relation
    assert f"/partner/placements/{world.placement.id}/infosheet.pdf" in page
    sending = login_client(app, world.sending_contact)
    assert "AT 801" not in sending.get(
        f"/partner/volunteers/{world.volunteer.id}").get_data(as_text=True)
    # once cancelled: neither the page nor the infosheet
    world.placement.status = PlacementStatus.CANCELLED
    db.session.commit()
    assert host.get(f"/partner/volunteers/{world.volunteer.id}").status_code == 404
    assert host.get(f"/partner/placements/{world.placement.id}/infosheet.pdf").status_code == 404


def test_anonymising_the_volunteer_erases_the_travel_and_insurance(app, db, world):
    login_client(app, world.volunteer_user).post(
        f"/me/placements/{world.placement.id}/arrival", data=_form(world))
    world.placement.status = PlacementStatus.CANCELLED
    db.session.commit()
    anonymise_volunteer(world.volunteer, actor=world.coordinator, reason="request")
    db.session.commit()
    assert db.session.get(ArrivalDetails, world.placement.id) is None
    assert world.volunteer.emergency_contact_relation is None
