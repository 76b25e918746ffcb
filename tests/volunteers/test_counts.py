"""The volunteers-per-nationality-and-status summary: database triggers keep it equal to the
volunteers, whoever writes them (services, direct inserts, updates, deletes). SQLite and
PostgreSQL."""

from __future__ import annotations

import random
from collections import Counter

import sqlalchemy as sa

from aljisr.permissions import Role
from aljisr.volunteers import services
from aljisr.volunteers.models import Volunteer, VolunteerCount, VolunteerStatus
from tests.support import factories
from tests.support.sql import trigger_names


def _counts(db) -> dict[tuple[str, str], int]:
    db.session.flush()
    rows = db.session.execute(
        sa.select(VolunteerCount.nationality, VolunteerCount.status, VolunteerCount.volunteers)
    ).all()
    return {(code, status.value): n for code, status, n in rows if n}


def _expected(db) -> dict[tuple[str, str], int]:
    volunteers = db.session.scalars(sa.select(Volunteer)).all()
    return dict(Counter((v.nationality or "", v.status.value) for v in volunteers))


def test_the_triggers_exist(db, is_postgres):
    expected = ({"volunteer_counts_change"} if is_postgres else
                {f"volunteer_counts_{when}" for when in ("insert", "update", "delete")})
    assert expected <= trigger_names(db.engine, "volunteers")


def test_inserts_updates_and_deletes_are_followed(db):
    a = factories.volunteer(nationality="MA")
    factories.volunteer(nationality="MA")
    c = factories.volunteer(nationality=None, status=VolunteerStatus.APPLICANT)
    assert _counts(db) == {("MA", "active"): 2, ("", "applicant"): 1}
    a.nationality = "FR"
    c.status = VolunteerStatus.ACTIVE
    db.session.flush()
    assert _counts(db) == {("MA", "active"): 1, ("FR", "active"): 1, ("", "active"): 1}
    a.full_name = "Renamed"  # neither column changes: nothing moves
    db.session.flush()
    assert _counts(db) == {("MA", "active"): 1, ("FR", "active"): 1, ("", "active"): 1}
    db.session.delete(c)
    assert _counts(db) == {("MA", "active"): 1, ("FR", "active"): 1}


def test_archiving_through_the_service_moves_the_count(db):
    staff = factories.user(Role.COORDINATOR)
    volunteer = factories.volunteer(nationality="UA")
    services.archive_volunteer(volunteer, actor=staff, reason="Left")
    assert _counts(db) == {("UA", "archived"): 1}


def test_random_changes_keep_the_summary_equal_to_the_volunteers(db):
    rng = random.Random(11)
    codes = ["MA", "FR", "DE", None]
    volunteers = [factories.volunteer(nationality=rng.choice(codes),
                                      status=rng.choice(list(VolunteerStatus)))
                  for _ in range(30)]
    for _ in range(60):
        volunteer = rng.choice(volunteers)
        change = rng.randrange(3)
        if change == 0:
            volunteer.nationality = rng.choice(codes)
        elif change == 1:
            volunteer.status = rng.choice(list(VolunteerStatus))
        elif volunteer in volunteers and len(volunteers) > 5:
            volunteers.remove(volunteer)
            db.session.delete(volunteer)
        db.session.flush()
    db.session.commit()
    assert _counts(db) == _expected(db)


def test_rebuild_repairs_the_summary(db):
    factories.volunteer(nationality="ES")
    factories.volunteer(nationality="ES")
    db.session.execute(sa.update(VolunteerCount).values(volunteers=40))
    db.session.execute(sa.insert(VolunteerCount).values(
        nationality="JP", status=VolunteerStatus.ACTIVE, volunteers=3))
    assert services.rebuild_volunteer_counts() == 1
    assert _counts(db) == {("ES", "active"): 2}
