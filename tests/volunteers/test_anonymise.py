"""Anonymising a volunteer (docs/architecture.md §2.8, §6.6): personal data erased for good,
history and issued certificates kept; on request from the volunteer's page, or past the
retention period from the command line."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.certificates import services as certificate_services
from aljisr.dates import association_today
from aljisr.errors import DomainError, NotAllowed
from aljisr.mail import OutboxMessage, send_mail
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from aljisr.volunteers import queries as volunteer_queries
from aljisr.volunteers import services
from aljisr.volunteers.models import Volunteer, VolunteerLanguage, VolunteerStatus
from tests.support import factories
from tests.support.certificates import ISSUED, completed_placement

PERSONAL = ("Ольга Петренко", "Ольга", "olga@example.org", "+380 44 123 4567", "Asthma",
            "Mum", "No pork", "Met at the fair", "أولغا")


@pytest.fixture
def olga(db):
    """A volunteer with every kind of personal data, a sign-in account, an issued certificate
    and an e-mail in the outbox."""
    account = factories.user(Role.VOLUNTEER, email="olga@example.org",
                             display_name="Ольга")
    volunteer = factories.volunteer(
        full_name="Ольга Петренко", name_ar="أولغا", email="olga@example.org",
        phone="+380 44 123 4567", date_of_birth=date(1994, 3, 17), nationality="UA",
        health_notes="Asthma", dietary_notes="No pork", emergency_contact_name="Mum",
        emergency_contact_phone="+380 44 765 4321", notes="Met at the fair",
        consent_date=date(2025, 1, 5), skills=["painting"], interests=["education"],
        available_from=date(2026, 1, 1), available_to=date(2026, 12, 31),
        languages={"uk": "native", "fr": "B2"}, user=account,
    )
    coordinator = factories.user(display_name="Samira Alaoui")
    certificate = certificate_services.issue_certificate(
        completed_placement(volunteer), actor=coordinator, today=ISSUED)
    send_mail("olga@example.org", "Welcome", "Dear Ольга, welcome.")
    db.session.commit()
    return volunteer, coordinator, certificate


def _row_text(db, volunteer):
    """Every value stored in the volunteer's row, their languages and their account, as text."""
    row = db.session.execute(sa.select(Volunteer.__table__).where(
        Volunteer.id == volunteer.id)).one()
    languages = db.session.execute(sa.select(VolunteerLanguage.__table__).where(
        VolunteerLanguage.volunteer_id == volunteer.id)).all()
    user = volunteer.user
    return " ".join(map(str, [*row, *languages, user.email if user else "",
                              user.display_name if user else ""]))


def test_anonymising_erases_personal_data_and_keeps_history(db, olga):
    volunteer, coordinator, certificate = olga
    services.anonymise_volunteer(volunteer, actor=coordinator, reason="Asked by e-mail")
    db.session.commit()
    db.session.expire_all()

    stored = _row_text(db, volunteer)
    for text in PERSONAL:
        assert text not in stored, text
    assert volunteer.full_name == f"#{volunteer.id}"
    assert volunteer.search_key == f"#{volunteer.id}"
    assert volunteer.languages == [] and volunteer.skills == [] and volunteer.interests == []
    assert volunteer.date_of_birth is None and volunteer.consent_date is None
    assert volunteer.nationality == "UA"  # kept for reports
    assert volunteer.status is VolunteerStatus.ARCHIVED and volunteer.archived_at is not None
    assert volunteer.anonymised_at is not None
    assert [p.status for p in volunteer.placements] == [PlacementStatus.COMPLETED]
    assert not volunteer.user.active and volunteer.user.password_hash is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "volunteer.anonymise")).one()
    assert (event.subject_id, event.actor_id, event.reason) == (
        volunteer.id, coordinator.id, "Asked by e-mail")
    # the certificate keeps the name it was issued to, and stays verifiable
    assert certificate.snapshot["volunteer_name"] == "Ольга Петренко"


