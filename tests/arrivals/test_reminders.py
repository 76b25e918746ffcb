"""Missing arrival details (issue 14, item 1): 14 days before the first day the volunteer is
asked, 10 days before (still missing) the coordinator is told; written by the worker's daily
job, delivered to a real SMTP server, never twice, never once the details are recorded."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from aljisr.arrivals.models import ArrivalDetails
from aljisr.dates import association_today
from aljisr.notifications import services as notifications
from aljisr.notifications import worker
from aljisr.notifications.models import OutboxMessage
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from tests.support import factories

BASE = "https://aljisr.example.org"


def _kinds(db) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(m.kind, m.recipient) for m in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind.like("reminder.details%"))
        .order_by(OutboxMessage.id))]


def _starting_in(db, world, days: int) -> None:
    world.placement.start_date = association_today() + timedelta(days=days)
    world.placement.end_date = world.placement.start_date + timedelta(days=13)
    db.session.commit()


def test_the_volunteer_is_asked_14_days_ahead_then_the_coordinator_10_days_ahead(
        app, db, world, smtp):
    today = association_today()
    _starting_in(db, world, 14)
    assert worker.run(once=True).sent >= 1  # the worker's daily job, then delivery
    assert _kinds(db) == [("reminder.details", "amal@example.org")]
    [message] = smtp.inbox.to("amal@example.org")
    assert message["Content-Language"] == "ar"
    assert message["Subject"] == "معلومات وصولك من فضلك: نادي القراءة"
    body = message.get_body(("plain",)).get_content()
    assert f"{BASE}/me/placements/{world.placement.id}/arrival" in body
    assert "List-Unsubscribe" not in message  # about their safety: always sent
    # the next days: nothing again
    assert notifications.write_details_reminders(today + timedelta(days=1)) == 0
    # 10 days before, still missing: the placement's coordinator, in French
    assert notifications.write_details_reminders(today + timedelta(days=4)) == 1
    db.session.commit()
    worker.run(once=True)
    [told] = smtp.inbox.to("coord@example.org")
    assert told["Subject"] == "Informations d'arrivée manquantes : Amal Haddad"
    assert f"{BASE}/arrivals/placements/{world.placement.id}" in told.get_body(
        ("plain",)).get_content()
    assert notifications.write_details_reminders(today + timedelta(days=5)) == 0


def test_no_one_is_asked_once_the_arrival_is_recorded(app, db, world, smtp):
    _starting_in(db, world, 12)
    db.session.add(ArrivalDetails(placement_id=world.placement.id,
                                  arrival_date=world.placement.start_date))
    db.session.commit()
    assert notifications.write_details_reminders(association_today()) == 0
    assert notifications.write_details_reminders(
        association_today() + timedelta(days=5)) == 0


def test_only_confirmed_placements_and_every_coordinator_when_none_is_assigned(
        app, db, world, smtp):
    _starting_in(db, world, 8)
    world.placement.coordinator = None
    other = factories.user(Role.COORDINATOR, email="second@example.org")
    factories.user(Role.COORDINATOR, email="gone@example.org", active=False)
    proposed = factories.placement(factories.volunteer(email="maybe@example.org"),
                                   world.project, status=PlacementStatus.PROPOSED,
                                   start_date=world.placement.start_date,
                                   end_date=world.placement.end_date)
    db.session.commit()
    assert notifications.write_details_reminders(association_today()) == 3
    db.session.commit()
    sent = _kinds(db)
    assert ("reminder.details", "amal@example.org") in sent
    assert {r for k, r in sent if k == "reminder.details_staff"} == {
        "coord@example.org", other.email}
    assert all(r != "maybe@example.org" for _k, r in sent) and proposed.id
