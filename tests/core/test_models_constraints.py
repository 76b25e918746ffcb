"""Rules the database itself holds, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from aljisr.auth.models import User
from aljisr.database import utcnow
from aljisr.hours.models import HoursEntry
from aljisr.permissions import Role
from aljisr.placements.models import Placement
from aljisr.projects.models import ProjectSDG
from aljisr.volunteers.models import Volunteer
from tests.support import factories


def _fails(db, statement) -> None:
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(statement)


def test_project_dates_and_capacity(db):
    project = factories.project()
    table = project.__table__
    _fails(
        db,
        table.update()
        .where(table.c.id == project.id)
        .values(start_date=date(2026, 9, 2), end_date=date(2026, 9, 1)),
    )
    _fails(db, table.update().where(table.c.id == project.id).values(capacity=0))


def test_one_day_placement_is_allowed_but_not_a_reversed_one(db):
    placement = factories.placement()
    t = Placement.__table__
    db.session.execute(
        t.update()
        .where(t.c.id == placement.id)
        .values(start_date=date(2026, 9, 5), end_date=date(2026, 9, 5))
    )
    _fails(
        db,
        t.update()
        .where(t.c.id == placement.id)
        .values(start_date=date(2026, 9, 5), end_date=date(2026, 9, 4)),
    )


@pytest.mark.parametrize("hours", ["0", "-1", "24.01", "25"])
def test_hours_out_of_range_are_refused(db, hours):
    entry = factories.hours(factories.placement())
    t = HoursEntry.__table__
    _fails(db, t.update().where(t.c.id == entry.id).values(hours=Decimal(hours)))


@pytest.mark.parametrize("hours", ["0.25", "24"])
def test_hours_in_range_are_kept(db, hours):
    entry = factories.hours(factories.placement(), amount=hours)
    db.session.flush()
    assert entry.hours == Decimal(hours)


def test_sdg_goal_is_between_1_and_17(db):
    project = factories.project()
    _fails(db, sa.insert(ProjectSDG).values(project_id=project.id, goal=18))
    _fails(db, sa.insert(ProjectSDG).values(project_id=project.id, goal=0))


def test_foreign_keys_are_enforced(db):
    _fails(
        db,
        sa.insert(Placement).values(
            volunteer_id=999999,
            project_id=999999,
            start_date=date(2026, 1, 1),
            end_date=date(2026, 1, 2),
            status="proposed",
            created_at=utcnow(),
            updated_at=utcnow(),
        ),
    )


def test_partner_user_needs_an_organisation(db):
    user = factories.user(Role.COORDINATOR)
    t = User.__table__
    _fails(db, t.update().where(t.c.id == user.id).values(role="partner"))


def test_status_values_are_checked_by_the_database(db):
    placement = factories.placement()
    _fails(
        db,
        sa.text("UPDATE placements SET status = 'lost' WHERE id = :id").bindparams(id=placement.id),
    )


def test_names_are_stored_nfc_and_emails_lower_cased(db):
    decomposed = "Ine\u0301s Benali"  # "Inés" with a combining accent
    volunteer = factories.volunteer(full_name=decomposed, email="  Ines.Benali@Example.ORG ")
    db.session.flush()
    assert volunteer.full_name == "In\u00e9s Benali"
    assert volunteer.email == "ines.benali@example.org"
    found = db.session.scalar(sa.select(Volunteer).where(Volunteer.search_key.contains("ines")))
    assert found is volunteer


def test_timestamps_are_utc_aware(db):
    volunteer = factories.volunteer()
    db.session.commit()
    db.session.expire_all()
    assert volunteer.created_at.utcoffset().total_seconds() == 0