def test_the_certificate_still_verifies_after_anonymisation(db, client, olga):
    volunteer, coordinator, certificate = olga
    services.anonymise_volunteer(volunteer, actor=coordinator, reason="Request")
    db.session.commit()
    html = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert 'data-status="valid"' in html and "Ольга Петренко" in html


def test_the_account_can_no_longer_sign_in(db, app, olga):
    volunteer, coordinator, _ = olga
    services.anonymise_volunteer(volunteer, actor=coordinator, reason="Request")
    db.session.commit()
    response = app.test_client().post("/login", data={
        "email": "olga@example.org", "password": factories.PASSWORD})
    assert response.status_code == 422 and "/home" not in response.headers.get("Location", "")


def test_search_no_longer_finds_the_name(db, as_role, olga):
    volunteer, coordinator, _ = olga
    services.anonymise_volunteer(volunteer, actor=coordinator, reason="Request")
    db.session.commit()
    client, _ = as_role("coordinator")
    html = client.get("/volunteers/?q=ольга&archived=all").get_data(as_text=True)
    assert "Петренко" not in html and f"#{volunteer.id}" not in html
    html = client.get(f"/volunteers/?q=%23{volunteer.id}&archived=all").get_data(as_text=True)
    assert f"#{volunteer.id}" in html


@pytest.mark.parametrize("status", [PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED,
                                    PlacementStatus.ACTIVE])
def test_refused_while_a_placement_is_ongoing_or_coming(db, status):
    volunteer = factories.volunteer(full_name="Léa Fontaine")
    factories.placement(volunteer, status=status)
    db.session.commit()
    with pytest.raises(NotAllowed, match="complete, withdraw or cancel"):
        services.anonymise_volunteer(volunteer, actor=None, reason="Request")
    db.session.rollback()
    assert db.session.get(Volunteer, volunteer.id).full_name == "Léa Fontaine"


def test_a_reason_is_required_and_it_happens_once(db):
    volunteer = factories.volunteer(full_name="Léa Fontaine")
    db.session.commit()
    with pytest.raises(DomainError) as error:
        services.anonymise_volunteer(volunteer, actor=None, reason="   ")
    assert error.value.field == "reason"
    services.anonymise_volunteer(volunteer, actor=None, reason="Request")
    with pytest.raises(NotAllowed, match="already"):
        services.anonymise_volunteer(volunteer, actor=None, reason="Again")


def test_an_anonymised_volunteer_cannot_be_edited_or_restored(db):
    volunteer = factories.volunteer(full_name="Léa Fontaine")
    services.anonymise_volunteer(volunteer, actor=None, reason="Request")
    with pytest.raises(NotAllowed):
        services.update_volunteer(volunteer, {"full_name": "Léa Fontaine"}, actor=None)
    with pytest.raises(NotAllowed):
        services.unarchive_volunteer(volunteer, actor=None)


# --- the page ------------------------------------------------------------------------------------


