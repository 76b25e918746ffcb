"""The coordinators' applications inbox (issue 15, item 3): list, filters and counts, likely
duplicates, review, accept (volunteer, placements, invitation: all or nothing), decline, the
applicant's messages, the audit log, and anonymisation after the retention period."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aljisr.applications.models import Application, ApplicationStatus
from aljisr.applications.services import LinkPurpose, confirm_application, link_token
from aljisr.audit import AuditEvent
from aljisr.auth.models import User
from aljisr.database import utcnow
from aljisr.notifications.models import OutboxMessage
from aljisr.placements.models import Placement
from aljisr.volunteers.models import Volunteer
from tests.support import factories
from tests.support.applications import apply_data
from tests.support.clients import login_client


def _apply(client: Any, db: Any, project_ids: list[int], **overrides: Any) -> Application:
    """Send the form and confirm it; the confirmed application."""
    client.post("/apply", data=apply_data(project_ids, **overrides))
    email = overrides.get("email", "elodie@example.org").strip().lower()
    application = db.session.scalar(sa.select(Application).where(Application.email == email))
    confirm_application(link_token(application, LinkPurpose.CONFIRM))
    db.session.commit()
    return application


@pytest.fixture
def staff(app: Any, db: Any) -> Any:
    user = factories.user()
    db.session.commit()
    return login_client(app, user)


def _actions(db: Any, application: Application) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.subject_type == "applications", AuditEvent.subject_id == application.id)
        .order_by(AuditEvent.id)))


def test_inbox_lists_filters_and_counts(client, db, staff, projects):
    a = _apply(client, db, [projects[1].id], full_name="محمد العلوي", nationality="MA",
               email="m@example.org")
    _apply(client, db, [projects[2].id], full_name="山田 花子", nationality="JP",
           email="hanako@example.org")
    html = staff.get("/applications/").get_data(as_text=True)
    assert "محمد العلوي" in html and "山田 花子" in html
    assert 'data-status="new"' in html
    filtered = staff.get(f"/applications/?project={projects[1].id}").get_data(as_text=True)
    assert "محمد العلوي" in filtered and "山田 花子" not in filtered
    assert "山田 花子" in staff.get("/applications/?nationality=JP").get_data(as_text=True)
    assert "山田" in staff.get("/applications/?q=hanako").get_data(as_text=True)
    assert staff.get("/applications/?date_from=not-a-date&status=bogus").status_code == 200
    # the navigation counts the new ones
    assert 'id="nav-count-applications-index"' in html
    staff.post(f"/applications/{a.id}/review")
    assert db.session.get(Application, a.id).status is ApplicationStatus.IN_REVIEW
    counts = staff.get("/applications/").get_data(as_text=True)
    assert "محمد العلوي" in staff.get("/applications/?status=in_review").get_data(as_text=True)
    assert "山田 花子" not in staff.get("/applications/?status=in_review").get_data(as_text=True)
    assert counts


def test_detail_shows_likely_duplicates(client, db, staff, projects):
    same_email = factories.volunteer(full_name="E. Müller", email="elodie@example.org")
    from datetime import date
    same_name = factories.volunteer(full_name="élodie  MÜLLER-IBÁÑEZ", email="other@example.org",
                                    date_of_birth=date(1998, 4, 2))
    factories.volunteer(full_name="Élodie Müller-Ibáñez", email="third@example.org",
                        date_of_birth=date(1999, 4, 2))
    db.session.commit()
    a = _apply(client, db, [projects[1].id])
    html = staff.get(f"/applications/{a.id}").get_data(as_text=True)
    duplicates = html[html.index('id="duplicates"'):]
    assert f"/volunteers/{same_email.id}" in duplicates
    assert f"/volunteers/{same_name.id}" in duplicates
    assert "third@example.org" not in duplicates


def test_accept_creates_the_volunteer_proposes_a_placement_and_invites(client, db, staff,
                                                                       projects):
    a = _apply(client, db, [projects[1].id, projects[0].id])
    page = staff.get(f"/applications/{a.id}/accept")
    assert page.status_code == 200
    start, end = a.available_from.isoformat(), a.available_to.isoformat()
    response = staff.post(f"/applications/{a.id}/accept", data={
        "volunteer": "", "placements-0-propose": "y", "placements-0-start_date": start,
        "placements-0-end_date": end, "placements-1-start_date": start,
        "placements-1-end_date": end, "role": "Volunteer", "invite": "y"})
    assert response.status_code == 302
    a = db.session.get(Application, a.id)
    assert a.status is ApplicationStatus.ACCEPTED and a.open_email is None
    volunteer = db.session.get(Volunteer, a.volunteer_id)
    assert volunteer.full_name == "Élodie Müller-Ibáñez" and volunteer.email == a.email
    assert volunteer.language_levels() == {"fr": "native", "en": "B2"}
    [placement] = db.session.scalars(sa.select(Placement).where(
        Placement.volunteer_id == volunteer.id)).all()
    assert placement.project_id == projects[1].id
    assert volunteer.user is not None and volunteer.user.password_hash is None
    kinds = set(db.session.scalars(sa.select(OutboxMessage.kind).where(
        OutboxMessage.recipient == a.email)))
    assert {"application.confirm", "application.received", "application.accepted",
            "placement.proposed"} <= kinds
    subjects = db.session.scalars(sa.select(OutboxMessage.subject).where(
        OutboxMessage.recipient == a.email)).all()
    assert any("Your account" in s for s in subjects)  # the invitation
    assert _actions(db, a) == ["application.submit", "application.confirm", "application.accept"]


def test_an_arabic_application_gets_every_later_message_in_arabic(client, db, staff, projects):
    """Accepting with two placements: the acceptance, the invitation and both placement
    messages in the application's language (the login is made before the placements)."""
    client.post("/apply?lang=ar", data=apply_data([projects[1].id, projects[2].id],
                                                  email="salma@example.org"))
    a = db.session.scalar(sa.select(Application).where(Application.email == "salma@example.org"))
    assert a.locale == "ar"
    confirm_application(link_token(a, LinkPurpose.CONFIRM))
    db.session.commit()
    start, end = a.available_from.isoformat(), a.available_to.isoformat()
    middle = (a.available_from + timedelta(days=20)).isoformat()
    after = (a.available_from + timedelta(days=21)).isoformat()
    response = staff.post(f"/applications/{a.id}/accept", data={
        "volunteer": "", "placements-0-propose": "y", "placements-0-start_date": start,
        "placements-0-end_date": middle, "placements-1-propose": "y",
        "placements-1-start_date": after, "placements-1-end_date": end, "invite": "y"})
    assert response.status_code == 302
    rows = db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.language,
                                        OutboxMessage.subject).where(
        OutboxMessage.recipient == "salma@example.org")).all()
    assert [kind for kind, _, _ in rows].count("placement.proposed") == 2
    assert {language for kind, language, _ in rows if kind} == {"ar"}
    [invitation] = [subject for kind, _, subject in rows if kind is None]
    assert re.search("[\u0600-\u06ff]", invitation)  # the invitation too
    volunteer = db.session.get(Volunteer, db.session.get(Application, a.id).volunteer_id)
    assert volunteer.user.locale == "ar"


