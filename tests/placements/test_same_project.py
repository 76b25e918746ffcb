"""One live placement per volunteer and project: matching does not offer a volunteer already
placed on the project (its page said "days already placed elsewhere" and proposed a second
placement), and the placement service refuses a second one beside the volunteer field."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.errors import Conflict
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.placements.services import propose_placement
from tests.support import factories

S = PlacementStatus


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@pytest.fixture
def school(db):
    return factories.project(title="École Anwal", start_date=d(9, 1), end_date=d(9, 30),
                             capacity=5)


@pytest.fixture
def placed(db, school):
    volunteer = factories.volunteer(full_name="Yasmine Haddad")
    factories.volunteer(full_name="Free Candidate")
    factories.placement(volunteer, school, start_date=d(9, 1), end_date=d(9, 10),
                        status=S.CONFIRMED)
    return volunteer


def _count(db, volunteer, project) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Placement).where(
            Placement.volunteer_id == volunteer.id, Placement.project_id == project.id
        )
    )


def test_matching_shows_them_as_already_on_the_project_without_a_propose_button(
    as_role, school, placed
):
    client, _ = as_role("coordinator")
    page = client.get(f"/placements/match/project/{school.id}").get_data(as_text=True)
    candidates = page.split('id="candidates"')[1].split("</table>")[0]
    excluded = page.split('id="excluded"')[1].split("</table>")[0]
    assert "Yasmine Haddad" not in candidates
    assert "already placed elsewhere" not in page
    assert f'name="volunteer" value="{placed.id}"' not in page
    assert "Already placed on this project from Sep 1, 2026 to Sep 10, 2026" in excluded


def test_matching_a_volunteer_excludes_the_project_they_are_on(as_role, db):
    client, _ = as_role("coordinator")
    school = factories.project(start_date=date(2099, 9, 1), end_date=date(2099, 9, 30))
    factories.project(start_date=date(2099, 9, 1), end_date=date(2099, 9, 30))
    placed = factories.volunteer()
    factories.placement(placed, school, start_date=date(2099, 9, 1), end_date=date(2099, 9, 10),
                        status=S.CONFIRMED)
    page = client.get(f"/placements/match/volunteer/{placed.id}").get_data(as_text=True)
    assert f'name="project" value="{school.id}"' not in page
    assert "Already placed on this project" in page


@pytest.mark.parametrize("start, end", [(d(9, 11), d(9, 30)), (d(9, 5), d(9, 20))])
def test_the_service_refuses_a_second_placement_even_with_an_override(db, school, placed,
                                                                      start, end):
    with pytest.raises(Conflict) as info:
        propose_placement(placed, school, start, end, actor=factories.user(),
                          override_reason="asked twice")
    assert info.value.field == "volunteer"
    assert "already placed on this project" in info.value.message
    assert _count(db, placed, school) == 1


def test_a_completed_stint_allows_a_later_one_but_not_on_its_days(db, school):
    volunteer = factories.volunteer()
    factories.placement(volunteer, school, start_date=d(9, 1), end_date=d(9, 10),
                        status=S.COMPLETED)
    with pytest.raises(Conflict):
        propose_placement(volunteer, school, d(9, 10), d(9, 20), actor=factories.user(),
                          override_reason="asked twice")
    propose_placement(volunteer, school, d(9, 11), d(9, 20), actor=factories.user())
    assert _count(db, volunteer, school) == 2


@pytest.mark.parametrize("status", [S.CANCELLED, S.WITHDRAWN])
def test_a_cancelled_or_withdrawn_placement_does_not_block(db, school, status):
    volunteer = factories.volunteer()
    factories.placement(volunteer, school, status=status)
    propose_placement(volunteer, school, d(9, 1), d(9, 30), actor=factories.user())
    assert _count(db, volunteer, school) == 2


def test_the_form_answers_422_beside_the_volunteer_with_what_was_typed(as_role, db, school,
                                                                      placed):
    client, _ = as_role("coordinator")
    response = client.post("/placements/new", data={
        "volunteer": placed.id, "project": school.id,
        "start_date": "2026-09-11", "end_date": "2026-09-30", "role": "Painter",
    })
    assert response.status_code in (200, 422)  # the placement form answers 200 today
    page = response.get_data(as_text=True)
    assert "is already placed on this project from Sep 1, 2026 to Sep 10, 2026" in page
    assert 'value="2026-09-11"' in page and 'value="Painter"' in page
    assert _count(db, placed, school) == 1
