"""The season planner's pages (issue 17): a run stores a plan and places nobody; accepting
proposes placements through the placement service, all or nothing; bad input answers 422 with
a clear message."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.planner.models import PlannedPlacement, PlanningRun
from aljisr.projects.models import Project
from aljisr.volunteers.models import Volunteer, VolunteerStatus
from tests.support import factories

START, END = date(2027, 7, 1), date(2027, 7, 14)


@pytest.fixture
def season(db):
    """Two projects; three volunteers who fit; one who speaks no Arabic for the Arabic one and
    is not free for the other."""
    site = factories.site()
    p1 = factories.project(site, title="Garden camp", start_date=START, end_date=END,
                           capacity=2)
    p2 = factories.project(site, title="Arabic library", start_date=START, end_date=END,
                           capacity=1, required_languages=["ar"])
    vols = [factories.volunteer(full_name=f"Applicant {n}", status=VolunteerStatus.APPLICANT,
                                languages={"ar": "C1"}) for n in (1, 2, 3)]
    odd = factories.volunteer(full_name="Zed Monolingual", status=VolunteerStatus.APPLICANT,
                              available_from=START, available_to=date(2027, 7, 5))
    db.session.commit()
    return {"p1": p1.id, "p2": p2.id, "vols": [v.id for v in vols], "odd": odd.id}


def form(season, **extra):
    data = {"status": "applicant", "projects": [season["p1"], season["p2"]],
            "weight_match": 1, "weight_wishes": 1, "weight_org_wishes": 1, "weight_mixing": 0,
            "time_limit": 5, "one_project_each": "y", "must": "", "must_not": ""}
    data.update(extra)
    return data


def run_plan(client, season, **extra):
    response = client.post("/planner/", data=form(season, **extra))
    return response


def latest_run(db) -> PlanningRun:
    return db.session.scalars(sa.select(PlanningRun).order_by(PlanningRun.id.desc())).first()


def placements(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Placement))


def test_a_run_plans_and_places_nobody(as_role, db, season):
    client, user = as_role("coordinator")
    response = run_plan(client, season)
    assert response.status_code == 302
    run = latest_run(db)
    assert run.outcome == "optimal"
    assert len(run.assignments) == 3
    assert placements(db) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Garden camp" in page and "Arabic library" in page
    assert "Zed Monolingual" in page
    assert "Not available for the project&#39;s dates" in page or \
        "Does not speak Arabic" in page
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "planner.run")).one()
    assert event.subject_id == run.id and event.actor_id == user.id


def test_accept_part_of_a_plan(as_role, db, season):
    client, user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    chosen = run.assignments[0]
    response = client.post(f"/planner/runs/{run.id}/accept", data={"row": [chosen.id]})
    assert response.status_code == 302
    made = db.session.scalars(sa.select(Placement)).all()
    assert [(p.volunteer_id, p.project_id, p.status) for p in made] == [
        (chosen.volunteer_id, chosen.project_id, PlacementStatus.PROPOSED)]
    db.session.expire_all()
    assert db.session.get(PlannedPlacement, chosen.id).placement_id == made[0].id
    assert db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "planner.accept")).one().subject_id == run.id
    assert db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "placement.propose")).one().actor_id == user.id


def test_accept_reports_rows_changed_since_the_run_and_writes_nothing(as_role, db, season):
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    library = next(a for a in run.assignments if a.project_id == season["p2"])
    # meanwhile someone takes the library's only place
    factories.placement(factories.volunteer(), db.session.get(Project, season["p2"]),
                        status=PlacementStatus.CONFIRMED)
    db.session.commit()
    before = placements(db)
    rows = [a.id for a in run.assignments]
    response = client.post(f"/planner/runs/{run.id}/accept", data={"row": rows})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was accepted" in page
    assert f'id="row-{library.id}" class="table-danger"' in page
    assert "full" in page
    assert placements(db) == before
    assert all(a.placement_id is None for a in db.session.scalars(
        sa.select(PlannedPlacement).where(PlannedPlacement.run_id == run.id)))


def test_a_group_is_accepted_whole(as_role, db, season):
    client, _user = as_role("coordinator")
    for vid in season["vols"][:2]:
        db.session.get(Volunteer, vid).application_group = "twins"
    db.session.commit()
    run_plan(client, season)
    run = latest_run(db)
    twins = [a for a in run.assignments if a.volunteer_id in season["vols"][:2]]
    assert len(twins) == 2 and twins[0].project_id == twins[1].project_id
    response = client.post(f"/planner/runs/{run.id}/accept", data={"row": [twins[0].id]})
    assert response.status_code == 422
    assert "accept the whole group together" in response.get_data(as_text=True)
    assert placements(db) == 0


@pytest.mark.parametrize(("extra", "message"), [
    ({"q": "nobody-by-this-name"}, "there is nothing to assign"),
    ({"projects": []}, "Choose at least one project."),
    ({"must": "1, 2, 3"}, "is not “volunteer number, project number”"),
    ({"must": "1, -5"}, "Line 1 is not “volunteer number, project number”"),
    ({"must": "36, -2"}, "Line 1 is not “volunteer number, project number”"),
    ({"must_not": "\n4, 2.5"}, "Line 2 is not “volunteer number, project number”"),
    ({"time_limit": 0}, "From 1 to 25 seconds."),
    ({"time_limit": 26}, "From 1 to 25 seconds."),
    ({"weight_match": 11}, "From 0 to 10."),
])
def test_bad_input_answers_422_with_a_message(as_role, db, season, extra, message):
    client, _user = as_role("coordinator")
    response = run_plan(client, season, **extra)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert placements(db) == 0
    assert runs(db) == 0


def test_contradictory_pins(as_role, db, season):
    client, _user = as_role("coordinator")
    a, b = season["vols"][:2]
    response = run_plan(client, season, must=f"{a}, {season['p2']}\n{b}, {season['p2']}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "These pins cannot all hold together" in page
    assert "Applicant 1" in page and "Applicant 2" in page
    assert placements(db) == 0
    assert runs(db) == 0


def test_no_project_with_room(as_role, db, season):
    client, _user = as_role("coordinator")
    response = run_plan(client, season, projects=[season["p2"]],
                        must_not="\n".join(f"{v}, {season['p2']}" for v in season["vols"]))
    assert response.status_code == 422
    assert "has room for any of these volunteers" in response.get_data(as_text=True)
    assert placements(db) == 0
    assert runs(db) == 0


def test_a_run_can_be_reopened(as_role, db, season):
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    listing = client.get("/planner/").get_data(as_text=True)
    assert f"/planner/runs/{run.id}" in listing
    assert client.get(f"/planner/runs/{run.id}").status_code == 200


def test_no_plan_within_the_time_limit(as_role, db, season, monkeypatch):
    from aljisr.planner import services
    from aljisr.planner.solver import Outcome, Plan

    monkeypatch.setattr(services, "solve", lambda *a, **k: Plan(Outcome.NO_PLAN_IN_TIME))
    client, _user = as_role("coordinator")
    response = run_plan(client, season)
    assert response.status_code == 422
    assert "No plan was found within the time limit" in response.get_data(as_text=True)
    assert placements(db) == 0
    assert runs(db) == 0


def test_quotas_and_gender_come_from_the_registers(as_role, db, season):
    """The project's gender margin and the volunteers' gender, as stored, bind the plan."""
    client, _user = as_role("coordinator")
    db.session.get(Project, season["p1"]).gender_margin = 0
    for vid in season["vols"]:
        db.session.get(Volunteer, vid).gender = "female"
    db.session.commit()
    response = run_plan(client, season, projects=[season["p1"]])
    # a plan proposing nothing is not stored: the form says why
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is nothing to assign" in page
    assert "Most often: The project&#39;s gender balance would go beyond its margin." in page
    assert runs(db) == 0


def test_anonymising_erases_gender_and_group(db, season):
    from aljisr.volunteers.services import anonymise_volunteer

    volunteer = db.session.get(Volunteer, season["vols"][0])
    volunteer.gender, volunteer.application_group = "female", "twins"
    anonymise_volunteer(volunteer, actor=None, reason="request")
    assert (volunteer.gender, volunteer.application_group) == (None, None)


def runs(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PlanningRun))


@pytest.mark.parametrize(("field", "pin", "message"), [
    ("must", "9999, {p1}", "volunteer 9999 is not in this run"),
    ("must", "99999999999999999999999, {p1}", "volunteer 99999999999999999999999 is not in"),
    ("must", "{filtered}, {p1}", "is not in this run"),
    ("must", "{v1}, 99999", "project 99999 is not selected"),
    ("must", "{v1}, {p2}", "is not selected"),
    ("must_not", "9999, {p1}", "volunteer 9999 is not in this run"),
    ("must_not", "{v1}, 5", "project 5 is not selected"),
])
def test_pins_outside_the_run_are_refused_beside_the_field(as_role, db, season, field, pin,
                                                           message):
    """A pin naming a volunteer the filters leave out (or no volunteer at all), or a project
    not selected, answers 422 beside its field, before solving; nothing is stored."""
    filtered = factories.volunteer(full_name="Already Active", status=VolunteerStatus.ACTIVE)
    db.session.commit()
    client, _user = as_role("coordinator")
    text = pin.format(p1=season["p1"], p2=season["p2"], v1=season["vols"][0],
                      filtered=filtered.id)
    response = run_plan(client, season, projects=[season["p1"]], **{field: text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page or f'{field}-error' in page
    assert text in page  # the form is kept
    assert runs(db) == 0


def test_a_refused_run_is_not_stored(as_role, db, season):
    client, _user = as_role("coordinator")
    a, b = season["vols"][:2]
    response = run_plan(client, season, must=f"{a}, {season['p2']}\n{b}, {season['p2']}")
    assert response.status_code == 422
    assert runs(db) == 0
    assert "No plan" not in client.get("/planner/").get_data(as_text=True)


def test_an_old_run_without_a_plan_says_why(as_role, db, season):
    """Runs stored before refusals stopped being saved read with their outcome's message,
    never with a gap, "every volunteer has a place" or "the plan did not choose them"."""
    from aljisr.planner.models import LeftOut

    run = PlanningRun(params={"project_ids": [season["p1"]]}, outcome="no_plan_in_time",
                      volunteers=4, projects=1, objective=0, greedy_objective=0, gap=0.0,
                      solve_seconds=1.0, conflicts=[])
    run.left_out.append(LeftOut(volunteer_id=season["vols"][0], why="not_chosen", detail=[],
                                counts={"not_chosen": 1}))
    db.session.add(run)
    db.session.commit()
    client, _user = as_role("coordinator")
    page = client.get(f"/planner/runs/{run.id}").get_data(as_text=True)
    assert "No plan was found within the time limit" in page
    assert "Proven gap" not in page
    assert "Every volunteer has a place" not in page
    assert "did not choose them" not in page


def test_the_placements_of_today_are_labelled_as_such(as_role, db, season):
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    factories.placement(factories.volunteer(full_name="Later Comer"),
                        db.session.get(Project, season["p1"]), status=PlacementStatus.CONFIRMED)
    db.session.commit()
    page = client.get(f"/planner/runs/{run.id}").get_data(as_text=True)
    assert "Placed today (as it stands now, not when the plan was made):" in page


def test_accept_names_every_row_that_does_not_hold_at_once(as_role, db, season):
    """One row fails the planner's own rules again (dates), another the placement service
    (the project is full now): both are named by the first refusal."""
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    library = next(a for a in run.assignments if a.project_id == season["p2"])
    garden = next(a for a in run.assignments if a.project_id == season["p1"])
    factories.placement(factories.volunteer(), db.session.get(Project, season["p2"]),
                        status=PlacementStatus.CONFIRMED)
    db.session.get(Volunteer, garden.volunteer_id).available_to = date(2027, 7, 3)
    db.session.commit()
    before = placements(db)
    response = client.post(f"/planner/runs/{run.id}/accept",
                           data={"row": [library.id, garden.id]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="row-{library.id}" class="table-danger"' in page
    assert f'id="row-{garden.id}" class="table-danger"' in page
    assert "2 of the chosen rows changed" in page
    assert placements(db) == before


def test_accepting_rows_accepted_in_another_tab(as_role, db, season):
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    rows = [a.id for a in run.assignments]
    assert client.post(f"/planner/runs/{run.id}/accept", data={"row": rows}).status_code == 302
    again = client.post(f"/planner/runs/{run.id}/accept", data={"row": rows})
    assert again.status_code == 422
    assert "already accepted" in again.get_data(as_text=True)
    assert "Choose at least one" not in again.get_data(as_text=True)


def test_an_accepted_row_reads_as_accepted_with_the_usual_role(as_role, db, season):
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    garden = [a for a in run.assignments if a.project_id == season["p1"]]
    response = client.post(f"/planner/runs/{run.id}/accept",
                           data={"row": [garden[0].id], "role": "Volunteer"})
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Placement.role)).all() == ["Volunteer"]
    page = client.get(f"/planner/runs/{run.id}").get_data(as_text=True)
    assert "Already placed on this project" not in page
    assert (f"Proposed: {len(garden) - 1} · accepted: 1 · placed today: 0 · a day at most: 2"
            ) in page
    # the form offers the same role by default
    assert 'name="role" type="text" value="Volunteer"' in page or \
        'value="Volunteer"' in page


def test_get_on_the_accept_address_goes_back_to_the_run(as_role, db, season):
    """After a refused accept the address is …/accept: a reload or a language switch (GET)
    goes back to the run's page, never 405."""
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    response = client.get(f"/planner/runs/{run.id}/accept")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/planner/runs/{run.id}")


