"""Invitations, password reset and password change (issue 5, item 4)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel import dates as babel_dates

from aljisr.audit import AuditEvent
from aljisr.auth.models import User
from aljisr.auth.services import passwords
from aljisr.auth.services.passwords import LinkPurpose
from aljisr.mail import OutboxMessage
from aljisr.notifications.models import OutboxStatus
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from tests.support import factories
from tests.support.clients import login_client
from tests.support.factories import PASSWORD

NEW_PASSWORD = "a new and long password"


def _outbox(db, recipient=None):
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(query).all()


def _link(message, kind="invitation"):
    pattern = {"invitation": r"https://aljisr\.example\.org/invitation/\S+",
               "reset": r"https://aljisr\.example\.org/password/reset/\S+"}[kind]
    match = re.search(pattern, message.body)
    assert match, message.body
    return match.group(0).removeprefix("https://aljisr.example.org")


def _set_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def _invite_volunteer(coordinator_client, volunteer, language="en"):
    return coordinator_client.post(f"/invitations/volunteer/{volunteer.id}",
                                   data={"language": language})


# --- volunteers -----------------------------------------------------------------------------

def test_coordinator_invites_a_volunteer_who_sets_a_password_once(app, db, as_role):
    coordinator, _ = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Ольга Петренко", email="Olga@Example.org")
    db.session.commit()

    response = _invite_volunteer(coordinator, volunteer, language="fr")
    assert response.status_code == 302
    user = db.session.get(User, volunteer.user_id)
    assert user.role is Role.VOLUNTEER and user.email == "olga@example.org"
    assert user.password_hash is None and user.locale == "fr"
    assert user.display_name == "Ольга Петренко"
    [message] = _outbox(db, "olga@example.org")
    assert message.status is OutboxStatus.QUEUED and message.transport is None
    assert "Ольга Петренко" in message.body
    # written in the volunteer's language: the deadline's month is in French
    deadline = datetime.now(ZoneInfo(app.config["TIMEZONE"])) + timedelta(hours=72)
    assert babel_dates.format_date(deadline, "MMMM", locale="fr") in message.body
    path = _link(message)

    guest = app.test_client()
    page = guest.get(path)
    assert page.status_code == 200
    assert "olga@example.org" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"

    response = _set_password(guest, path)
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert guest.get("/home").status_code == 200  # signed in as the volunteer
    user = db.session.get(User, user.id)
    assert user.check_password(NEW_PASSWORD)

    # the link works once
    again = app.test_client().get(path)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert _set_password(app.test_client(), path, "another long password").status_code == 410
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)

    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.subject_type == "users", AuditEvent.subject_id == user.id)).all()
    assert {"user.create", "user.invite", "auth.invitation_accept"} <= set(actions)


def test_a_newer_invitation_retires_the_older_link(app, db, as_role):
    coordinator, _ = as_role("coordinator")
    volunteer = factories.volunteer()
    db.session.commit()
    _invite_volunteer(coordinator, volunteer)
    _invite_volunteer(coordinator, volunteer)
    first, second = _outbox(db, volunteer.email)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                             .where(User.email == volunteer.email)) == 1

    guest = app.test_client()
    stale = guest.get(_link(first))
    assert stale.status_code == 410
    assert "newer link" in stale.get_data(as_text=True)
    assert _set_password(guest, _link(first)).status_code == 410
    assert _set_password(guest, _link(second)).status_code == 302


def test_resend_button_sends_a_new_link(app, db, as_role):
    coordinator, _ = as_role("coordinator")
    volunteer = factories.volunteer()
    db.session.commit()
    _invite_volunteer(coordinator, volunteer)
    page = coordinator.get("/invitations").get_data(as_text=True)
    assert volunteer.email in page
    response = coordinator.post(f"/invitations/{volunteer.user_id}/resend")
    assert response.status_code == 302
    first, second = _outbox(db, volunteer.email)
    assert app.test_client().get(_link(first)).status_code == 410
    assert app.test_client().get(_link(second)).status_code == 200


def test_expired_link_is_refused(app, db, monkeypatch):
    user = factories.user(Role.VOLUNTEER)
    user.password_hash = None
    real = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: real - (72 * 3600 + 60))
        token = passwords.issue_token(user, LinkPurpose.INVITATION)
    db.session.commit()
    response = app.test_client().get(f"/invitation/{token}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_a_link_just_inside_its_lifetime_works(app, db, monkeypatch):
    user = factories.user(Role.VOLUNTEER)
    user.password_hash = None
    real = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: real - (72 * 3600 - 60))
        token = passwords.issue_token(user, LinkPurpose.INVITATION)
    db.session.commit()
    assert app.test_client().get(f"/invitation/{token}").status_code == 200


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJ2IjoxfQ.bad.signature", "x" * 300])
def test_forged_links_are_refused(client, db, token):
    factories.user()
    db.session.commit()
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 410
    assert "not valid" in response.get_data(as_text=True)
    response = _set_password(client, f"/password/reset/{token}")
    assert response.status_code == 410


def test_an_invitation_link_is_not_a_reset_link(app, db):
    user = factories.user(Role.VOLUNTEER)
    token = passwords.issue_token(user, LinkPurpose.INVITATION)
    db.session.commit()
    assert app.test_client().get(f"/password/reset/{token}").status_code == 410
    assert app.test_client().get(f"/invitation/{token}").status_code == 200


def test_deactivated_user_cannot_use_a_link(app, db):
    user = factories.user(Role.VOLUNTEER)
    token = passwords.issue_token(user, LinkPurpose.INVITATION)
    user.active = False
    db.session.commit()
    assert app.test_client().get(f"/invitation/{token}").status_code == 410


def test_bad_passwords_are_refused_beside_the_field(app, db):
    user = factories.user(Role.VOLUNTEER, email="someone@example.org")
    token = passwords.issue_token(user, LinkPurpose.INVITATION)
    db.session.commit()
    client = app.test_client()
    path = f"/invitation/{token}"
    for password, confirm, message in [
        ("short", "short", "at least 10 characters"),
        ("long enough password", "different password", "The two passwords differ."),
        ("someone@example.org", "someone@example.org", "e-mail address as password"),
        ("", "", "This field is required."),
    ]:
        response = _set_password(client, path, password, confirm)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert message in html, message
        assert 'id="password-error"' in html or 'id="confirm-error"' in html
    assert _set_password(client, path).status_code == 302  # the link survived the mistakes


def test_volunteer_without_email_cannot_be_invited(db, as_role):
    coordinator, _ = as_role("coordinator")
    volunteer = factories.volunteer(email=None)
    db.session.commit()
    response = _invite_volunteer(coordinator, volunteer)
    assert response.status_code == 422
    assert "no e-mail address" in response.get_data(as_text=True)
    assert db.session.get(type(volunteer), volunteer.id).user_id is None
    assert _outbox(db) == []


def test_volunteer_whose_email_belongs_to_another_account(db, as_role):
    coordinator, _ = as_role("coordinator")
    factories.user(Role.COORDINATOR, email="taken@example.org")
    volunteer = factories.volunteer(email="taken@example.org")
    db.session.commit()
    response = _invite_volunteer(coordinator, volunteer)
    assert "Another account already uses taken@example.org" in response.get_data(as_text=True)
    assert _outbox(db) == []


def test_account_with_password_is_not_invited_again(db, as_role):
    coordinator, _ = as_role("coordinator")
    user = factories.user(Role.VOLUNTEER)
    volunteer = factories.volunteer(user=user, email=user.email)
    db.session.commit()
    response = _invite_volunteer(coordinator, volunteer)
    assert "Forgot your password?" in response.get_data(as_text=True)
    assert _outbox(db) == []
    coordinator.post(f"/invitations/{user.id}/resend")
    assert _outbox(db) == []


def test_unknown_volunteer_is_404(as_role):
    coordinator, _ = as_role("coordinator")
    assert coordinator.get("/invitations/volunteer/999999").status_code == 404
    assert coordinator.post("/invitations/999999/resend").status_code == 404


# --- partner contacts -----------------------------------------------------------------------

def test_coordinator_invites_a_host_contact(app, db, as_role):
    coordinator, _ = as_role("coordinator")
    host = factories.organisation(OrganisationKind.HOST, name="Maggamane Centre")
    db.session.commit()
    form = coordinator.get(f"/invitations/partner?organisation_id={host.id}").get_data(as_text=True)
    assert f'<option selected value="{host.id}">' in form
    response = coordinator.post("/invitations/partner", data={
        "organisation": host.id, "display_name": "حسن بناني", "email": " Hassan@Host.example ",
        "language": "ar"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "hassan@host.example"))
    assert user.role is Role.PARTNER and user.organisation_id == host.id
    assert user.locale == "ar" and user.display_name == "حسن بناني"
    [message] = _outbox(db, "hassan@host.example")
    assert "Maggamane Centre" in message.body
    guest = app.test_client()
    assert _set_password(guest, _link(message)).status_code == 302
    assert guest.get("/home").status_code == 200


def test_partner_invitation_errors_sit_beside_fields(db, as_role):
    coordinator, _ = as_role("coordinator")
    host = factories.organisation(OrganisationKind.HOST)
    other = factories.organisation(OrganisationKind.SENDING)
    funder = factories.organisation(OrganisationKind.FUNDER, name="Funder Foundation")
    factories.user(Role.PARTNER, organisation=other, email="contact@example.org")
    db.session.commit()
    html = coordinator.get("/invitations/partner").get_data(as_text=True)
    assert "Funder Foundation" not in html
    response = coordinator.post("/invitations/partner", data={
        "organisation": host.id, "display_name": "X", "email": "contact@example.org",
        "language": "en"})
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and "Another account already uses" in html
    assert 'value="contact@example.org"' in html  # typed value kept
    response = coordinator.post("/invitations/partner", data={
        "organisation": funder.id, "display_name": "X", "email": "new@example.org",
        "language": "en"})
    assert 'id="organisation-error"' in response.get_data(as_text=True)
    assert _outbox(db) == []


# --- password reset -------------------------------------------------------------------------

def test_forgot_password_answers_the_same_for_unknown_addresses(app, db):
    user = factories.user(email="known@example.org")
    db.session.commit()
    known = app.test_client().post("/password/forgot", data={"email": "KNOWN@example.org"},
                                   follow_redirects=True)
    unknown = app.test_client().post("/password/forgot", data={"email": "nobody@example.org"},
                                     follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert known.request.path == unknown.request.path == "/login"

    def flashed(response):
        return re.search(r'role="alert">\s*(.*?)\s*<button', response.get_data(as_text=True),
                         re.S).group(1)

    assert flashed(known) == flashed(unknown)
    assert [m.recipient for m in _outbox(db)] == [user.email]


def test_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, db):
    user = factories.user(email="reset@example.org")
    db.session.commit()
    elsewhere = login_client(app, user)
    assert elsewhere.get("/home").status_code == 200
    app.test_client().post("/password/forgot", data={"email": "reset@example.org"})
    path = _link(_outbox(db)[0], "reset")

    client = app.test_client()
    assert client.get(path).status_code == 200
    assert _set_password(client, path).status_code == 302
    assert client.get("/home").status_code == 200
    assert elsewhere.get("/home").status_code == 302  # the other session ended
    assert app.test_client().get(path).status_code == 410
    user = db.session.get(User, user.id)
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)


def test_reset_for_a_deactivated_account_sends_nothing(app, db):
    factories.user(email="gone@example.org", active=False)
    db.session.commit()
    app.test_client().post("/password/forgot", data={"email": "gone@example.org"})
    assert _outbox(db) == []


def test_mail_goes_through_smtp_when_configured(app, db, monkeypatch):
    """The request only queues the message; the worker hands it to the SMTP server."""
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, username, password):
            sent.append(("login", username))

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"], message.get_content()))

        def quit(self):
            sent.append(("quit",))

    import aljisr.notifications.worker

    monkeypatch.setattr(aljisr.notifications.worker.smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_USERNAME="robot")
    factories.user(email="smtp@example.org")
    db.session.commit()
    app.test_client().post("/password/forgot", data={"email": "smtp@example.org"})
    assert sent == []  # nothing sent inside the request
    aljisr.notifications.worker.deliver_due()
    assert sent[0] == ("connect", "smtp.example.org", 587)
    assert ("login", "robot") in sent
    send = next(s for s in sent if s[0] == "send")
    assert send[1] == "smtp@example.org" and "/password/reset/" in send[3]
    assert _outbox(db)[0].transport == "smtp"


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True,
                "PASSWORD_RESET_RATE_LIMIT": "2 per minute", "LOGIN_RATE_LIMIT": "2 per minute"}

    def test_guessing_the_current_password_is_rate_limited(self, as_role):
        client, _ = as_role("volunteer")

        def guess():
            return client.post("/account/password", data={
                "current_password": "wrong guess", "password": "a new long password",
                "confirm": "a new long password"}).status_code

        assert [guess() for _ in range(3)] == [422, 422, 429]

    def test_a_form_refused_for_another_reason_is_no_guess(self, as_role):
        client, _ = as_role("volunteer")
        for _ in range(3):  # the two new passwords differ: no password was checked
            response = client.post("/account/password", data={
                "current_password": "wrong guess", "password": "a new long password",
                "confirm": "another long password"})
            assert "The two passwords differ." in response.get_data(as_text=True)

    def test_forgot_password_is_rate_limited(self, client, db):
        def ask():
            return client.post("/password/forgot", data={"email": "a@example.org"})

        assert [ask().status_code for _ in range(3)] == [302, 302, 429]


# --- password change ------------------------------------------------------------------------

def test_changing_password_ends_other_sessions_but_not_this_one(app, db):
    user = factories.user()
    db.session.commit()
    here = login_client(app, user)
    there = login_client(app, user)
    assert there.get("/home").status_code == 200
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get("/home").status_code == 200
    assert there.get("/home").status_code == 302
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_changing_password_spends_pending_reset_links(app, db):
    user = factories.user()
    token = passwords.issue_token(user, LinkPurpose.RESET)
    db.session.commit()
    login_client(app, user).post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert app.test_client().get(f"/password/reset/{token}").status_code == 410


def test_wrong_current_password_is_shown_beside_the_field(app, db):
    user = factories.user()
    db.session.commit()
    client = login_client(app, user)
    response = client.post("/account/password", data={
        "current_password": "not it", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="current_password-error"' in html and "not your current password" in html
    assert db.session.get(User, user.id).check_password(PASSWORD)
    assert client.get("/home").status_code == 200


def test_password_change_asks_for_the_current_password_first(app, db):
    """The change form and the set-password form share their new-password fields; the change
    form still shows the current password first, then the new one, then its repetition."""
    user = factories.user()
    db.session.commit()
    html = login_client(app, user).get("/account/password").get_data(as_text=True)
    names = re.findall(r'<input[^>]* name="(current_password|password|confirm)"', html)
    assert names == ["current_password", "password", "confirm"]


def test_login_page_links_to_forgot_password(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_invitations_page_lists_volunteers_without_account_and_searches(app, db, as_role):
    coordinator, _ = as_role("coordinator")
    app.config["PAGE_SIZE"] = 2
    factories.volunteer(full_name="Théo Marchand")
    factories.volunteer(full_name="Ana Ruiz")
    factories.volunteer(full_name="Léa Fontaine")
    factories.volunteer(full_name="No Mail", email=None)
    db.session.commit()
    html = coordinator.get("/invitations").get_data(as_text=True)
    assert "Ana Ruiz" in html and "Léa Fontaine" in html and "Théo Marchand" not in html
    assert 'id="more-volunteers"' in html and "No Mail" not in html
    html = coordinator.get("/invitations?q=theo").get_data(as_text=True)
    assert "Théo Marchand" in html and "Ana Ruiz" not in html
    assert 'id="more-volunteers"' not in html