def test_coordinator_anonymises_from_the_volunteers_page(db, as_role, olga):
    volunteer, _, _ = olga
    client, _ = as_role("coordinator")
    detail = client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
    assert f'href="/volunteers/{volunteer.id}/anonymise"' in detail
    page = client.get(f"/volunteers/{volunteer.id}/anonymise").get_data(as_text=True)
    assert "cannot be undone" in page and "Nationality and sending organisation" in page

    # without the box ticked and without a reason: messages beside the fields, nothing erased
    response = client.post(f"/volunteers/{volunteer.id}/anonymise",
                           data={"reason": "", "confirm": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why" in html and "Tick this box to confirm." in html
    db.session.expire_all()
    assert db.session.get(Volunteer, volunteer.id).full_name == "Ольга Петренко"

    response = client.post(f"/volunteers/{volunteer.id}/anonymise",
                           data={"reason": "Asked on 3 March", "confirm": "y"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "personal data has been erased" in html
    assert 'id="anonymised-notice"' in html and "Петренко" not in html
    assert f'href="/volunteers/{volunteer.id}/edit"' not in html
    # no dead ends: no placing, no re-issuing for someone whose data is gone
    assert "Find projects" not in html and "Propose a placement" not in html
    assert "/reissue" not in html
    # and the edit page sends back with a message
    response = client.get(f"/volunteers/{volunteer.id}/edit", follow_redirects=True)
    assert "cannot be edited" in response.get_data(as_text=True)


def test_the_page_shows_the_refusal_beside_the_form(db, as_role):
    volunteer = factories.volunteer(full_name="Léa Fontaine")
    factories.placement(volunteer, status=PlacementStatus.ACTIVE)
    db.session.commit()
    client, _ = as_role("coordinator")
    response = client.post(f"/volunteers/{volunteer.id}/anonymise",
                           data={"reason": "Request", "confirm": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "complete, withdraw or cancel" in html
    assert "Request" in html  # what was typed is kept


# --- the retention period --------------------------------------------------------------------


def _registered(volunteer, years_ago: float):
    volunteer.created_at = datetime.now().astimezone() - timedelta(days=365.25 * years_ago)


def test_past_retention_lists_only_volunteers_without_recent_placements(db):
    now = association_today()
    old_quiet = factories.volunteer(full_name="Old, no placement")
    old_past = factories.volunteer(full_name="Old, placement long ago")
    factories.placement(old_past, status=PlacementStatus.COMPLETED,
                        start_date=now - timedelta(days=9 * 365),
                        end_date=now - timedelta(days=9 * 365 - 20),
                        project_=factories.project(start_date=now - timedelta(days=3400),
                                                   end_date=now - timedelta(days=3000)))
    old_recent = factories.volunteer(full_name="Old, placement last year")
    factories.placement(old_recent, status=PlacementStatus.COMPLETED,
                        project_=factories.project(start_date=now - timedelta(days=400),
                                                   end_date=now - timedelta(days=300)))
    young = factories.volunteer(full_name="Registered last year")
    gone = factories.volunteer(full_name="Already anonymised")
    for volunteer in (old_quiet, old_past, old_recent, gone):
        _registered(volunteer, 8)
    _registered(young, 1)
    db.session.flush()
    services.anonymise_volunteer(gone, actor=None, reason="Request")
    names = [v.full_name for v in volunteer_queries.volunteers_past_retention(5, now)]
    assert sorted(names) == ["Old, no placement", "Old, placement long ago"]
    assert [v.full_name for v in volunteer_queries.volunteers_past_retention(10, now)] == []
    with pytest.raises(ValueError):
        volunteer_queries.volunteers_past_retention(0, now)


def test_command_lists_then_anonymises(db, app):
    old = factories.volunteer(full_name="Old, no placement")
    young = factories.volunteer(full_name="Registered last year")
    _registered(old, 8)
    _registered(young, 1)
    db.session.commit()
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["volunteers", "anonymise-expired", "--years", "5"])
    assert listed.exit_code == 0, listed.output
    assert "Old, no placement" in listed.output and "--yes" in listed.output
    assert "Registered last year" not in listed.output
    db.session.expire_all()
    assert db.session.get(Volunteer, old.id).anonymised_at is None  # listing changes nothing

    done = runner.invoke(args=["volunteers", "anonymise-expired", "--years", "5", "--yes"])
    assert done.exit_code == 0, done.output
    assert "Anonymised 1 volunteer(s); skipped 0." in done.output
    db.session.expire_all()
    assert db.session.get(Volunteer, old.id).full_name == f"#{old.id}"
    assert db.session.get(Volunteer, young.id).full_name == "Registered last year"
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "volunteer.anonymise")).one()
    assert event.actor_id is None and "5 years" in event.reason