def test_the_audit_log_names_the_outcome(as_role, db, season):
    admin, _user = as_role("admin")
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    page = admin.get(f"/audit/?subject_type=planning_runs&subject_id={run.id}").get_data(
        as_text=True)
    assert "Season planned" in page
    assert "Optimal plan" in page
    assert ": optimal" not in page and ">optimal<" not in page


def test_the_other_projects_summary_reads_whole_sentences(as_role, db, season):
    """The counts of the other projects' refusals carry no detail: their sentences must not
    miss the language, the age or the number of days."""
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    odd = next(lo for lo in run.left_out if lo.volunteer_id == season["odd"])
    odd.why, odd.detail = "dates", []
    odd.counts = {"dates": 1, "language": 2, "age": 1, "short_stay": 1}
    db.session.commit()
    page = client.get(f"/planner/runs/{run.id}").get_data(as_text=True)
    assert "Does not speak  at B1" not in page and "speak at B1" not in page
    assert "Does not speak a language the project requires at B1 or better (2)" in page
    assert "(?)" not in page and "(? days)" not in page


def test_arabic_pages_isolate_latin_titles_and_label_every_cell(as_role, db, season):
    """In Arabic a Latin title would run into its dates: it is isolated in <bdi>; the cards of
    the narrow layout label every number."""
    client, user = as_role("coordinator")
    run_plan(client, season)
    user.locale = "ar"
    db.session.commit()
    with client.session_transaction() as session:
        session["locale"] = "ar"
    page = client.get("/planner/").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "<bdi>Garden camp</bdi> (" in page
    assert page.count('data-label="') >= 5
    run = latest_run(db)
    page = client.get(f"/planner/runs/{run.id}").get_data(as_text=True)
    assert '<td class="stack-check">' in page


