"""A volunteer may not take the e-mail address of a staff or partner login: it is refused when
the volunteer is saved, not later when they are invited to sign in (their own account will
need the address, and logins are unique on it)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.errors import Conflict
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.volunteers import services
from aljisr.volunteers.models import Volunteer
from tests.support import factories
from tests.support.forms import form_data

MESSAGE = ("This e-mail address belongs to a staff or partner account. A volunteer needs "
           "their own address.")


def _staff(email="samira@aljisr.org", role=Role.COORDINATOR, **kw):
    if role is Role.PARTNER:
        kw.setdefault("organisation", factories.organisation(OrganisationKind.HOST))
    return factories.user(role, email=email, **kw)


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Volunteer))


def _error_beside(html, field):
    parts = html.split(f'id="{field}-error"', 1)
    assert len(parts) == 2, f"no error beside {field}"
    return parts[1].split("</div>", 1)[0]


# --------------------------------------------------------------------------------------------
# Service
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.PARTNER])
def test_create_refuses_a_staff_or_partner_email_in_any_case(db, role):
    _staff(role=role)
    with pytest.raises(Conflict) as caught:
        services.create_volunteer(
            {"full_name": "Samira Alaoui", "email": "  Samira@AlJisr.ORG "}, actor=None)
    assert caught.value.field == "email"
    assert caught.value.message == MESSAGE
    assert _count(db) == 0


def test_create_refuses_the_address_of_a_deactivated_account(db):
    _staff(active=False)
    with pytest.raises(Conflict):
        services.create_volunteer({"full_name": "S A", "email": "SAMIRA@aljisr.org"},
                                  actor=None)


def test_update_refuses_a_staff_email_in_another_case_and_changes_nothing(db):
    _staff()
    volunteer = factories.volunteer(full_name="Léa Fontaine", email="lea@example.org")
    with pytest.raises(Conflict) as caught:
        services.update_volunteer(
            volunteer, {"full_name": "Léa Fontaine", "email": "SAMIRA@aljisr.org",
                        "notes": "New note"}, actor=None)
    assert caught.value.field == "email"
    assert volunteer.email == "lea@example.org" and volunteer.notes is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_a_volunteers_own_account_with_that_email_is_not_a_clash(db):
    account = factories.user(Role.VOLUNTEER, email="olga@example.org")
    volunteer = factories.volunteer(full_name="Ольга Петренко", email="olga@example.org",
                                    user=account)
    changed = services.update_volunteer(
        volunteer, {"email": "olga@example.org", "notes": "Arrives Monday"}, actor=None)
    assert changed == ["notes"]
    # changing away and back again checks the address and still accepts it
    services.update_volunteer(volunteer, {"email": "olga.p@example.org"}, actor=None)
    assert services.update_volunteer(volunteer, {"email": "Olga@example.org"},
                                     actor=None) == ["email"]
    assert volunteer.email == "olga@example.org"


def test_another_address_and_no_address_are_accepted(db):
    _staff()
    volunteer = services.create_volunteer(
        {"full_name": "Samira Alaoui", "email": "samira.alaoui@example.org"}, actor=None)
    assert volunteer.id is not None
    assert services.create_volunteer({"full_name": "No Mail", "email": None}, actor=None).id


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------


def test_new_form_shows_why_beside_the_email_and_keeps_what_was_typed(as_role, db):
    client, coordinator = as_role("coordinator")
    response = client.post("/volunteers/new", data=form_data(email=coordinator.email.upper()))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert MESSAGE in _error_beside(html, "email")
    assert 'value="Ольга Петренко"' in html
    assert f'value="{coordinator.email.upper()}"' in html
    assert "Vegetarian" in html
    assert _count(db) == 0


def test_edit_form_refuses_a_partner_email_and_keeps_what_was_typed(as_role, db):
    client, _user = as_role("coordinator")
    _staff("contact@host.example", role=Role.PARTNER)
    volunteer = factories.volunteer(full_name="Léa Fontaine", email="lea@example.org")
    db.session.commit()
    response = client.post(f"/volunteers/{volunteer.id}/edit", data=form_data(
        full_name="Léa Fontaine-Martin", email="Contact@Host.example"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert MESSAGE in _error_beside(html, "email")
    assert 'value="Léa Fontaine-Martin"' in html and 'value="Contact@Host.example"' in html
    db.session.refresh(volunteer)
    assert (volunteer.full_name, volunteer.email) == ("Léa Fontaine", "lea@example.org")


@pytest.mark.parametrize("stored", ["olga@example.org", "olga.old@example.org"])
def test_editing_a_volunteer_who_has_a_sign_in_account_still_works(as_role, db, stored):
    """Whether the address is kept or set back to their account's: their own login is no
    clash."""
    client, _user = as_role("coordinator")
    account = factories.user(Role.VOLUNTEER, email="olga@example.org")
    volunteer = factories.volunteer(full_name="Ольга Петренко", email=stored, user=account)
    db.session.commit()
    response = client.post(f"/volunteers/{volunteer.id}/edit",
                           data=form_data(email="OLGA@example.org", notes="Arrives Monday"))
    assert response.status_code == 302
    db.session.refresh(volunteer)
    assert volunteer.notes == "Arrives Monday" and volunteer.email == "olga@example.org"


def test_the_clash_is_named_together_with_the_other_fields_errors(as_role, db):
    client, user = as_role("coordinator")
    response = client.post("/volunteers/new", data=form_data(
        email=user.email.upper(), date_of_birth="2999-01-01"))
    html = response.get_data(as_text=True)
    assert 'id="date_of_birth-error"' in html
    email_error = html.split('id="email-error"', 1)
    assert len(email_error) == 2 and "staff or partner account" in email_error[1][:400]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Volunteer)) == 0
