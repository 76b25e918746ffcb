"""The same hours logged twice (same placement, date and amount) are not stored without a word:
the form comes back (422, what was typed kept) with a warning and a "log them anyway" box;
ticking it stores them, leaving the page stores nothing. In the volunteer portal (both forms)
and on the coordinator's log page; the service refuses them for any caller."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from aljisr.dates import association_today
from aljisr.hours import services
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.permissions import Role
from tests.support import factories
from tests.support.a11y import unlabelled_controls
from tests.support.clients import login_client

WARNING = "hours on"
BOX = 'name="log_anyway"'


@pytest.fixture
def volunteer_world(app, db):
    today = association_today()
    user = factories.user(Role.VOLUNTEER, email="olga@example.org")
    volunteer = factories.volunteer(full_name="Ольга Петренко", email="olga@example.org",
                                    user=user)
    project = factories.project(start_date=today - timedelta(days=30),
                                end_date=today + timedelta(days=30))
    placement = factories.placement(volunteer, project)
    factories.hours(placement, today - timedelta(days=1), "3.5", HoursStatus.SUBMITTED,
                    activity="Painting")
    db.session.commit()
    return login_client(app, user), placement


def _entries(db, placement) -> list[HoursEntry]:
    return db.session.scalars(
        sa.select(HoursEntry).where(HoursEntry.placement_id == placement.id)
        .order_by(HoursEntry.id)).all()


def _data(placement, **extra):
    return {"placement": placement.id,
            "work_date": (association_today() - timedelta(days=1)).isoformat(),
            "hours": "3,5", "activity": "Ateliers avec les élèves", **extra}


@pytest.mark.parametrize("page", ["/me/hours", "/me/placements/{id}"])
def test_the_portal_warns_then_logs_when_confirmed(volunteer_world, db, page):
    client, placement = volunteer_world
    path = page.format(id=placement.id)
    assert BOX not in client.get(path).get_data(as_text=True)
    response = client.post(path, data=_data(placement))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "3.5 hours on" in html and "already logged for this placement" in html
    assert BOX in html and "Ateliers avec les élèves" in html and 'value="3,5"' in html
    assert unlabelled_controls(html) == []
    assert len(_entries(db, placement)) == 1
    # cancel: the warning page offers a way back that stores nothing
    assert f'href="{path}"' in html
    # confirm
    response = client.post(path, data=_data(placement, log_anyway="y"))
    assert response.status_code == 302
    entries = _entries(db, placement)
    assert len(entries) == 2 and entries[-1].hours == Decimal("3.50")
    assert entries[-1].activity == "Ateliers avec les élèves"


def test_a_ticked_box_stays_ticked_when_another_field_is_wrong(volunteer_world, db):
    client, placement = volunteer_world
    response = client.post("/me/hours", data=_data(placement, activity=" ", log_anyway="y"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<input[^>]*checked[^>]*name="log_anyway"|<input[^>]*name="log_anyway"'
                     r'[^>]*checked', html)
    assert len(_entries(db, placement)) == 1


def test_other_amounts_dates_and_rejected_entries_pass_without_a_question(volunteer_world, db):
    client, placement = volunteer_world
    assert client.post("/me/hours", data=_data(placement, hours="2")).status_code == 302
    assert client.post("/me/hours", data=_data(
        placement, work_date=association_today().isoformat())).status_code == 302
    rejected = factories.hours(placement, association_today() - timedelta(days=3), "5",
                               HoursStatus.REJECTED)
    db.session.commit()
    assert client.post("/me/hours", data=_data(
        placement, hours="5", work_date=rejected.work_date.isoformat())).status_code == 302


def test_the_coordinator_log_page_warns_then_logs_when_confirmed(as_role, db):
    client, _ = as_role("coordinator")
    today = association_today()
    placement = factories.placement(start_date=today - timedelta(days=10),
                                    end_date=today + timedelta(days=10))
    factories.hours(placement, today - timedelta(days=1), "4")
    db.session.commit()
    path = f"/hours/placement/{placement.id}/log"
    data = {"work_date": (today - timedelta(days=1)).isoformat(), "hours": "4",
            "activity": "Painting"}
    assert BOX not in client.get(path).get_data(as_text=True)
    response = client.post(path, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already logged for this placement" in html and BOX in html
    assert f'href="{path}"' in html
    assert len(_entries(db, placement)) == 1
    assert client.post(path, data={**data, "log_anyway": "y"}).status_code == 302
    assert len(_entries(db, placement)) == 2


def test_the_service_refuses_the_same_hours_unless_confirmed(db):
    today = association_today()
    placement = factories.placement(start_date=today - timedelta(days=10),
                                    end_date=today + timedelta(days=10))
    staff = factories.user()
    day = today - timedelta(days=1)
    services.log_hours(placement, day, "4", "Painting", actor=staff)
    with pytest.raises(services.DuplicateHours) as info:
        services.log_hours(placement, day, Decimal("4.00"), "Other work", actor=staff)
    assert info.value.field == services.CONFIRM_DUPLICATE_FIELD
    services.log_hours(placement, day, "4", "Other work", actor=staff, duplicate_ok=True)
    assert len(_entries(db, placement)) == 2
