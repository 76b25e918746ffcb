"""A staff or partner login may not take the e-mail address of a volunteer: the volunteer's own
login will need it when they are invited (logins are unique on the address). Refused where such
a login is created from an address: the partner invitation, the admin's new user form, and the
``create-user`` command. The reverse rule lives in tests/volunteers/test_account_email.py."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from aljisr.auth.models import User
from aljisr.auth.services import invitations
from aljisr.auth.services.accounts import create_user
from aljisr.errors import Conflict
from aljisr.mail import OutboxMessage
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.volunteers.models import Volunteer
from tests.support import factories

PARTNER_MESSAGE = ("This e-mail address belongs to a volunteer. A partner login needs its own "
                   "address.")
STAFF_MESSAGE = ("This e-mail address belongs to a volunteer. A staff login needs its own "
                 "address.")


def _users(db, email):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email == email))


def _outbox(db):
    return db.session.scalars(sa.select(OutboxMessage)).all()


def _error_beside(html, field):
    parts = html.split(f'id="{field}-error"', 1)
    assert len(parts) == 2, f"no error beside {field}"
    return parts[1].split("</div>\n  </div>", 1)[0]


def _selected(html, field_id):
    select = re.search(rf'<select[^>]*id="{field_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select, field_id
    return re.findall(r'<option[^>]*\bselected\b[^>]*value="([^"]*)"', select.group(1))


# --------------------------------------------------------------------------------------------
# Partner invitation (the page)
# --------------------------------------------------------------------------------------------


def test_partner_invitation_refuses_a_volunteers_email_in_another_case(db, as_role):
    coordinator, _ = as_role("coordinator")
    host = factories.organisation(OrganisationKind.HOST, name="Maggamane Centre")
    volunteer = factories.volunteer(full_name="Ольга Петренко", email="olga@example.org")
    db.session.commit()

    response = coordinator.post("/invitations/partner", data={
        "organisation": host.id, "display_name": "حسن بناني", "email": "  Olga@EXAMPLE.org ",
        "language": "ar"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert PARTNER_MESSAGE in _error_beside(html, "email")
    [email_input] = re.findall(r'<input[^>]*\bid="email"[^>]*>', html)
    assert 'aria-invalid="true"' in email_input and 'aria-describedby="email-error"' in email_input
    # what was typed is kept
    assert 'value="Olga@EXAMPLE.org"' in html
    assert 'value="حسن بناني"' in html
    assert _selected(html, "organisation") == [str(host.id)]
    assert _selected(html, "language") == ["ar"]
    # nothing created, nothing sent
    assert _users(db, "olga@example.org") == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1  # coordinator
    assert _outbox(db) == []
    # and the volunteer can still be invited
    response = coordinator.post(f"/invitations/volunteer/{volunteer.id}", data={"language": "en"})
    assert response.status_code == 302
    account = db.session.get(Volunteer, volunteer.id).user
    assert account.role is Role.VOLUNTEER and account.email == "olga@example.org"


def test_partner_invitation_refuses_an_archived_volunteers_email(db, as_role):
    coordinator, _ = as_role("coordinator")
    sending = factories.organisation(OrganisationKind.SENDING)
    volunteer = factories.volunteer(email="former@example.org")
    volunteer.archived_at = volunteer.created_at
    db.session.commit()
    response = coordinator.post("/invitations/partner", data={
        "organisation": sending.id, "display_name": "Former", "email": "FORMER@example.org",
        "language": "en"})
    assert PARTNER_MESSAGE in _error_beside(response.get_data(as_text=True), "email")
    assert _users(db, "former@example.org") == 0


def test_partner_invitation_of_an_address_of_no_volunteer_still_works(db, as_role):
    coordinator, _ = as_role("coordinator")
    host = factories.organisation(OrganisationKind.HOST)
    factories.volunteer(email="olga@example.org")
    db.session.commit()
    response = coordinator.post("/invitations/partner", data={
        "organisation": host.id, "display_name": "Hassan", "email": "Hassan@Host.example",
        "language": "en"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "hassan@host.example"))
    assert user.role is Role.PARTNER and user.organisation_id == host.id
    assert [m.recipient for m in _outbox(db)] == ["hassan@host.example"]


# --------------------------------------------------------------------------------------------
# Service
# --------------------------------------------------------------------------------------------


def test_invite_partner_contact_raises_a_conflict_on_the_email_field(db):
    actor = factories.user(Role.COORDINATOR)
    host = factories.organisation(OrganisationKind.HOST)
    factories.volunteer(email="olga@example.org")
    with pytest.raises(Conflict) as caught:
        invitations.invite_partner_contact(host, "OLGA@example.org", "Olga", locale="en",
                                           actor=actor)
    assert caught.value.field == "email"
    assert caught.value.message == PARTNER_MESSAGE
    assert _users(db, "olga@example.org") == 0


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_create_user_refuses_a_volunteers_email_for_staff(db, role):
    factories.volunteer(email="olga@example.org")
    with pytest.raises(Conflict) as caught:
        create_user(" Olga@Example.ORG ", role, password="a long password")
    assert caught.value.field == "email"
    assert caught.value.message == STAFF_MESSAGE
    assert _users(db, "olga@example.org") == 0


def test_a_volunteers_own_login_still_takes_their_address(db):
    factories.volunteer(email="olga@example.org")
    user = create_user("Olga@example.org", Role.VOLUNTEER)
    assert user.email == "olga@example.org"


# --------------------------------------------------------------------------------------------
# Admin's new user form and the create-user command
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "message"), [("coordinator", STAFF_MESSAGE),
                                               ("partner", PARTNER_MESSAGE)])
def test_admin_new_user_refuses_a_volunteers_email_beside_the_field(db, as_role, role, message):
    admin, _ = as_role("admin")
    host = factories.organisation(OrganisationKind.HOST)
    factories.volunteer(email="olga@example.org")
    db.session.commit()
    response = admin.post("/admin/users/new", data={
        "email": "OLGA@example.org", "display_name": "Olga P.", "role": role,
        "organisation": host.id if role == "partner" else 0, "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in _error_beside(html, "email")
    assert 'value="OLGA@example.org"' in html and 'value="Olga P."' in html
    assert _selected(html, "role") == [role]
    assert _users(db, "olga@example.org") == 0


def test_admin_new_user_of_an_address_of_no_volunteer_still_works(db, as_role):
    admin, _ = as_role("admin")
    factories.volunteer(email="olga@example.org")
    db.session.commit()
    response = admin.post("/admin/users/new", data={
        "email": "Samira@AlJisr.org", "display_name": "Samira", "role": "coordinator",
        "organisation": 0, "password": ""})
    assert response.status_code == 302
    assert _users(db, "samira@aljisr.org") == 1


def test_create_user_command_refuses_a_volunteers_email(app, db):
    factories.volunteer(email="olga@example.org")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=[
        "create-user", "Olga@Example.org", "--role", "coordinator", "--password", "p" * 12])
    assert result.exit_code != 0
    assert STAFF_MESSAGE in result.output
    assert _users(db, "olga@example.org") == 0


@pytest.mark.parametrize("role", ["coordinator", "partner"])
def test_a_volunteer_login_cannot_become_staff_or_partner(db, as_role, role):
    """A login with a volunteer's address (their own, made by invitation) keeps the volunteer
    role: the admin's role change is refused beside the role, as a new login would be."""
    admin, _ = as_role("admin")
    host = factories.organisation(OrganisationKind.HOST)
    factories.volunteer(email="olga@example.org")
    user = create_user("olga@example.org", Role.VOLUNTEER, display_name="Olga")
    db.session.commit()
    response = admin.post(f"/admin/users/{user.id}", data={
        "display_name": "Olga", "role": role,
        "organisation": host.id if role == "partner" else 0, "active": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "cannot become a staff or partner login" in _error_beside(html, "role")
    db.session.refresh(user)
    assert user.role is Role.VOLUNTEER and user.organisation_id is None
