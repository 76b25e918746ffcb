"""A project's rules hold for every placement (docs/architecture.md §6.24): minimum age on the
first day, required languages at B1 or better, minimum stay, most volunteers of one
nationality. A single proposal breaking one is refused beside its field (422, the form kept)
unless the coordinator gives a reason to override, which is audited; matching lists the pair
among the excluded with the rule, without a Propose button; the planner refuses the same
pairs with the same functions (:mod:`aljisr.placements.rules`)."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.placements import rules
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.planner import solver
from tests.support import factories


def d(month: int, day: int) -> date:
    return date(2099, month, day)


def _project(**rules_: object):
    return factories.project(title="Chantier Anwal", start_date=d(9, 1), end_date=d(9, 30),
                             capacity=5, **rules_)


def _case(name: str):
    """(project, volunteer who breaks its rule, dates, field, words of the message)."""
    if name == "age":
        project = _project(min_age=99)
        volunteer = factories.volunteer(full_name="Young Volunteer",
                                        date_of_birth=date(2080, 1, 1))
        return project, volunteer, "volunteer", "younger than the project's minimum age (99 years)"
    if name == "language":
        project = _project(required_languages=["fr"])
        volunteer = factories.volunteer(full_name="Young Volunteer", languages={"fr": "A2"})
        return project, volunteer, "volunteer", "does not speak French at B1 or better"
    if name == "nationality":
        project = _project(max_per_nationality=1)
        factories.placement(factories.volunteer(nationality="ES"), project,
                            status=PlacementStatus.CONFIRMED)
        volunteer = factories.volunteer(full_name="Young Volunteer", nationality="ES")
        return project, volunteer, "volunteer", "most volunteers of this nationality (1)"
    assert name == "stay"
    project = _project(min_stay_days=40)
    volunteer = factories.volunteer(full_name="Young Volunteer")
    return project, volunteer, "end_date", "minimum stay is 40 days"


RULES = ["age", "language", "nationality", "stay"]


def _error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def _placements(db, volunteer) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Placement).where(
        Placement.volunteer_id == volunteer.id))


@pytest.mark.parametrize("rule", RULES)
def test_a_single_proposal_breaking_a_rule_is_refused_beside_its_field(as_role, db, rule):
    client, _ = as_role("coordinator")
    project, volunteer, field, words = _case(rule)
    db.session.commit()
    response = client.post("/placements/new", data={
        "volunteer": volunteer.id, "project": project.id, "start_date": "2099-09-01",
        "end_date": "2099-09-30", "role": "Mason"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert words.casefold() in _error(page, field).casefold()
    assert "give a reason to override" in _error(page, field)
    assert 'value="Mason"' in page
    assert _placements(db, volunteer) == 0


@pytest.mark.parametrize("rule", RULES)
def test_an_override_with_a_reason_places_and_is_audited(as_role, db, rule):
    client, _ = as_role("coordinator")
    project, volunteer, _field, _words = _case(rule)
    db.session.commit()
    response = client.post("/placements/new", data={
        "volunteer": volunteer.id, "project": project.id, "start_date": "2099-09-01",
        "end_date": "2099-09-30", "override_reason": "The host agreed"})
    assert response.status_code == 302
    assert _placements(db, volunteer) == 1
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "placement.override_rules")).one()
    assert event.reason == "The host agreed"
    expected = {"age": "age", "language": "language", "nationality": "nationality_quota",
                "stay": "short_stay"}[rule]
    assert event.details == {"rules": [expected]}


@pytest.mark.parametrize("rule", RULES)
def test_matching_a_project_lists_the_pair_as_excluded_without_propose(as_role, db, rule):
    client, _ = as_role("coordinator")
    project, volunteer, _field, words = _case(rule)
    if rule == "stay":  # the suggestion is the volunteer's availability: shorter than 40 days
        volunteer.available_from, volunteer.available_to = d(9, 1), d(9, 20)
    db.session.commit()
    page = client.get(f"/placements/match/project/{project.id}").get_data(as_text=True)
    candidates = page.split('id="candidates"')[1].split("</table>")[0] \
        if 'id="candidates"' in page else ""
    excluded = html.unescape(page.split('id="excluded"')[1].split("</table>")[0])
    assert "Young Volunteer" not in candidates
    assert f'name="volunteer" value="{volunteer.id}"' not in page
    assert "Young Volunteer" in excluded and words.casefold() in excluded.casefold()


@pytest.mark.parametrize("rule", RULES)
def test_matching_a_volunteer_lists_the_project_as_excluded(as_role, db, rule):
    client, _ = as_role("coordinator")
    project, volunteer, _field, words = _case(rule)
    if rule == "stay":
        volunteer.available_from, volunteer.available_to = d(9, 1), d(9, 20)
    db.session.commit()
    page = client.get(f"/placements/match/volunteer/{volunteer.id}").get_data(as_text=True)
    assert f'name="project" value="{project.id}"' not in page
    excluded = html.unescape(page.split('id="excluded"')[1].split("</table>")[0])
    assert "Chantier Anwal" in excluded and words.casefold() in excluded.casefold()


def test_a_volunteer_keeping_the_rules_is_still_offered_and_proposed(as_role, db):
    client, _ = as_role("coordinator")
    project = _project(min_age=18, required_languages=["fr"], max_per_nationality=1,
                       min_stay_days=10)
    factories.placement(factories.volunteer(nationality="ES"), project,
                        status=PlacementStatus.CONFIRMED)
    fine = factories.volunteer(full_name="Fine Volunteer", nationality="MA",
                               date_of_birth=date(2000, 1, 1), languages={"fr": "B1"})
    db.session.commit()
    page = client.get(f"/placements/match/project/{project.id}").get_data(as_text=True)
    assert f'name="volunteer" value="{fine.id}"' in page
    response = client.post("/placements/new", data={
        "volunteer": fine.id, "project": project.id, "start_date": "2099-09-01",
        "end_date": "2099-09-10"})
    assert response.status_code == 302


def test_changing_dates_applies_the_minimum_stay_and_age(as_role, db):
    client, _ = as_role("coordinator")
    project = _project(min_stay_days=10, min_age=18)
    volunteer = factories.volunteer(date_of_birth=date(2081, 9, 15))  # 18 on 15 September
    placement = factories.placement(volunteer, project, start_date=d(9, 15), end_date=d(9, 30),
                                    status=PlacementStatus.PROPOSED)
    db.session.commit()
    url = f"/placements/{placement.id}/dates"
    response = client.post(url, data={"start_date": "2099-09-15", "end_date": "2099-09-20"})
    assert response.status_code == 422
    assert "minimum stay is 10 days" in _error(response.get_data(as_text=True), "end_date")
    response = client.post(url, data={"start_date": "2099-09-10", "end_date": "2099-09-30"})
    assert response.status_code == 422
    assert "minimum age" in _error(response.get_data(as_text=True), "volunteer").casefold() \
        or "minimum age" in html.unescape(response.get_data(as_text=True))
    response = client.post(url, data={"start_date": "2099-09-10", "end_date": "2099-09-30",
                                      "override_reason": "Parents signed"})
    assert response.status_code == 302
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "placement.override_rules")).one()
    assert event.reason == "Parents signed" and event.details == {"rules": ["age"]}


def test_the_planner_and_a_proposal_share_each_rule():
    """The planner's window refuses with the rule functions' own codes, and its language
    threshold is the one of :mod:`aljisr.placements.rules` (B1)."""
    from aljisr.volunteers.models import USABLE_LEVEL

    assert USABLE_LEVEL.rank == rules.USABLE_RANK == solver.USABLE_RANK
    project = solver.SeasonProject(1, "P", d(9, 1), d(9, 30), 5, min_age=99,
                                   required_languages=frozenset({"fr"}))
    young = solver.SeasonVolunteer(1, languages={"fr": 2}, born=date(2080, 1, 1))
    mute = solver.SeasonVolunteer(2, languages={"fr": 1}, born=date(1950, 1, 1))
    assert solver.window(young, project).why.value == rules.AGE
    assert solver.window(mute, project).why.value == rules.LANGUAGE
    part = solver.SeasonVolunteer(3, available_from=d(9, 5), born=date(1950, 1, 1),
                                  languages={"fr": 3})
    refusal = solver.window(part, project)
    assert refusal.why.value == rules.DATES and refusal.detail == ("whole_span",)


def test_the_nationality_quota_counts_as_the_planner_does(as_role, db):
    """Only live placements not over by the project's first open day (today for a running
    project) count, as in :func:`aljisr.planner.queries.season_data`."""
    from datetime import timedelta

    from aljisr.dates import association_today

    client, _ = as_role("coordinator")
    today = association_today()
    project = factories.project(start_date=today - timedelta(days=20),
                                end_date=today + timedelta(days=20), max_per_nationality=1)
    factories.placement(factories.volunteer(nationality="ES"), project,
                        start_date=today - timedelta(days=20), end_date=today - timedelta(days=10),
                        status=PlacementStatus.COMPLETED)
    second = factories.volunteer(full_name="Second Spaniard", nationality="ES")
    db.session.commit()
    page = client.get(f"/placements/match/project/{project.id}").get_data(as_text=True)
    assert f'name="volunteer" value="{second.id}"' in page
    response = client.post("/placements/new", data={
        "volunteer": second.id, "project": project.id, "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=20)).isoformat()})
    assert response.status_code == 302
    third = factories.volunteer(nationality="ES")
    db.session.commit()
    response = client.post("/placements/new", data={
        "volunteer": third.id, "project": project.id, "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=20)).isoformat()})
    assert response.status_code == 422
