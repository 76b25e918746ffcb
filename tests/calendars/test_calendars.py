"""Calendars (issue 14, item 6): private, revocable feeds scoped like each user's portal, and
a one-off ``.ics`` per placement, parsed back with the ``icalendar`` library."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar

from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from tests.support import factories
from tests.support.clients import login_client


@pytest.fixture
def world(app, db):
    host = factories.organisation(OrganisationKind.HOST, name="Ecole Al Amal")
    site = factories.site(host, name="Al Amal School", name_fr="École Al Amal",
                          address="12 rue des Orangers", city="Tétouan")
    project = factories.project(site, title="Reading club", title_fr="Club de lecture",
                                start_date=date(2027, 3, 1), end_date=date(2027, 6, 30))
    factories.project(site, title="Reading club, phase 2", parent=project,
                      phase_number=2, start_date=date(2027, 5, 1), end_date=date(2027, 6, 30))
    elsewhere = factories.project(title="Garden", start_date=date(2027, 3, 1),
                                  end_date=date(2027, 6, 30))
    user = factories.user(Role.VOLUNTEER, locale="fr", email="amal@example.org")
    volunteer = factories.volunteer(user=user, email="amal@example.org", full_name="Amal Haddad")
    own = factories.placement(volunteer, project, status=PlacementStatus.CONFIRMED,
                              start_date=date(2027, 3, 1), end_date=date(2027, 3, 31))
    cancelled = factories.placement(volunteer, project, status=PlacementStatus.CANCELLED,
                                    start_date=date(2027, 4, 5), end_date=date(2027, 4, 9))
    other = factories.placement(factories.volunteer(full_name="Bruno Costa"), elsewhere,
                                status=PlacementStatus.CONFIRMED,
                                start_date=date(2027, 3, 1), end_date=date(2027, 3, 10))
    host_user = factories.user(Role.PARTNER, organisation=host, locale="en")
    coordinator = factories.user(Role.COORDINATOR, locale="en")
    db.session.commit()
    return {"volunteer": user, "own": own, "cancelled": cancelled, "other": other,
            "host": host_user, "coordinator": coordinator}


def _open_feed(app, user) -> str:
    client = login_client(app, user)
    assert client.post("/calendar/", data={"action": "open"}).status_code == 302
    page = client.get("/calendar/").get_data(as_text=True)
    url = page.split('id="feed-url"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert url.startswith("https://aljisr.example.org/calendar/feed/")
    return url.removeprefix("https://aljisr.example.org")


def _events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert cal["X-WR-TIMEZONE"] == "Africa/Casablanca"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Africa/Casablanca"]
    return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_a_volunteers_feed_holds_their_placements_as_all_day_events(app, world, client):
    path = _open_feed(app, world["volunteer"])
    events = _events(client.get(path))  # no session: the address is the key
    own, cancelled = world["own"], world["cancelled"]
    assert set(events) == {f"placement-{own.id}", f"placement-{cancelled.id}"}
    stay = events[f"placement-{own.id}"]
    assert stay["DTSTART"].dt == date(2027, 3, 1)
    assert stay["DTEND"].dt == date(2027, 4, 1)  # the last day is included: DTEND is the next
    assert str(stay["SUMMARY"]) == "Affectation : Club de lecture (École Al Amal)"
    assert "12 rue des Orangers" in str(stay["LOCATION"])
    assert str(stay["URL"]) == f"https://aljisr.example.org/me/placements/{own.id}"
    assert str(stay["STATUS"]) == "CONFIRMED"
    assert str(events[f"placement-{cancelled.id}"]["STATUS"]) == "CANCELLED"


def test_a_new_address_replaces_the_old_and_revoking_closes_it(app, world, client):
    first = _open_feed(app, world["volunteer"])
    second = _open_feed(app, world["volunteer"])
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    login_client(app, world["volunteer"]).post("/calendar/", data={"action": "revoke"})
    assert client.get(second).status_code == 404


def test_a_deactivated_accounts_feed_is_closed(app, db, world, client):
    path = _open_feed(app, world["volunteer"])
    world["volunteer"].active = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_a_hosts_feed_shows_arrivals_and_departures_at_its_sites_only(app, world, client):
    events = _events(client.get(_open_feed(app, world["host"])))
    own = world["own"]
    assert f"placement-{world['other'].id}-arrival" not in events
    arrival = events[f"placement-{own.id}-arrival"]
    departure = events[f"placement-{own.id}-departure"]
    assert str(arrival["SUMMARY"]) == "Arrival: Amal Haddad, Reading club"
    assert (arrival["DTSTART"].dt, arrival["DTEND"].dt) == (date(2027, 3, 1), date(2027, 3, 2))
    assert (departure["DTSTART"].dt, departure["DTEND"].dt) == (date(2027, 3, 31),
                                                                 date(2027, 4, 1))
    assert not [uid for uid in events if uid.startswith("project-")]


def test_the_associations_feed_has_every_placement_and_the_project_phases(app, world, client):
    events = _events(client.get(_open_feed(app, world["coordinator"])))
    assert f"placement-{world['other'].id}-arrival" in events
    [phase] = [e for uid, e in events.items() if uid.startswith("project-")]
    assert str(phase["SUMMARY"]) == "Project phase: Reading club, phase 2"
    assert phase["DTEND"].dt == date(2027, 6, 30) + timedelta(days=1)


def test_one_placement_as_a_file_within_the_users_scope(app, world):
    volunteer = login_client(app, world["volunteer"])
    response = volunteer.get(f"/calendar/placements/{world['own'].id}.ics")
    assert set(_events(response)) == {f"placement-{world['own'].id}"}
    assert "attachment" in response.headers["Content-Disposition"]
    assert volunteer.get(f"/calendar/placements/{world['other'].id}.ics").status_code == 404
    host = login_client(app, world["host"])
    assert host.get(f"/calendar/placements/{world['other'].id}.ics").status_code == 404
    assert host.get(f"/calendar/placements/{world['own'].id}.ics").status_code == 200


def test_an_unknown_address_is_404(client, world):
    assert client.get("/calendar/feed/nothing-here.ics").status_code == 404


def test_a_first_address_does_not_speak_of_a_previous_one(app, db):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    client = login_client(app, user)
    first = client.post("/calendar/", data={"action": "open"}, follow_redirects=True)
    assert "Your calendar has an address." in first.get_data(as_text=True)
    assert "previous one" not in first.get_data(as_text=True)
    again = client.post("/calendar/", data={"action": "open"}, follow_redirects=True)
    assert "The previous one no longer works." in again.get_data(as_text=True)
