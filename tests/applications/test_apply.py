"""Applying without an account (issue 15, item 2): the public form, double opt-in, joining an
earlier application, withdrawal, the silent drop of scripts, and hostile input."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aljisr.applications.forms import new_stamp
from aljisr.applications.models import CONSENT_VERSION, Application, ApplicationStatus
from aljisr.applications.services import LinkPurpose, link_token
from aljisr.notifications.models import OutboxMessage
from tests.support import factories
from tests.support.applications import apply_data


def _applications(db: Any) -> list[Application]:
    return list(db.session.scalars(sa.select(Application).order_by(Application.id)))


def _mails(db: Any, to: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == to).order_by(OutboxMessage.id)))


def _link(message: OutboxMessage, kind: str) -> str:
    return re.search(rf"https://aljisr\.example\.org(/apply/{kind}/[\w.\-]+)",
                     message.body).group(1)


def test_the_form_preselects_projects_and_works_without_an_account(client, projects):
    library, garden, _murals, draft = projects
    page = client.get(f"/apply?project={garden.id}&project={library.id}&project={draft.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(rf'<option selected value="{garden.id}">', html)
    assert re.search(rf'<option selected value="{library.id}">', html)
    assert "Draft" not in html  # only open projects
    assert 'name="website"' in html and 'name="started"' in html


def test_applying_queues_a_confirmation_in_the_applicants_language(client, db, projects):
    library, garden = projects[:2]
    client.post("/language", data={"language": "fr", "next": "/apply"})
    response = client.post("/apply", data=apply_data(
        [garden.id, library.id], email="Elodie@Example.org", testimonial_consent="y"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/apply/sent?lang=fr")
    [application] = _applications(db)
    assert application.status is ApplicationStatus.NEW and application.confirmed_at is None
    assert application.email == "elodie@example.org" and application.locale == "fr"
    assert [p.title for p in application.projects] == ["Garden", "Library"]
    assert application.languages == {"fr": "native", "en": "B2"}
    assert application.consent_version == CONSENT_VERSION and application.consent_at
    assert application.testimonial_consent and application.testimonial_consent_at
    [mail] = _mails(db, "elodie@example.org")
    assert mail.language == "fr" and mail.subject == "Confirmez votre candidature"
    assert "/apply/confirm/" in mail.body and "/apply/withdraw/" in mail.body
    # not in the coordinators' inbox before it is confirmed
    coordinator = factories.user()
    from tests.support.clients import login_client
    staff = login_client(client.application, coordinator)
    assert "Müller" not in staff.get("/applications/").get_data(as_text=True)
    assert staff.get(f"/applications/{application.id}").status_code == 404


def test_the_confirmation_link_works_once(client, db, projects):
    client.post("/apply", data=apply_data([projects[1].id]))
    [mail] = _mails(db, "elodie@example.org")
    link = _link(mail, "confirm")
    assert client.get(link).status_code == 200  # a button: opening the link confirms nothing
    assert _applications(db)[0].confirmed_at is None
    done = client.post(link)
    assert done.status_code == 200 and "Application confirmed" in done.get_data(as_text=True)
    application = _applications(db)[0]
    assert application.confirmed_at is not None
    received = _mails(db, "elodie@example.org")[-1]
    assert received.kind == "application.received" and "/apply/withdraw/" in received.body
    again = client.post(link)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert client.get("/apply/confirm/forged.token").status_code == 410


def test_links_expire(client, db, projects, monkeypatch):
    client.post("/apply", data=apply_data([projects[1].id]))
    application = _applications(db)[0]
    import itsdangerous.timed as timed

    real = time.time
    monkeypatch.setattr(timed.time, "time", lambda: real() - 4 * 86400)
    old = link_token(application, LinkPurpose.CONFIRM)
    monkeypatch.undo()
    response = client.post(f"/apply/confirm/{old}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert _applications(db)[0].confirmed_at is None


def test_withdrawal_link_works_once(client, db, projects):
    client.post("/apply", data=apply_data([projects[1].id]))
    [mail] = _mails(db, "elodie@example.org")
    client.post(_link(mail, "confirm"))
    link = _link(mail, "withdraw")
    assert client.post(link).status_code == 200
    application = _applications(db)[0]
    assert application.status is ApplicationStatus.WITHDRAWN and application.open_email is None
    assert client.post(link).status_code == 410
    # applying again afterwards is a new application
    client.post("/apply", data=apply_data([projects[2].id]))
    assert len(_applications(db)) == 2


def test_applying_again_with_the_same_address_joins_the_application(client, db, projects):
    client.post("/apply", data=apply_data([projects[1].id]))
    first = _mails(db, "elodie@example.org")[0]
    client.post("/apply", data=apply_data([projects[2].id], email=" ELODIE@example.ORG ",
                                          full_name="Élodie Müller"))
    [application] = _applications(db)
    assert application.full_name == "Élodie Müller"
    assert [p.title for p in application.projects] == ["Murals"]
    # only the newest confirmation link works
    assert client.post(_link(first, "confirm")).status_code == 410
    second = _mails(db, "elodie@example.org")[-1]
    assert client.post(_link(second, "confirm")).status_code == 200
    # once confirmed, a third sending waits for its own confirmation
    client.post("/apply", data=apply_data([projects[0].id], full_name="Someone Else"))
    [application] = _applications(db)
    assert application.full_name == "Élodie Müller" and application.pending_values
    third = _mails(db, "elodie@example.org")[-1]
    assert third.subject == "Confirm the changes to your application"
    assert client.post(_link(third, "confirm")).status_code == 200
    [application] = _applications(db)
    assert application.full_name == "Someone Else" and application.pending_values is None
    assert [p.title for p in application.projects] == ["Library"]


def test_the_latest_form_wins_and_says_so(client, db, projects):
    """Applied in French, then again in English with other projects and dates: the English
    form replaces the French one, language included, and its message says so and lists what
    the application now holds; the page after sending tells whoever sent the form (without
    saying whether this address had applied)."""
    library, garden = projects[:2]
    client.post("/apply?lang=fr", data=apply_data([library.id]))
    year = garden.start_date.year
    response = client.post("/apply?lang=en", data=apply_data(
        [garden.id], email="ELODIE@Example.ORG", available_from=f"{year}-04-01",
        available_to=f"{year}-04-30"), follow_redirects=True)
    assert 'id="apply-replaces"' in response.get_data(as_text=True)
    [application] = _applications(db)
    assert application.locale == "en" and [p.title for p in application.projects] == ["Garden"]
    first, second = _mails(db, "elodie@example.org")
    assert first.language == "fr" and "replaces" not in first.body
    assert second.language == "en" and second.subject == "Confirm your updated application"
    assert "it replaces the one sent earlier" in second.body
    assert "Projects chosen: Garden." in second.body
    assert f"Available from April 1, {year} to April 30, {year}." in second.body
    assert "Language of our messages: English." in second.body
    # a confirmed application: the changes, language included, wait for their own link
    assert client.post(_link(second, "confirm")).status_code == 200
    client.post("/apply?lang=ar", data=apply_data([library.id]))
    third = _mails(db, "elodie@example.org")[-1]
    assert third.language == "ar"
    assert db.session.get(Application, application.id).locale == "en"
    assert client.post(_link(third, "confirm")).status_code == 200
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.locale == "ar" and [p.title for p in application.projects] == ["Library"]


def test_the_confirmation_text_names_what_it_shows(client, db, projects):
    """The plain-text part has no button: it names the link's label, which it shows."""
    client.post("/apply", data=apply_data([projects[1].id]))
    [mail] = _mails(db, "elodie@example.org")
    assert "button" not in mail.body
    assert "with “Confirm my application” below" in mail.body
    assert "Confirm my application:\n" in mail.body