def test_the_applications_language_is_named_in_the_readers(client, db, staff, projects):
    client.post("/apply?lang=ar", data=apply_data([projects[1].id], email="salma@example.org"))
    a = db.session.scalar(sa.select(Application).where(Application.email == "salma@example.org"))
    confirm_application(link_token(a, LinkPurpose.CONFIRM))
    db.session.commit()
    html = staff.get(f"/applications/{a.id}?lang=en").get_data(as_text=True)
    row = html[html.index('id="application-locale"'):]
    assert row[:row.index("</dd>")].endswith(">Arabic")


def test_accepting_without_a_placement_is_a_deliberate_choice(client, db, staff, projects):
    """The first preferred project still taking volunteers is ticked; with none ticked, the
    form asks to confirm "without a placement" beside that box, and nothing is saved."""
    library, garden = projects[:2]
    a = _apply(client, db, [library.id, garden.id])
    taken = factories.volunteer(full_name="Already there")  # the library fills up meanwhile
    factories.placement(taken, library, start_date=library.start_date,
                        end_date=library.end_date)
    db.session.commit()
    page = staff.get(f"/applications/{a.id}/accept").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*id="placements-1-propose"|'
                     r'<input[^>]*id="placements-1-propose"[^>]*checked', page)
    assert not re.search(r'<input[^>]*id="placements-0-propose"[^>]*checked', page)
    start, end = a.available_from.isoformat(), a.available_to.isoformat()
    data = {"volunteer": "", "placements-0-start_date": start, "placements-0-end_date": end,
            "placements-1-start_date": start, "placements-1-end_date": end, "invite": "y"}
    response = staff.post(f"/applications/{a.id}/accept", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="without_placement-error"' in html
    assert "Tick a placement to propose, or confirm that you accept without one." in html
    assert db.session.get(Application, a.id).status is ApplicationStatus.NEW
    response = staff.post(f"/applications/{a.id}/accept",
                          data={**data, "without_placement": "y"})
    assert response.status_code == 302
    assert db.session.get(Application, a.id).status is ApplicationStatus.ACCEPTED


def test_the_coordinator_sees_that_an_invitation_went_out(client, db, staff, projects):
    """A notice after accepting and a line on the application: address and time, never the
    link (it is the volunteer's secret)."""
    a = _apply(client, db, [projects[1].id])
    start, end = a.available_from.isoformat(), a.available_to.isoformat()
    response = staff.post(f"/applications/{a.id}/accept", data={
        "volunteer": "", "placements-0-propose": "y", "placements-0-start_date": start,
        "placements-0-end_date": end, "invite": "y"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "An invitation to choose a password was e-mailed to elodie@example.org." in html
    line = html[html.index('id="application-invitation"'):]
    line = line[:line.index("</dd>")]
    assert "Invitation to sign in sent to elodie@example.org on" in line
    assert "/invitation/" not in html  # the link stays secret
    # accepted without inviting: no such line
    b = _apply(client, db, [projects[2].id], email="other@example.org", full_name="Other")
    page = staff.post(f"/applications/{b.id}/accept", data={
        "volunteer": "", "without_placement": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "Application accepted" in page and "An invitation" not in page
    assert 'id="application-invitation"' not in page


def test_a_refused_placement_leaves_nothing_half_done(client, db, staff, projects):
    library = projects[0]  # capacity 1, taken after the application was sent
    a = _apply(client, db, [projects[1].id, library.id])
    taken = factories.volunteer(full_name="Already there")
    factories.placement(taken, library, start_date=library.start_date,
                        end_date=library.end_date)
    db.session.commit()
    start, end = a.available_from.isoformat(), a.available_to.isoformat()
    middle = (a.available_from + timedelta(days=20)).isoformat()
    after = (a.available_from + timedelta(days=21)).isoformat()
    response = staff.post(f"/applications/{a.id}/accept", data={
        "volunteer": "", "placements-0-propose": "y", "placements-0-start_date": start,
        "placements-0-end_date": middle, "placements-1-propose": "y",
        "placements-1-start_date": after, "placements-1-end_date": end, "invite": "y"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="placements-1-start_date-error"' in html and "The project is full" in html
    assert db.session.get(Application, a.id).status is ApplicationStatus.NEW
    assert db.session.scalar(sa.select(Volunteer).where(Volunteer.email == a.email)) is None
    assert db.session.scalar(sa.select(User).where(User.email == a.email)) is None


def test_accept_links_the_duplicate_with_the_same_address(client, db, staff, projects):
    existing = factories.volunteer(full_name="Élodie M.", email="elodie@example.org")
    db.session.commit()
    a = _apply(client, db, [projects[1].id])
    page = staff.get(f"/applications/{a.id}/accept").get_data(as_text=True)
    assert f'<option selected value="{existing.id}">' in page
    response = staff.post(f"/applications/{a.id}/accept", data={"volunteer": str(existing.id),
                                                                 "without_placement": "y"})
    assert response.status_code == 302
    assert db.session.get(Application, a.id).volunteer_id == existing.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Volunteer)) == 1
    # a volunteer not offered cannot be linked
    other = _apply(client, db, [projects[1].id], email="x@example.org", full_name="X")
    stranger = factories.volunteer(full_name="Stranger")
    db.session.commit()
    assert staff.post(f"/applications/{other.id}/accept",
                      data={"volunteer": str(stranger.id)}).status_code == 422


def test_decline_with_a_reason_tells_the_applicant_in_their_language(client, db, staff,
                                                                     projects):
    client.post("/language", data={"language": "ar", "next": "/"})
    a = _apply(client, db, [projects[1].id])
    assert staff.post(f"/applications/{a.id}/decline", data={"reason": ""}).status_code == 422
    response = staff.post(f"/applications/{a.id}/decline",
                          data={"reason": "No room this season."})
    assert response.status_code == 302
    a = db.session.get(Application, a.id)
    assert a.status is ApplicationStatus.DECLINED and a.decline_reason == "No room this season."
    mail = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "application.declined"))
    assert mail.language == "ar" and "No room this season." in mail.body
    # a decided application takes no other decision
    assert staff.post(f"/applications/{a.id}/decline",
                      data={"reason": "again"}).status_code == 422


def test_declined_and_withdrawn_are_anonymised_after_the_retention_period(app, client, db,
                                                                          staff, projects):
    a = _apply(client, db, [projects[1].id])
    staff.post(f"/applications/{a.id}/decline", data={"reason": "No room."})
    client.post("/apply", data=apply_data([projects[1].id], email="never@example.org"))
    fresh = _apply(client, db, [projects[1].id], email="fresh@example.org")
    staff.post(f"/applications/{fresh.id}/decline", data={"reason": "No room."})
    a = db.session.get(Application, a.id)
    a.decided_at = utcnow() - timedelta(days=181)
    never = db.session.scalar(sa.select(Application).where(
        Application.email == "never@example.org"))
    never.created_at = utcnow() - timedelta(days=15)
    db.session.commit()
    result = CliRunner().invoke(app.cli, ["applications", "anonymise-expired"],
                                catch_exceptions=False)
    assert "Anonymised 2" in result.output
    a = db.session.get(Application, a.id)
    assert a.anonymised_at and a.email is None and a.full_name == f"#{a.id}"
    assert a.motivation is None and a.decline_reason is None and a.nationality == "FR"
    assert db.session.get(Application, fresh.id).anonymised_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient == "elodie@example.org")) == 0
    assert "application.anonymise" in _actions(db, a)


def test_the_worker_daily_jobs_anonymise_too(app, client, db, staff, projects):
    from aljisr.notifications.worker import run_daily_jobs

    a = _apply(client, db, [projects[1].id])
    staff.post(f"/applications/{a.id}/decline", data={"reason": "No room."})
    db.session.get(Application, a.id).decided_at = utcnow() - timedelta(days=200)
    db.session.commit()
    run_daily_jobs()
    db.session.expire_all()
    assert db.session.get(Application, a.id).anonymised_at is not None


def test_every_input_has_a_label(client, db, staff, projects):
    from tests.support.a11y import unlabelled_controls

    a = _apply(client, db, [projects[1].id, projects[2].id])
    pages = {"/apply": client.get("/apply"),
             "/apply (errors)": client.post("/apply", data=apply_data(
                 [projects[1].id], consent="", email="bad")),
             "/applications/": staff.get("/applications/"),
             "detail": staff.get(f"/applications/{a.id}"),
             "accept": staff.get(f"/applications/{a.id}/accept"),
             "decline": staff.get(f"/applications/{a.id}/decline")}
    assert pages["/apply (errors)"].status_code == 422
    for name, response in pages.items():
        assert unlabelled_controls(response.get_data(as_text=True)) == [], name
