"""The volunteer portal (issue 5, item 1): my placements, hours, certificates, details, data."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import url_for

from aljisr.audit import AuditEvent
from aljisr.certificates.models import Certificate, CertificateKind, CertificateStatus
from aljisr.dates import association_today
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from aljisr.volunteers.models import LanguageLevel, Volunteer, VolunteerStatus
from tests.support import factories
from tests.support.clients import login_client


class World:
    """Two volunteers (A and B), each with a login, a current placement and a certificate."""

    def __init__(self, app, db):
        today = association_today()
        self.today = today
        self.sender = factories.organisation(OrganisationKind.SENDING, name="Passerelles")
        self.other_sender = factories.organisation(OrganisationKind.SENDING)
        self.coordinator = factories.user(Role.COORDINATOR, display_name="Samira Alaoui",
                                          email="samira@aljisr.example.org")
        site = factories.site(name="Maggamane centre", address="Douar Maggamane, route 12",
                              city="Maggamane")
        project = factories.project(site, title="Room, second step",
                                    start_date=today - timedelta(days=30),
                                    end_date=today + timedelta(days=30))
        past_project = factories.project(site, title="Room, first step",
                                         start_date=today - timedelta(days=400),
                                         end_date=today - timedelta(days=340))
        self.user_a = factories.user(Role.VOLUNTEER, email="olga@example.org")
        self.a = factories.volunteer(self.sender, {"uk": "native", "fr": "B1"},
                                     full_name="Ольга Петренко", email="olga@example.org",
                                     user=self.user_a, nationality="UA",
                                     health_notes="Asthma", dietary_notes="Vegetarian")
        self.user_b = factories.user(Role.VOLUNTEER, email="bob@example.org")
        self.b = factories.volunteer(self.other_sender, full_name="Bob Other",
                                     email="bob@example.org", user=self.user_b)
        self.placement_a = factories.placement(self.a, project, role="Team lead",
                                               coordinator=self.coordinator)
        self.past_a = factories.placement(self.a, past_project, status=PlacementStatus.COMPLETED)
        self.placement_b = factories.placement(self.b, project)
        self.entry_a = factories.hours(self.placement_a, today - timedelta(days=2), "3.5",
                                       HoursStatus.SUBMITTED)
        self.entry_b = factories.hours(self.placement_b, today - timedelta(days=2), "5")
        self.cert_a = self._certificate(db, self.a, self.past_a, 1)
        self.cert_b = self._certificate(db, self.b, None, 2)
        db.session.commit()
        self.client_a = login_client(app, self.user_a)

    @staticmethod
    def _certificate(db, volunteer, placement, n):
        cert = Certificate(serial=f"AJ-2026-{n:04d}", year=2026, sequence=n,
                           verification_code=f"verify-{n}", kind=CertificateKind.HOURS,
                           language="en", volunteer_id=volunteer.id,
                           placement_id=placement.id if placement else None,
                           issue_date=association_today(), snapshot={"name": volunteer.full_name})
        db.session.add(cert)
        db.session.flush()
        return cert


@pytest.fixture
def world(app, db):
    return World(app, db)


def _log(client, path, placement, **extra):
    data = {"work_date": association_today().isoformat(), "hours": "2.5",
            "activity": "Ateliers de peinture avec les élèves", **extra}
    if placement is not None:
        data["placement"] = placement
    return client.post(path, data=data)


def _entries(db, volunteer):
    return db.session.scalars(
        sa.select(HoursEntry).where(HoursEntry.volunteer_id == volunteer.id)
        .order_by(HoursEntry.id)).all()


# --- placements -------------------------------------------------------------------------------

def test_home_groups_my_placements_with_site_role_and_coordinator(world):
    html = world.client_a.get("/home").get_data(as_text=True)
    current = html.split('id="placements-current"')[1].split('id="placements-upcoming"')[0]
    past = html.split('id="placements-past"')[1]
    assert "Room, second step" in current and "Team lead" in current
    assert "Douar Maggamane, route 12" in current
    assert "samira@aljisr.example.org" in current
    assert f"/me/placements/{world.placement_a.id}" in current
    assert "Room, first step" in past
    assert "Bob Other" not in html


def test_placement_page_shows_where_when_and_whom(world):
    response = world.client_a.get(f"/me/placements/{world.placement_a.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Douar Maggamane, route 12" in html and "Maggamane centre" in html
    assert "Samira Alaoui" in html and "mailto:samira@aljisr.example.org" in html
    assert 'id="log-hours-form"' in html
    past = world.client_a.get(f"/me/placements/{world.past_a.id}").get_data(as_text=True)
    assert 'id="log-hours-form"' not in past
    assert "AJ-2026-0001" in past  # the certificate of that placement


def test_another_volunteers_placement_is_404(world, db):
    assert world.client_a.get(f"/me/placements/{world.placement_b.id}").status_code == 404
    assert _log(world.client_a, f"/me/placements/{world.placement_b.id}", None).status_code == 404
    assert world.client_a.get("/me/placements/999999").status_code == 404
    assert _entries(db, world.b) == [world.entry_b]


# --- hours ----------------------------------------------------------------------------------

def test_volunteer_logs_hours_which_are_submitted_for_review(world, db):
    page = world.client_a.get("/me/hours").get_data(as_text=True)
    assert f'<option selected value="{world.placement_a.id}">' in page  # the only current one
    assert 'name="volunteer_id"' not in page
    response = _log(world.client_a, "/me/hours", world.placement_a.id)
    assert response.status_code == 302 and response.headers["Location"] == "/me/hours"
    new = _entries(db, world.a)[-1]
    assert new.status is HoursStatus.SUBMITTED
    assert new.hours == Decimal("2.50") and new.work_date == association_today()
    assert new.submitted_by_id == world.user_a.id and new.placement_id == world.placement_a.id
    html = world.client_a.get("/me/hours").get_data(as_text=True)
    assert "Ateliers de peinture avec les élèves" in html
    assert 'data-total="submitted">6 h' in html  # 3.5 + 2.5 waiting for review


def test_logging_from_the_placement_page(world, db):
    response = _log(world.client_a, f"/me/placements/{world.placement_a.id}", None,
                    hours="1.25")
    assert response.status_code == 302
    assert _entries(db, world.a)[-1].hours == Decimal("1.25")


def test_posted_placement_of_another_volunteer_is_404_and_writes_nothing(world, db):
    response = _log(world.client_a, "/me/hours", world.placement_b.id)
    assert response.status_code == 404
    assert _entries(db, world.a) == [world.entry_a]
    assert _entries(db, world.b) == [world.entry_b]


def test_hidden_volunteer_id_cannot_change_whose_hours_are_written(world, db):
    for path, placement, hours in (("/me/hours", world.placement_a.id, "2.5"),
                                   (f"/me/placements/{world.placement_a.id}", None, "1")):
        response = _log(world.client_a, path, placement, hours=hours, volunteer_id=world.b.id,
                        volunteer=world.b.id, submitted_by_id=world.user_b.id)
        assert response.status_code == 302
        entry = _entries(db, world.a)[-1]
        assert entry.volunteer_id == world.a.id and entry.submitted_by_id == world.user_a.id
    assert _entries(db, world.b) == [world.entry_b]


def test_only_current_placements_take_hours(world, db):
    response = _log(world.client_a, "/me/hours", world.past_a.id,
                    work_date=world.past_a.end_date.isoformat())
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="placement-error"' in html and "current placement" in html
    response = _log(world.client_a, f"/me/placements/{world.past_a.id}", None)
    assert response.status_code == 422
    assert _entries(db, world.a) == [world.entry_a]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("work_date", "+1", "future"),
    ("work_date", "-365", "within the placement"),
    ("hours", "25", "cannot exceed 24"),
    ("hours", "0", "more than zero"),
    ("hours", "abc", "as a number"),
    ("activity", "", "Describe the activity"),
])
def test_hours_rules_show_beside_the_field_and_keep_what_was_typed(world, db, field, value,
                                                                   message):
    if field == "work_date":
        value = (association_today() + timedelta(days=int(value))).isoformat()
    response = _log(world.client_a, "/me/hours", world.placement_a.id, **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    if field != "activity":
        assert f'value="{value}"' in html
    assert _entries(db, world.a) == [world.entry_a]


def test_daily_limit_across_entries(world, db):
    factories.hours(world.placement_a, association_today(), "22", HoursStatus.APPROVED)
    db.session.commit()
    response = _log(world.client_a, "/me/hours", world.placement_a.id, hours="3")
    assert response.status_code == 422
    assert "At most 24 hours per day" in response.get_data(as_text=True)


def test_hours_entry_page_is_mine_only(world):
    response = world.client_a.get(f"/me/hours/{world.entry_a.id}")
    assert response.status_code == 200
    assert "Room, second step" in response.get_data(as_text=True)
    assert world.client_a.get(f"/me/hours/{world.entry_b.id}").status_code == 404


# --- certificates ---------------------------------------------------------------------------

def test_my_certificates_only(world, app):
    html = world.client_a.get("/me/certificates").get_data(as_text=True)
    assert "AJ-2026-0001" in html and "AJ-2026-0002" not in html
    if "certificates.download" in app.view_functions:
        with app.test_request_context():
            link = url_for("certificates.download", certificate_id=world.cert_a.id)
        assert f'href="{link}"' in html
        assert world.client_a.get(
            link.replace(str(world.cert_a.id), str(world.cert_b.id))).status_code == 404
    else:
        assert "Download (PDF)" not in html


def test_revoked_certificate_is_listed_with_its_status(world, db):
    world.cert_a.status = CertificateStatus.REVOKED
    world.cert_a.revoked_reason = "Issued by mistake"
    db.session.commit()
    html = world.client_a.get("/me/certificates").get_data(as_text=True)
    assert "Revoked" in html and "Issued by mistake" in html


# --- profile --------------------------------------------------------------------------------

def _profile_data(**changes):
    data = {
        "phone": "06 12 34 56 78", "emergency_contact_name": "Марія Петренко",
        "emergency_contact_phone": "+380 44 123 4567", "dietary_notes": "Halal",
        "languages-0-code": "uk", "languages-0-level": "native",
        "languages-1-code": "ar", "languages-1-level": "A2",
        "languages-2-code": "", "languages-2-level": "",
        "skills": "painting, Teaching, painting",
    }
    data.update(changes)
    return data


def test_volunteer_edits_contact_languages_and_skills(world, db):
    form = world.client_a.get("/me/profile").get_data(as_text=True)
    assert "olga@example.org" in form and "Passerelles" in form
    response = world.client_a.post("/me/profile", data=_profile_data())
    assert response.status_code == 302
    v = db.session.get(Volunteer, world.a.id)
    assert v.phone == "+380 612 345 678"  # no "+": read in the volunteer's country (UA)
    assert v.emergency_contact_name == "Марія Петренко"
    assert v.emergency_contact_phone == "+380 44 123 4567"
    assert v.dietary_notes == "Halal"
    assert v.language_levels() == {"uk": LanguageLevel.NATIVE, "ar": LanguageLevel.A2}
    assert v.skills == ["painting", "Teaching"]
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "volunteer.update", AuditEvent.subject_id == v.id)).one()
    assert event.actor_id == world.user_a.id
    assert set(event.details["changed"]) >= {"phone", "languages", "skills", "dietary_notes"}


def test_volunteer_cannot_change_status_organisation_name_email_or_health(world, db):
    response = world.client_a.post("/me/profile", data=_profile_data(
        status="archived", sending_organisation_id=str(world.other_sender.id),
        full_name="Someone Else", email="else@example.org", health_notes="",
        notes="hacked", volunteer_id=str(world.b.id), user_id=str(world.user_b.id)))
    assert response.status_code == 302
    v = db.session.get(Volunteer, world.a.id)
    assert v.status is VolunteerStatus.ACTIVE
    assert v.sending_organisation_id == world.sender.id
    assert v.full_name == "Ольга Петренко" and v.email == "olga@example.org"
    assert v.health_notes == "Asthma" and v.notes is None and v.user_id == world.user_a.id
    b = db.session.get(Volunteer, world.b.id)
    assert b.phone is None and b.dietary_notes is None  # B untouched


def test_profile_errors_sit_beside_fields_and_keep_typed_values(world, db):
    response = world.client_a.post("/me/profile", data=_profile_data(
        phone="12", **{"languages-1-code": "uk", "languages-1-level": "B1"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="phone-error"' in html and 'value="12"' in html
    assert "listed twice" in html
    assert db.session.get(Volunteer, world.a.id).phone is None


# --- export ---------------------------------------------------------------------------------

def test_export_is_everything_about_me_as_a_utf8_attachment(world):
    response = world.client_a.get("/me/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".json" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    raw = response.get_data()
    assert "Ольга Петренко".encode() in raw  # kept, not \u-escaped
    data = json.loads(raw.decode("utf-8"))
    assert data["profile"]["full_name"] == "Ольга Петренко"
    assert data["profile"]["health_notes"] == "Asthma"
    assert data["profile"]["sending_organisation"]["name"] == "Passerelles"
    assert {(lang["code"], lang["level"]) for lang in data["languages"]} == {
        ("uk", "native"), ("fr", "B1")}
    assert {p["id"] for p in data["placements"]} == {world.placement_a.id, world.past_a.id}
    assert [h["id"] for h in data["hours"]] == [world.entry_a.id]
    assert data["hours"][0]["hours"] == "3.50"
    assert [(c["serial"], c["status"]) for c in data["certificates"]] == [("AJ-2026-0001",
                                                                           "valid")]
    assert "Bob Other" not in raw.decode("utf-8")
    assert "bob@example.org" not in raw.decode("utf-8")


def test_b_export_holds_only_b(world, app):
    data = login_client(app, world.user_b).get("/me/export").get_json()
    assert data["profile"]["id"] == world.b.id
    assert [p["id"] for p in data["placements"]] == [world.placement_b.id]
    assert [c["serial"] for c in data["certificates"]] == ["AJ-2026-0002"]


# --- accounts without a profile, other roles -------------------------------------------------

def test_volunteer_login_without_profile_gets_a_clear_404(app, db):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    response = login_client(app, user).get("/me/hours")
    assert response.status_code == 404
    assert "not linked to a volunteer profile" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["coordinator", "admin", "sending", "host"])
def test_portal_is_for_volunteers(as_role, role):
    client, _ = as_role(role)
    for path in ("/me/hours", "/me/certificates", "/me/profile", "/me/export"):
        assert client.get(path).status_code == 403


def test_an_endless_skills_list_is_refused_beside_the_field(as_role, db):
    client, _ = as_role("volunteer")
    skills = ", ".join(f"skill {i}" for i in range(3000))
    response = client.post("/me/profile", data={"skills": skills, "phone": ""})
    html = response.get_data(as_text=True)
    assert "List at most 30 items" in html
    assert 'id="skills-error"' in html


def test_a_volunteer_withdraws_a_mistaken_entry_until_it_is_reviewed(as_role, db):
    import sqlalchemy as sa

    from aljisr.audit import AuditEvent
    from aljisr.hours.models import HoursEntry, HoursStatus

    client, user = as_role("volunteer")
    placement = factories.placement(user.volunteer)
    mistake = factories.hours(placement, amount="10", status=HoursStatus.SUBMITTED)
    reviewed = factories.hours(placement, day=placement.start_date.replace(day=2),
                               status=HoursStatus.APPROVED)
    db.session.commit()
    mistake_id, reviewed_id = mistake.id, reviewed.id

    response = client.post(f"/me/hours/{mistake_id}/withdraw")
    assert response.status_code == 302
    assert db.session.get(HoursEntry, mistake_id) is None
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "hours.withdraw")).one()
    assert event.details["hours"] == "10.00" and event.actor_id == user.id

    response = client.post(f"/me/hours/{reviewed_id}/withdraw", follow_redirects=True)
    assert "already reviewed" in response.get_data(as_text=True)
    assert db.session.get(HoursEntry, reviewed_id) is not None