def test_an_existing_volunteers_address_joins_the_volunteer(client, db, projects):
    volunteer = factories.volunteer(full_name="Élodie", email="elodie@example.org")
    db.session.commit()
    client.post("/apply", data=apply_data([projects[1].id], email="ELODIE@example.org"))
    assert _applications(db)[0].volunteer_id == volunteer.id


def test_honeypot_and_too_fast_forms_are_dropped_silently(client, db, projects):
    for data in (apply_data([projects[1].id], website="http://spam.example"),
                 apply_data([projects[1].id], started=new_stamp()),
                 apply_data([projects[1].id], started="forged"),
                 apply_data([projects[1].id], started="")):
        response = client.post("/apply", data=data)
        # the page a person is sent to, language and all
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/apply/sent?lang=en")
    assert _applications(db) == [] and db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert "Check your e-mail" in client.get("/apply/sent").get_data(as_text=True)


def test_errors_stand_beside_their_fields_with_what_was_typed(client, db, projects):
    data = apply_data([projects[1].id, projects[1].id], email="not an address",
                      full_name="محمد العلوي", consent="", phone="12",
                      available_to="2020-01-01")
    response = client.post("/apply", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("email", "consent", "phone", "available_to", "projects"):
        assert f'id="{field}-error"' in html, field
    assert 'value="محمد العلوي"' in html and 'value="not an address"' in html
    assert _applications(db) == []


def test_a_closed_project_is_refused_beside_the_choices(client, db, projects):
    response = client.post("/apply", data=apply_data([projects[3].id]))
    assert response.status_code == 422
    assert 'id="projects-error"' in response.get_data(as_text=True)


def test_privacy_notice_in_the_visitors_language(client):
    client.post("/language", data={"language": "ar", "next": "/apply/privacy"})
    html = client.get("/apply/privacy").get_data(as_text=True)
    assert 'dir="rtl"' in html and "09-08" in html


FIELDS = ["full_name", "name_ar", "email", "phone", "nationality", "date_of_birth",
          "languages-0-code", "languages-0-level", "languages-7-code", "skills", "interests",
          "available_from", "available_to", "projects-0-project", "projects-2-project",
          "sending_organisation_id", "sending_organisation_other", "motivation", "heard_from",
          "consent", "testimonial_consent"]
hostile_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(["", "0", "-1", "999999999999999999999", "None",
                                           "2026-02-30", "\x00", "\ufffe", "<script>", "é" * 300,
                                           "+212 6 12 34 56 78", "native", "Z9"]))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELDS), hostile_text, max_size=12))
