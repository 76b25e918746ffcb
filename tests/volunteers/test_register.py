"""Volunteers register: create, edit, archive, validation beside fields, likely duplicates."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.organisations.models import OrganisationKind
from aljisr.volunteers.models import LanguageLevel, Volunteer, VolunteerStatus
from aljisr.volunteers.queries import find_likely_duplicates, name_key
from tests.support import factories
from tests.support.forms import form_data


def count(db, model=Volunteer):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_actions(db, subject_id=None):
    stmt = sa.select(AuditEvent.action).where(AuditEvent.subject_type == "volunteers")
    if subject_id is not None:
        stmt = stmt.where(AuditEvent.subject_id == subject_id)
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


# --------------------------------------------------------------------------------------------
# Create
# --------------------------------------------------------------------------------------------


def test_new_form_renders_with_countries_languages_and_themes(as_role, db):
    client, _user = as_role("coordinator")
    sender = factories.organisation(OrganisationKind.SENDING, name="Passerelles Solidaires")
    factories.organisation(OrganisationKind.HOST, name="A host, not a sender")
    html = client.get("/volunteers/new").get_data(as_text=True)
    assert "Passerelles Solidaires" in html and f'value="{sender.id}"' in html
    assert "A host, not a sender" not in html
    assert '<option value="MA">Morocco</option>' in html
    assert '<option value="ar">Arabic</option>' in html
    assert "B2 – Upper intermediate" in html
    assert 'value="construction"' in html  # interests are project themes


def test_create_volunteer_saves_everything_normalised_and_audits(as_role, db):
    client, user = as_role("coordinator")
    sender = factories.organisation(OrganisationKind.SENDING)
    db.session.commit()
    response = client.post("/volunteers/new", data=form_data(
        sending_organisation_id=str(sender.id), phone="050 123 4567",
        full_name=unicodedata.normalize("NFD", "  Ольга   Петренко ")))
    assert response.status_code == 302
    volunteer = db.session.scalar(sa.select(Volunteer))
    assert response.headers["Location"] == f"/volunteers/{volunteer.id}"
    assert volunteer.full_name == "Ольга Петренко"  # NFC, spaces collapsed
    assert volunteer.phone == "+380 50 123 4567"  # national number read with the nationality
    assert volunteer.emergency_contact_phone == "+380 67 765 4321"
    assert volunteer.language_levels() == {"uk": LanguageLevel.NATIVE, "fr": LanguageLevel.B1}
    assert volunteer.skills == ["teaching", "logistics"]
    assert volunteer.interests == ["education", "social"]
    assert volunteer.sending_organisation_id == sender.id
    assert volunteer.status is VolunteerStatus.ACTIVE
    assert (volunteer.available_from, volunteer.available_to) == (date(2026, 9, 1),
                                                                   date(2026, 12, 20))
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "volunteer.create"))
    assert event.actor_id == user.id and event.subject_id == volunteer.id


def test_name_in_any_script_is_accepted(as_role, db):
    client, _user = as_role("coordinator")
    names = ["山田 さくら", "김민지", "فاطمة الزهراء", "Ιωάννα Π.", "Siobhán O'Connor"]
    for i, name in enumerate(names):
        response = client.post("/volunteers/new", data=form_data(
            full_name=name, email=f"p{i}@example.org"))
        assert response.status_code == 302, name
    assert count(db) == 5


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": "  "}, "full_name", "This field is required."),
        ({"email": "not-an-address"}, "email", "Invalid email address."),
        ({"phone": "12"}, "phone", "phone number"),
        ({"phone": "call me maybe"}, "phone", "phone number"),
        ({"emergency_contact_phone": "+33 1"}, "emergency_contact_phone", "phone number"),
        ({"date_of_birth": "2026-13-45"}, "date_of_birth", "Not a valid date value."),
        ({"date_of_birth": "2990-01-01"}, "date_of_birth", "in the past"),
        ({"date_of_birth": "1800-01-01"}, "date_of_birth", "Check the year of birth"),
        ({"available_from": "2026-09-10", "available_to": "2026-09-01"}, "available_to",
         "cannot be before its start"),
        ({"name_ar": "Olga"}, "name_ar", "Arabic script"),
        ({"nationality": "XX"}, "nationality", "Not a valid choice."),
        ({"languages-2-code": "de"}, "languages-2-level", "Choose a level"),
        ({"languages-2-level": "B2"}, "languages-2-code", "Choose the language"),
        ({"languages-2-code": "fr", "languages-2-level": "C1"}, "languages-2-code",
         "listed twice"),
        ({"languages-2-code": "fr", "languages-2-level": "Z9"}, "languages-2-level",
         "Not a valid choice."),
        ({"interests": ["cooking"]}, "interests", "not a valid choice"),
        ({"skills": "x" * 80}, "skills", "too long"),
        ({"consent_date": "2999-01-01"}, "consent_date", "future"),
        ({"sending_organisation_id": "999999"}, "sending_organisation_id",
         "Not a valid choice."),
    ],
)
def test_bad_input_shows_message_beside_field_keeps_values_and_saves_nothing(
    as_role, db, overrides, field, message
):
    client, _user = as_role("coordinator")
    data = form_data(**overrides)
    response = client.post("/volunteers/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split(f'id="{field}-error"', 1)
    assert len(error) == 2, f"no error beside {field}"
    assert message in error[1].split("</div>\n", 1)[0]
    # typed values are kept
    assert 'value="Ольга Петренко"' in html or overrides.get("full_name")
    assert "Vegetarian" in html
    if field in ("phone", "date_of_birth", "available_to", "name_ar"):
        typed = overrides.get(field) or data[field]
        assert f'value="{typed}"' in html
    assert count(db) == 0
    assert audit_actions(db) == []


def test_sending_organisation_must_be_a_sending_one(db, app):
    from aljisr.errors import DomainError
    from aljisr.volunteers.services import create_volunteer

    host = factories.organisation(OrganisationKind.HOST)
    with pytest.raises(DomainError) as caught:
        create_volunteer({"full_name": "A B", "sending_organisation_id": host.id}, actor=None)
    assert caught.value.field == "sending_organisation_id"


# --------------------------------------------------------------------------------------------
# Likely duplicates
# --------------------------------------------------------------------------------------------


def test_find_likely_duplicates_by_email_any_case(db):
    existing = factories.volunteer(full_name="Yasmine Haddad", email="yasmine@example.org")
    other = factories.volunteer(full_name="Someone Else")
    found = find_likely_duplicates("Different Name", "  YASMINE@Example.ORG ", None)
    assert [d.volunteer for d in found] == [existing]
    assert found[0].same_email and not found[0].same_name_and_birth
    assert find_likely_duplicates("X", "yasmine@example.org", None, exclude_id=existing.id) == []
    assert other not in [d.volunteer for d in found]


def test_find_likely_duplicates_by_normalised_name_and_birth_date(db):
    birth = date(1995, 5, 17)
    existing = factories.volunteer(full_name="Inès Benali", date_of_birth=birth)
    nfd = unicodedata.normalize("NFD", "  INÈS   benali")
    assert nfd != "INÈS benali"  # really decomposed
    found = find_likely_duplicates(nfd, None, birth)
    assert [d.volunteer for d in found] == [existing]
    assert found[0].same_name_and_birth and not found[0].same_email
    # same name, other birth date; same birth date, other name; no birth date: not duplicates
    assert find_likely_duplicates("Inès Benali", None, date(1995, 5, 18)) == []
    assert find_likely_duplicates("Ines Benali", None, birth) == []  # an accent differs
    assert find_likely_duplicates("Inès Benali", None, None) == []
    assert name_key("Ольга") == name_key("ОЛЬГА")


def test_same_email_in_other_case_is_flagged_with_a_link_and_cannot_be_saved(as_role, db):
    client, _user = as_role("coordinator")
    existing = factories.volunteer(full_name="Olga P.", email="olga@example.org")
    db.session.commit()
    response = client.post("/volunteers/new", data=form_data(email="OLGA@Example.org",
                                                             confirm_duplicates="y"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="duplicates"' in html
    assert f'href="/volunteers/{existing.id}"' in html
    assert "already has this e-mail address" in html.split('id="email-error"', 1)[1][:300]
    assert 'value="OLGA@Example.org"' in html
    assert count(db) == 1


def test_same_name_and_birth_date_needs_save_anyway(as_role, db):
    client, _user = as_role("coordinator")
    existing = factories.volunteer(full_name="Ольга Петренко", date_of_birth=date(1998, 4, 12),
                                   email="other@example.org")
    db.session.commit()
    data = form_data(full_name="ольга  ПЕТРЕНКО")
    response = client.post("/volunteers/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="duplicates"' in html and f'href="/volunteers/{existing.id}"' in html
    assert 'id="confirm_duplicates-error"' in html
    assert count(db) == 1
    response = client.post("/volunteers/new", data={**data, "confirm_duplicates": "y"})
    assert response.status_code == 302
    assert count(db) == 2
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "volunteer.create"))
    assert event.details == {"duplicates_confirmed": [existing.id]}


def test_an_email_taken_by_a_concurrent_request_is_a_message_not_a_500(as_role, db,
                                                                      monkeypatch):
    from aljisr.volunteers import services

    client, _user = as_role("coordinator")
    factories.volunteer(email="olga@example.org")
    db.session.commit()
    # as if another coordinator saved the same address between the check and the insert
    monkeypatch.setattr(services, "find_likely_duplicates", lambda *a, **k: [])
    response = client.post("/volunteers/new", data=form_data(email="olga@example.org"))
    assert response.status_code == 422
    assert "already has this e-mail address" in response.get_data(as_text=True).split(
        'id="email-error"', 1)[1][:300]
    assert count(db) == 1


# --------------------------------------------------------------------------------------------
# Edit
# --------------------------------------------------------------------------------------------


def test_edit_form_shows_current_values_and_saves_changes(as_role, db):
    client, _user = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Léa Fontaine", languages={"fr": "native"},
                                    skills=["painting"], interests=["culture"],
                                    date_of_birth=date(2000, 1, 2))
    db.session.commit()
    html = client.get(f"/volunteers/{volunteer.id}/edit").get_data(as_text=True)
    assert 'value="Léa Fontaine"' in html and 'value="painting"' in html
    assert '<option selected value="native">' in html or 'value="native" selected' in html
    data = form_data(full_name="Léa Fontaine", email=volunteer.email, date_of_birth="2000-01-02",
                     skills="painting, mural art", **{"languages-1-level": "B2"})
    response = client.post(f"/volunteers/{volunteer.id}/edit", data=data)
    assert response.status_code == 302
    assert volunteer.skills == ["painting", "mural art"]
    assert volunteer.language_levels() == {"uk": LanguageLevel.NATIVE, "fr": LanguageLevel.B2}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "volunteer.update"))
    assert "skills" in event.details["changed"] and "languages" in event.details["changed"]


def test_edit_with_bad_value_saves_nothing(as_role, db):
    client, _user = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Léa Fontaine", phone="+33 6 12 34 56 78")
    db.session.commit()
    response = client.post(f"/volunteers/{volunteer.id}/edit", data=form_data(
        full_name="Léa Changed", email=volunteer.email, phone="0000"))
    assert response.status_code == 422
    assert 'id="phone-error"' in response.get_data(as_text=True)
    db.session.refresh(volunteer)
    assert volunteer.full_name == "Léa Fontaine" and volunteer.phone == "+33 6 12 34 56 78"
    assert audit_actions(db, volunteer.id) == []


def test_editing_without_changing_identity_does_not_ask_about_duplicates(as_role, db):
    client, _user = as_role("coordinator")
    birth = date(1990, 1, 1)
    factories.volunteer(full_name="Sam Lee", date_of_birth=birth)
    twin = factories.volunteer(full_name="Sam Lee", date_of_birth=birth)
    db.session.commit()
    data = form_data(full_name="Sam Lee", email=twin.email, date_of_birth="1990-01-01",
                     notes="Arrives by ferry")
    assert client.post(f"/volunteers/{twin.id}/edit", data=data).status_code == 302
    assert twin.notes == "Arrives by ferry"


def test_edit_into_someone_elses_email_is_refused(as_role, db):
    client, _user = as_role("coordinator")
    first = factories.volunteer(email="first@example.org")
    second = factories.volunteer(email="second@example.org")
    db.session.commit()
    response = client.post(f"/volunteers/{second.id}/edit",
                           data=form_data(email="FIRST@example.org"))
    assert response.status_code == 422
    assert f'href="/volunteers/{first.id}"' in response.get_data(as_text=True)
    db.session.refresh(second)
    assert second.email == "second@example.org"


def test_unknown_volunteer_is_404(as_role, db):
    client, _user = as_role("coordinator")
    assert client.get("/volunteers/999999").status_code == 404
    assert client.get("/volunteers/999999/edit").status_code == 404
    assert client.post("/volunteers/999999/archive").status_code == 404


# --------------------------------------------------------------------------------------------
# Detail
# --------------------------------------------------------------------------------------------


def test_detail_shows_profile_languages_with_level_names_and_links(as_role, db):
    client, _user = as_role("coordinator")
    sender = factories.organisation(OrganisationKind.SENDING, name="Dnipro Youth Exchange")
    volunteer = factories.volunteer(
        sender, full_name="Ольга Петренко", languages={"uk": "native", "fr": "B1"},
        skills=["teaching"], interests=["education"], available_from=date(2026, 9, 1),
        available_to=date(2026, 12, 20), health_notes="Asthma")
    db.session.commit()
    html = client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "<bdi>Ольга Петренко</bdi>" in html
    assert "Ukrainian" in html and "Native speaker" in html
    assert "French" in html and "B1 – Intermediate" in html
    assert "teaching" in html and "Education" in html
    assert f'href="/organisations/{sender.id}"' in html
    assert "Asthma" in html


# --------------------------------------------------------------------------------------------
# Archive
# --------------------------------------------------------------------------------------------


def test_archive_and_restore_keep_the_record_and_its_status(as_role, db):
    client, user = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Applicant Person",
                                    status=VolunteerStatus.APPLICANT)
    db.session.commit()
    assert client.get(f"/volunteers/{volunteer.id}/archive").status_code == 405
    response = client.post(f"/volunteers/{volunteer.id}/archive")
    assert response.status_code == 302
    assert volunteer.archived_at is not None and volunteer.status is VolunteerStatus.ARCHIVED
    html = client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "Archived on" in html and "Restore" in html
    # archiving twice: a message, no 500
    assert client.post(f"/volunteers/{volunteer.id}/archive").status_code == 302
    # an archived volunteer's form has no status to change
    assert 'name="status"' not in client.get(f"/volunteers/{volunteer.id}/edit").get_data(
        as_text=True)
    assert client.post(f"/volunteers/{volunteer.id}/unarchive").status_code == 302
    assert volunteer.archived_at is None and volunteer.status is VolunteerStatus.APPLICANT
    assert audit_actions(db, volunteer.id) == ["volunteer.archive", "volunteer.unarchive"]
    assert count(db) == 1


class TestArchiveNeedsCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_archive_without_token_is_refused(self, as_role, db):
        client, _user = as_role("coordinator")
        volunteer = factories.volunteer()
        db.session.commit()
        response = client.post(f"/volunteers/{volunteer.id}/archive")
        assert response.status_code == 400
        db.session.refresh(volunteer)
        assert volunteer.archived_at is None

    def test_archive_with_the_pages_token_works(self, as_role, db):
        import re

        client, _user = as_role("coordinator")
        volunteer = factories.volunteer()
        db.session.commit()
        html = client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
        form = html.split(f'action="/volunteers/{volunteer.id}/archive"', 1)[1]
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        response = client.post(f"/volunteers/{volunteer.id}/archive", data={"csrf_token": token})
        assert response.status_code == 302
        db.session.refresh(volunteer)
        assert volunteer.archived_at is not None


def test_filter_by_an_archived_sending_organisation_still_works(as_role, db):
    """Archiving an organisation keeps its volunteers; a link filtering by it still lists them
    (the organisation is offered in the filter while it is the one asked for)."""
    from aljisr.database import utcnow

    client, _ = as_role("coordinator")
    sender = factories.organisation(name="Brückenbau e.V.")
    factories.volunteer(sender, full_name="Jonas Müller")
    factories.volunteer(full_name="Léa Fontaine")
    sender.archived_at = utcnow()
    db.session.commit()
    html = client.get(f"/volunteers/?sending_organisation={sender.id}").get_data(as_text=True)
    assert "not in the list" not in html
    assert "Jonas Müller" in html and "Léa Fontaine" not in html
    assert "Brückenbau e.V." not in client.get("/volunteers/").get_data(as_text=True).split(
        'id="sending_organisation"')[1].split("</select>")[0]


@pytest.mark.parametrize("status", ["proposed", "confirmed", "active"])
def test_a_volunteer_expected_at_a_site_cannot_be_archived(as_role, db, status):
    """Archived volunteers leave the lists and matching while their host still expects them:
    archiving waits until the placement is completed, withdrawn or cancelled."""
    from aljisr.placements.models import PlacementStatus

    client, _ = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Léa Fontaine")
    factories.placement(volunteer, status=PlacementStatus(status))
    db.session.commit()
    response = client.post(f"/volunteers/{volunteer.id}/archive", follow_redirects=True)
    assert "complete, withdraw or cancel it first" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(volunteer), volunteer.id).archived_at is None


@pytest.mark.parametrize(("locale", "overrides", "message"), [
    ("ar", {"full_name": "ف" * 201}, "200 حرف على الأكثر."),
    ("ar", {"date_of_birth": "2000-02-31"}, "هذا ليس تاريخًا في التقويم (YYYY-MM-DD)."),
    ("fr", {"date_of_birth": "2000-02-31"}, "Ce n&#39;est pas une date du calendrier"),
    ("fr", {"full_name": "x" * 201}, "200 caractères au plus."),
])
def test_wtforms_own_messages_speak_the_interface_language(as_role, db, locale, overrides,
                                                           message):
    client, user = as_role("coordinator")
    user.locale = locale
    db.session.commit()
    response = client.post("/volunteers/new", data=form_data(**overrides))
    assert response.status_code == 422  # the form again, with the message beside the field
    assert message in response.get_data(as_text=True)
    assert count(db) == 0


def test_detail_shows_gender_and_who_they_applied_with(as_role, db):
    client, _user = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Group Member")
    volunteer.gender, volunteer.application_group = "female", "lyon-friends"
    other = factories.volunteer(full_name="No Details")
    db.session.commit()
    html = client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
    assert '<dd class="col-sm-7" id="gender">Woman</dd>' in html
    assert "<bdi>lyon-friends</bdi>" in html
    html = client.get(f"/volunteers/{other.id}").get_data(as_text=True)
    assert '<dd class="col-sm-7" id="gender">Not given</dd>' in html