def test_the_summary_speaks_in_singular_and_plural(as_role, db, season):
    client, _user = as_role("coordinator")
    response = run_plan(client, season, projects=[season["p2"]])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 proposed placement for 4 volunteers and 1 project." in page


@pytest.mark.parametrize(("why", "detail", "text"), [
    ("language", ["ar"], "Does not speak Arabic at B1 or better"),
    ("language", [], "Does not speak a language the project requires at B1 or better"),
    ("short_stay", ["1"], "minimum stay (1 day)"),
    ("short_stay", ["7"], "minimum stay (7 days)"),
    ("age", ["18"], "Younger than the minimum age (18)"),
    ("age", [], "Younger than the project's minimum age"),
])
def test_why_texts(app, why, detail, text):
    from aljisr.planner.services import why_text

    with app.test_request_context():
        assert text in why_text(why, detail)


def test_a_plan_proposing_nothing_is_not_stored(as_role, db, season):
    """Pins excluding everyone leave nothing to assign: 422, the form kept, why, nothing
    stored."""
    client, _user = as_role("coordinator")
    pins = "\n".join(f"{v}, {p}" for v in season["vols"] + [season["odd"]]
                     for p in (season["p1"], season["p2"]))
    response = run_plan(client, season, must_not=pins)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is nothing to assign" in page
    assert "Most often: Pinned out of this project." in page
    assert pins.splitlines()[-1] in page  # the form is kept
    assert runs(db) == 0