def test_hostile_input_never_gives_a_500(client, projects, fields):
    data = apply_data([projects[1].id])
    data.update(fields)
    response = client.post("/apply", data=data)
    assert response.status_code in (302, 422), response.status_code


@pytest.mark.parametrize(("lang", "translated"), [
    ("fr", "Ce choix ne fait pas partie de la liste."), ("ar", "هذا الخيار ليس في القائمة.")])
def test_a_rows_builtin_messages_are_in_the_pages_language(client, db, projects, lang,
                                                          translated):
    """A language row missing from the POST: WTForms' own message in the page's language."""
    data = apply_data([projects[1].id])
    del data["languages-0-code"]  # the level stays: a tampered row
    response = client.post(f"/apply?lang={lang}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not a valid choice." not in html
    assert translated in html
    assert _applications(db) == []


def test_a_full_project_is_neither_offered_nor_taken(client, db, projects):
    library, garden = projects[:2]  # the library has one place
    taken = factories.volunteer(full_name="Already there")
    factories.placement(taken, library, start_date=library.start_date,
                        end_date=library.end_date)
    db.session.commit()
    html = client.get(f"/apply?project={library.id}&project={garden.id}").get_data(as_text=True)
    assert f'value="{library.id}"' not in html and "Library" not in html
    assert re.search(rf'<option selected value="{garden.id}">', html)
    response = client.post("/apply", data=apply_data([library.id]))
    assert response.status_code == 422
    assert 'id="projects-error"' in response.get_data(as_text=True)
    assert _applications(db) == []
