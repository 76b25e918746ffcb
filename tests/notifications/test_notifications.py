"""Who is told what (issue 14, item 1): each notification is written in the change's
transaction to the right people, in their language, and reaches a real SMTP server as
text + HTML with an absolute link; optional kinds carry a one-click unsubscribe."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from aljisr.arrivals.models import ArrivalDetails
from aljisr.certificates.services import issue_certificate
from aljisr.dates import association_today
from aljisr.hours.models import HoursStatus
from aljisr.hours.services import reject_hours
from aljisr.notifications import services as notifications
from aljisr.notifications import worker
from aljisr.notifications.models import NotificationOptOut, OutboxMessage
from aljisr.organisations.models import OrganisationKind
from aljisr.partners.services import query_hours
from aljisr.permissions import Role
from aljisr.placements import services as placements
from aljisr.placements.models import PlacementStatus
from tests.support import factories

BASE = "https://aljisr.example.org"


@dataclass
class World:
    coordinator: Any
    volunteer: Any
    sending_contact: Any
    host_contact: Any
    project: Any
    placement: Any


@pytest.fixture
def world(app, db) -> World:
    sending = factories.organisation(OrganisationKind.SENDING, name="Erasmus Lyon")
    host = factories.organisation(OrganisationKind.HOST, name="Ecole Al Amal")
    sending_contact = factories.user(Role.PARTNER, organisation=sending, locale="fr",
                                     email="contact@erasmus-lyon.example")
    factories.user(Role.PARTNER, organisation=sending, active=False,
                   email="former@erasmus-lyon.example")
    host_contact = factories.user(Role.PARTNER, organisation=host, locale="en",
                                  email="head@alamal.example")
    site = factories.site(host, name="Al Amal School", name_ar="مدرسة الأمل",
                          address="12 rue des Orangers, Tétouan")
    start = association_today() + timedelta(days=30)
    project = factories.project(site, title="Reading club", title_ar="نادي القراءة",
                                start_date=start, end_date=start + timedelta(days=60))
    user = factories.user(Role.VOLUNTEER, locale="ar", email="amal@example.org")
    volunteer = factories.volunteer(sending, user=user, email="amal@example.org",
                                    full_name="Amal Haddad")
    placement = factories.placement(volunteer, project, status=PlacementStatus.PROPOSED,
                                    start_date=start, end_date=start + timedelta(days=13))
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    return World(coordinator, volunteer, sending_contact, host_contact, project, placement)


def _outbox(db, kind: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def _recipients(db, kind: str) -> set[str]:
    return {m.recipient for m in _outbox(db, kind)}


VOLUNTEER, SENDING, HOST = "amal@example.org", "contact@erasmus-lyon.example", "head@alamal.example"


def test_a_proposal_tells_the_volunteer_and_the_sending_organisation(app, db, world, smtp):
    project = factories.project(world.project.site, title="Garden", title_ar="الحديقة")
    placement = placements.propose_placement(
        world.volunteer, project, project.start_date, project.start_date + timedelta(days=5),
        actor=world.coordinator)
    db.session.commit()
    assert _recipients(db, "placement.proposed") == {VOLUNTEER, SENDING}

    assert worker.run(once=True).sent == 2
    [arabic] = smtp.inbox.to(VOLUNTEER)
    assert arabic["Content-Language"] == "ar"
    assert arabic["Subject"] == "اقتراح تعيين: الحديقة"
    assert arabic.get_content_type() == "multipart/alternative"
    text, html = arabic.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    link = f"{BASE}/me/placements/{placement.id}"
    assert link in text.get_content() and f'href="{link}"' in html.get_content()
    assert '<html lang="ar" dir="rtl">' in html.get_content()
    assert "مرحبًا Amal Haddad،" in text.get_content()
    assert "List-Unsubscribe" not in arabic  # about the placement's dates: always sent
    [french] = smtp.inbox.to(SENDING)
    assert french["Content-Language"] == "fr"
    assert french["Subject"] == "Affectation proposée : Garden"
    assert f"{BASE}/partner/volunteers/{world.volunteer.id}" in french.get_body(
        ("plain",)).get_content()
    # French typography: a space before the colon after the link's label
    assert "Voir l'affectation :\r\n" in french.get_body(("plain",)).get_content()
    # signed with the association's name in French
    assert "la Coopération Éducative" in french.get_body(("plain",)).get_content()


def test_a_confirmation_tells_the_host_too(app, db, world):
    placements.confirm_placement(world.placement, actor=world.coordinator)
    db.session.commit()
    assert _recipients(db, "placement.confirmed") == {VOLUNTEER, SENDING, HOST}
    [host_mail] = [m for m in _outbox(db) if m.recipient == HOST]
    assert host_mail.language == "en" and "Reading club" in host_mail.subject
    assert "Amal Haddad" in host_mail.body and "Al Amal School" in host_mail.body


def test_new_dates_tell_everyone_with_the_old_and_new_dates(app, db, world):
    placements.confirm_placement(world.placement, actor=world.coordinator)
    old_start = world.placement.start_date
    new_start = old_start + timedelta(days=7)
    placements.change_dates(world.placement, new_start, new_start + timedelta(days=6),
                            actor=world.coordinator)
    db.session.commit()
    assert _recipients(db, "placement.dates_changed") == {VOLUNTEER, SENDING, HOST}
    [host_mail] = [m for m in _outbox(db, "placement.dates_changed") if m.recipient == HOST]
    assert f"{new_start:%B} {new_start.day}, {new_start.year}" in host_mail.body
    assert f"{old_start:%B} {old_start.day}, {old_start.year}" in host_mail.body


def test_unchanged_dates_tell_nobody(app, db, world):
    placements.change_dates(world.placement, world.placement.start_date,
                            world.placement.end_date, actor=world.coordinator)
    db.session.commit()
    assert _outbox(db) == []


def test_a_cancellation_tells_the_volunteer_and_the_sending_organisation_why(app, db, world):
    placements.cancel_placement(world.placement, actor=world.coordinator,
                                reason="The school closes for works")
    db.session.commit()
    assert _recipients(db, "placement.cancelled") == {VOLUNTEER, SENDING}
    [french] = [m for m in _outbox(db) if m.recipient == SENDING]
    assert "The school closes for works" in french.body and "Affectation annulée" in french.subject


def test_a_withdrawal_tells_the_volunteer_and_the_sending_organisation(app, db, world):
    placements.confirm_placement(world.placement, actor=world.coordinator)
    placements.withdraw_placement(world.placement, actor=world.coordinator, reason="Ill")
    db.session.commit()
    assert _recipients(db, "placement.withdrawn") == {VOLUNTEER, SENDING}


def test_every_notice_links_to_the_page_even_without_logins(app, db, world):
    """Withdrawn placements and rejected hours carry a link like new dates do, also to a
    volunteer and a sending organisation without a login."""
    other = factories.organisation(OrganisationKind.SENDING, email="office@sender.example")
    world.volunteer.sending_organisation = other
    world.volunteer.user = None
    db.session.commit()
    placements.confirm_placement(world.placement, actor=world.coordinator)
    placements.withdraw_placement(world.placement, actor=world.coordinator, reason="Ill")
    db.session.commit()
    withdrawn = _outbox(db, "placement.withdrawn")
    assert {m.recipient for m in withdrawn} == {VOLUNTEER, "office@sender.example"}
    for message in withdrawn:
        assert f"{BASE}/" in message.body.split("Reason")[-1], message.body
    entry = factories.hours(world.placement, status=HoursStatus.SUBMITTED, amount="2")
    db.session.commit()
    reject_hours(entry, "Not a school day", actor=world.coordinator)
    db.session.commit()
    [rejected] = _outbox(db, "hours.rejected")
    assert f"{BASE}/me/hours/{entry.id}" in rejected.body


def test_starting_and_completing_tell_nobody(app, db, world):
    world.placement.status = PlacementStatus.CONFIRMED
    world.placement.start_date = association_today()
    db.session.commit()
    placements.start_placement(world.placement, actor=world.coordinator)
    placements.complete_placement(world.placement, actor=world.coordinator)
    db.session.commit()
    assert _outbox(db) == []


def test_an_organisation_without_logins_is_told_at_its_own_address(app, db, world):
    other = factories.organisation(OrganisationKind.SENDING, email="office@sender.example",
                                   contact_name="Ines")
    world.volunteer.sending_organisation = other
    db.session.commit()
    placements.confirm_placement(world.placement, actor=world.coordinator)
    db.session.commit()
    assert _recipients(db, "placement.confirmed") == {VOLUNTEER, "office@sender.example", HOST}
    [office] = [m for m in _outbox(db) if m.recipient == "office@sender.example"]
    assert "Hello Ines," in office.body
    assert f"{BASE}/partner/volunteers/{world.volunteer.id}" in office.body


def _submitted_entry(world):
    world.placement.status = PlacementStatus.ACTIVE
    return factories.hours(world.placement, status=HoursStatus.SUBMITTED, amount="3.5")


def test_rejected_hours_tell_the_volunteer_with_an_unsubscribe_link(app, db, world, smtp):
    entry = _submitted_entry(world)
    db.session.commit()
    reject_hours(entry, "Not a school day", actor=world.coordinator)
    db.session.commit()
    [message] = _outbox(db, "hours.rejected")
    assert message.recipient == VOLUNTEER and "Not a school day" in message.body
    worker.run(once=True)
    [mail] = smtp.inbox.to(VOLUNTEER)
    unsubscribe = mail["List-Unsubscribe"]
    assert re.fullmatch(rf"<{BASE}/notifications/unsubscribe/[\w.-]+>", unsubscribe)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{BASE}/me/hours/{entry.id}" in mail.get_body(("plain",)).get_content()
    assert unsubscribe[1:-1] in mail.get_body(("html",)).get_content()


def test_hours_queried_by_the_host_tell_the_volunteer(app, db, world):
    entry = _submitted_entry(world)
    db.session.commit()
    with app.test_request_context():  # the coordinators' copy is rendered as a page would be
        query_hours(entry, "Was this a Saturday?", actor=world.host_contact)
    db.session.commit()
    [message] = _outbox(db, "hours.queried")
    assert message.recipient == VOLUNTEER and message.language == "ar"
    assert "Was this a Saturday?" in message.body and "Ecole Al Amal" in message.body


def test_a_certificate_tells_the_volunteer_and_the_sending_organisation(app, db, world):
    world.placement.status = PlacementStatus.COMPLETED
    db.session.commit()
    certificate = issue_certificate(world.placement, actor=world.coordinator,
                                    kind="participation")
    db.session.commit()
    assert _recipients(db, "certificate.issued") == {VOLUNTEER, SENDING}
    verify = f"{BASE}/verify/{certificate.verification_code}"
    for message in _outbox(db, "certificate.issued"):
        assert verify in message.body and f'href="{verify}"' in message.html
        assert certificate.serial in message.body


def test_arrival_reminders_a_week_and_a_day_ahead_go_once_to_the_volunteer_and_the_host(
        app, db, world, smtp):
    today = association_today()
    world.placement.status = PlacementStatus.CONFIRMED
    world.placement.start_date = today + timedelta(days=7)
    tomorrow = factories.placement(
        factories.volunteer(email="bruno@example.org"), world.project,
        status=PlacementStatus.CONFIRMED, start_date=today + timedelta(days=1),
        end_date=today + timedelta(days=3))
    later = factories.placement(
        factories.volunteer(email="later@example.org"), world.project,
        status=PlacementStatus.CONFIRMED, start_date=today + timedelta(days=9),
        end_date=today + timedelta(days=10))
    factories.placement(factories.volunteer(email="maybe@example.org"), world.project,
                        status=PlacementStatus.PROPOSED, start_date=today + timedelta(days=1),
                        end_date=today + timedelta(days=3))
    # travel recorded, so no one is asked for arrival details (tests/arrivals/test_reminders.py)
    for placement in (world.placement, tomorrow, later):
        db.session.add(ArrivalDetails(placement_id=placement.id,
                                      arrival_date=placement.start_date))
    db.session.commit()
    assert worker.run(once=True).sent == 4  # the worker's daily job, then delivery
    assert _recipients(db, "reminder.week") == {VOLUNTEER, HOST}
    assert _recipients(db, "reminder.day") == {"bruno@example.org", HOST}
    assert "12 rue des Orangers" in smtp.inbox.to("bruno@example.org")[0].get_body(
        ("plain",)).get_content()
    # again the same day, or the next day: nothing twice
    assert notifications.write_arrival_reminders(today) == 0
    assert notifications.write_arrival_reminders(today + timedelta(days=1)) == 0
    # moved to a later date: reminded of the new one
    tomorrow.start_date = today + timedelta(days=2)
    db.session.commit()
    assert notifications.write_arrival_reminders(today + timedelta(days=1)) == 2
    assert len(smtp.inbox.messages) == 4


def test_unsubscribing_stops_that_kind_only(app, db, world, client):
    app.config["WTF_CSRF_ENABLED"] = True  # the one-click POST comes without our CSRF token
    entry = _submitted_entry(world)
    db.session.commit()
    reject_hours(entry, "Not a school day", actor=world.coordinator)
    db.session.commit()
    [message] = _outbox(db, "hours.rejected")
    path = message.headers["List-Unsubscribe"][1:-1].removeprefix(BASE)

    page = client.get(path)
    assert page.status_code == 200 and "amal@example.org" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationOptOut)) == 0

    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no longer receive" in done.get_data(as_text=True)
    assert client.post(path).status_code == 200  # twice is fine
    [opt_out] = db.session.scalars(sa.select(NotificationOptOut)).all()
    assert (opt_out.email, opt_out.kind) == ("amal@example.org", "hours.rejected")

    second = factories.hours(world.placement, day=world.placement.start_date + timedelta(days=1),
                             status=HoursStatus.SUBMITTED)
    db.session.commit()
    reject_hours(second, "Again", actor=world.coordinator)
    placements.withdraw_placement(world.placement, actor=world.coordinator, reason="Closed")
    db.session.commit()
    assert len(_outbox(db, "hours.rejected")) == 1  # the first one only
    assert VOLUNTEER in _recipients(db, "placement.withdrawn")  # essential: still sent


def test_a_forged_or_essential_unsubscribe_token_is_refused(app, db, client):
    assert client.get("/notifications/unsubscribe/forged").status_code == 404
    essential = notifications.unsubscribe_token("amal@example.org", "placement.cancelled")
    response = client.post(f"/notifications/unsubscribe/{essential}")
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationOptOut)) == 0


def test_a_volunteer_without_an_address_or_anonymised_is_not_written_to(app, db, world):
    world.volunteer.email = None
    db.session.commit()
    placements.confirm_placement(world.placement, actor=world.coordinator)
    db.session.commit()
    assert _recipients(db, "placement.confirmed") == {SENDING, HOST}


def test_no_message_survives_a_refused_change(app, db, world):
    """Written in the change's transaction: a refused change leaves no message behind."""
    with pytest.raises(Exception):  # noqa: B017,PT011 - NotAllowed: reason required
        placements.cancel_placement(world.placement, actor=world.coordinator, reason="")
    db.session.rollback()
    assert _outbox(db) == []


def test_dates_in_messages_are_in_the_recipients_language(app, db, world):
    placements.confirm_placement(world.placement, actor=world.coordinator)
    db.session.commit()
    from babel.dates import format_date

    start: date = world.placement.start_date
    by_recipient = {m.recipient: m for m in _outbox(db, "placement.confirmed")}
    assert format_date(start, "long", locale="fr") in by_recipient[SENDING].body
    assert format_date(start, "long", locale="ar") in by_recipient[VOLUNTEER].body
    assert "نادي القراءة" in by_recipient[VOLUNTEER].body