def test_a_plan_that_happens_to_propose_nothing_is_not_stored(as_role, db, season,
                                                               monkeypatch):
    from aljisr.planner import services
    from aljisr.planner.solver import Outcome, Plan

    monkeypatch.setattr(services, "solve", lambda *a, **k: Plan(Outcome.OPTIMAL))
    client, _user = as_role("coordinator")
    response = run_plan(client, season)
    assert response.status_code == 422
    assert "There is nothing to assign" in response.get_data(as_text=True)
    assert runs(db) == 0


def test_an_out_of_date_tab_names_the_row_accepted_meanwhile(as_role, db, season):
    """Tab A accepts row 1; tab B, loaded before, ticks rows 1 and 3: row 1 is named as
    already accepted, and nothing is accepted (all or nothing)."""
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    first, other = run.assignments[0], run.assignments[-1]
    assert client.post(f"/planner/runs/{run.id}/accept",
                       data={"row": [first.id]}).status_code == 302
    before = placements(db)
    response = client.post(f"/planner/runs/{run.id}/accept",
                           data={"row": [first.id, other.id]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="row-{first.id}" class="table-danger"' in page
    assert "Already accepted since this page was loaded" in page
    assert "Nothing was accepted" in page
    assert placements(db) == before
    db.session.expire_all()
    assert db.session.get(PlannedPlacement, other.id).placement_id is None


def test_a_lone_pin_breaking_a_rule_names_the_rule(as_role, db, season):
    """Must go a volunteer to a project full on their dates: the message names the rule."""
    factories.placement(factories.volunteer(), db.session.get(Project, season["p2"]),
                        status=PlacementStatus.CONFIRMED)
    db.session.commit()
    client, _user = as_role("coordinator")
    response = run_plan(client, season, must=f"{season['vols'][0]}, {season['p2']}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This pin breaks a rule: Applicant 1 → Arabic library: The project is full on " \
        "their dates." in page
    assert runs(db) == 0


def test_a_lone_pin_outside_the_dates_names_the_rule(as_role, db, season):
    client, _user = as_role("coordinator")
    response = run_plan(client, season, must=f"{season['odd']}, {season['p2']}")
    assert response.status_code == 422
    assert "This pin breaks a rule: Zed Monolingual → Arabic library: " in \
        response.get_data(as_text=True)


def test_the_time_limit_help_is_plain_and_the_readme_matches_gunicorn(as_role, db):
    """The help text speaks to a coordinator (no server words); the README's worker timeout is
    the one gunicorn.conf.py sets."""
    import re
    from pathlib import Path

    client, _user = as_role("coordinator")
    page = client.get("/planner/").get_data(as_text=True)
    assert "gunicorn" not in page
    assert "at most 25 seconds" in page
    root = Path(__file__).resolve().parents[2]
    timeout = re.search(r"^timeout = (\d+)", (root / "gunicorn.conf.py").read_text(), re.M)
    planner = (root / "README.md").read_text().split("Season planner", 1)[1]
    assert "default 30 s" not in planner
    assert f"{timeout.group(1)} s worker\ntimeout" in planner


def test_the_audit_of_an_accept_shows_no_internal_row_numbers(as_role, db, season):
    admin, _user = as_role("admin")
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    client.post(f"/planner/runs/{run.id}/accept", data={"row": [run.assignments[0].id]})
    page = admin.get(f"/audit/?subject_type=planning_runs&subject_id={run.id}").get_data(
        as_text=True)
    assert "Season plan accepted" in page
    assert "Planned placement ids" not in page


@pytest.mark.parametrize("value", ["1e9", "abc", "2.5"])
def test_a_weight_that_is_not_a_whole_number_gets_one_message(as_role, db, season, value):
    client, _user = as_role("coordinator")
    response = run_plan(client, season, weight_match=value)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a valid integer value." in page
    assert "From 0 to 10." not in page


def test_french_pages_speak_of_one_volunteer_and_use_the_decimal_comma(as_role, db, season):
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    run.solve_seconds = 0.4
    db.session.commit()
    page = client.get(f"/planner/runs/{run.id}", headers={"Accept-Language": "fr"}).get_data(
        as_text=True)
    assert "Résolu en 0,4 s" in page
    from aljisr.planner.services import why_text
    with client.application.test_request_context(headers={"Accept-Language": "fr"}):
        assert why_text("capacity") == "Le projet est complet à ses dates"


def test_planning_when_everyone_is_placed_says_there_is_nothing_to_assign(as_role, db,
                                                                         season):
    garden, library = (db.session.get(Project, season[k]) for k in ("p1", "p2"))
    for vid, project in zip(season["vols"] + [season["odd"]], (garden, garden, library, library),
                            strict=True):
        factories.placement(db.session.get(Volunteer, vid), project,
                            status=PlacementStatus.CONFIRMED)
    db.session.commit()
    client, _user = as_role("coordinator")
    response = run_plan(client, season)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is nothing to assign" in page
    assert "Most often: Already placed on those dates." in page
    assert runs(db) == 0
