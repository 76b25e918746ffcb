"""Season planner runs as a coordinator meets them again: a form sent twice stores one run
(docs/architecture.md §6.13), a run shows the settings it was planned with and offers to plan
again with them, a reopened run tells what became of its accepted rows, and pins that cannot
hold are named beside every field they are in."""

from __future__ import annotations

import html
import re

from aljisr.placements.models import Placement, PlacementStatus
from aljisr.planner.models import PlannedPlacement
from tests.planner.test_views import form, latest_run, run_plan, runs, season  # noqa: F401


def error_of(page: str, field: str) -> str:
    """The text of the error block beside ``field`` ("" when there is none)."""
    found = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def token_of(page: str) -> str:
    return re.search(r'name="once" type="hidden" value="([^"]+)"', page).group(1)


# --- a form sent twice stores one run -------------------------------------------------------

def test_a_plan_sent_twice_stores_one_run_and_leads_to_it(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    token = token_of(client.get("/planner/").get_data(as_text=True))
    first = client.post("/planner/", data=form(season, once=token))
    assert first.status_code == 302
    again = client.post("/planner/", data=form(season, once=token))  # the double click
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert runs(db) == 1
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This form had already been sent: it was saved once, here." in page


def test_a_refused_plan_keeps_its_token_for_the_corrected_send(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    token = token_of(client.get("/planner/").get_data(as_text=True))
    refused = client.post("/planner/", data=form(season, once=token, must="9999, 1"))
    assert refused.status_code == 422
    assert token_of(refused.get_data(as_text=True)) == token
    assert client.post("/planner/", data=form(season, once=token)).status_code == 302
    assert runs(db) == 1


def test_the_plan_page_says_it_is_busy_while_a_run_lasts(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    page = client.get("/planner/").get_data(as_text=True)
    assert 'data-busy="Planning… up to {seconds} s.' in page
    assert 'id="plan-busy" role="status"' in page
    assert "/static/js/planner.js" in page


# --- the settings of a run, and planning again with them -----------------------------------

def test_runs_show_their_settings_and_who_ran_them(as_role, db, season):  # noqa: F811
    client, user = as_role("coordinator")
    a = season["vols"][0]
    response = run_plan(client, season, must=f"{a}, {season['p1']}", time_limit=7,
                        weight_mixing=3)
    assert response.status_code == 302
    listing = client.get("/planner/").get_data(as_text=True)
    row = re.search(r'<tr id="run-\d+">(.*?)</tr>', listing, re.S).group(1)
    assert user.display_name in row
    assert "Applicant" in row  # the status filter
    assert "weights 1/1/1/3" in row and "7 s" in row and "pins: 1 must, 0 must not" in row
    run = latest_run(db)
    assert f"/planner/?again={run.id}" in row

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    settings = page[page.index('id="run-settings"'):page.index("</details>")]
    assert f"run by {user.display_name}" in settings
    assert "Garden camp" in settings and "Arabic library" in settings
    assert f"{a} → {season['p1']}" in settings
    assert "match 1 · wishes 1 · organisations&#39; wishes 1 · mixing 3" in settings


def test_plan_again_fills_the_form_with_the_run_settings(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    a = season["vols"][0]
    run_plan(client, season, projects=[season["p1"]], must_not=f"{a}, {season['p1']}",
             time_limit=7, weight_mixing=3, one_project_each="")
    run = latest_run(db)
    page = client.get(f"/planner/?again={run.id}").get_data(as_text=True)
    assert 'id="plan-again"' in page
    assert re.search(r'name="time_limit"[^>]*value="7"', page)
    assert re.search(r'name="weight_mixing"[^>]*value="3"', page)
    assert re.search(r'<option selected value="applicant">', page)
    assert re.search(rf'checked[^>]*value="{season["p1"]}"|value="{season["p1"]}"[^>]*checked',
                     page)
    assert not re.search(rf'value="{season["p2"]}"[^>]*checked|checked[^>]*value="'
                         rf'{season["p2"]}"', page)
    assert not re.search(r'id="one_project_each"[^>]*checked', page)
    assert f"{a}, {season['p1']}</textarea>" in page
    # and it plans again, with the same settings, as a new run
    again = client.post("/planner/", data=form(season, projects=[season["p1"]],
                                               must_not=f"{a}, {season['p1']}"))
    assert again.status_code == 302 and runs(db) == 2


def test_plan_again_from_an_unknown_run_is_404(as_role, db):
    client, _user = as_role("coordinator")
    assert client.get("/planner/?again=999999").status_code == 404


# --- a reopened run -------------------------------------------------------------------------

def test_a_reopened_run_says_an_accepted_placement_was_cancelled(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    row = run.assignments[0]
    client.post(f"/planner/runs/{run.id}/accept", data={"row": [row.id]})
    db.session.expire_all()
    placement_id = db.session.get(PlannedPlacement, row.id).placement_id
    page = client.get(f"/planner/runs/{run.id}").get_data(as_text=True)
    cell = re.search(rf'<tr id="row-{row.id}".*?</td>', page, re.S).group(0)
    assert ">Accepted</a>" in cell
    db.session.get(Placement, placement_id).status = PlacementStatus.CANCELLED
    db.session.commit()
    page = client.get(f"/planner/runs/{run.id}").get_data(as_text=True)
    cell = re.search(rf'<tr id="row-{row.id}".*?</td>', page, re.S).group(0)
    assert "Accepted, now Cancelled" in cell
    assert f'href="/placements/{placement_id}"' in cell


def test_a_score_that_changed_since_the_run_is_labelled_beside_today_s_reasons(
        as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    run_plan(client, season)
    run = latest_run(db)
    first, second = run.assignments[:2]
    today = first.score
    first.score = 85 if today != 85 else 84  # as if the registers changed since the run
    db.session.commit()
    page = client.get(f"/planner/runs/{run.id}").get_data(as_text=True)
    changed = re.search(rf'<tr id="row-{first.id}".*?</tr>', page, re.S).group(0)
    assert (f"Explained as the registers stand today: score {today} today, {first.score} "
            "when planned.") in changed
    same = re.search(rf'<tr id="row-{second.id}".*?</tr>', page, re.S).group(0)
    assert "Explained as the registers stand today" not in same


# --- pins that cannot hold ------------------------------------------------------------------

def test_a_pin_in_both_lists_is_named_beside_both_fields(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    a, b = season["vols"][:2]
    both = [f"{a}, {season['p1']}", f"{b}, {season['p1']}"]
    response = run_plan(client, season, must="\n".join(both + [both[0]]),
                        must_not="\n".join(both))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("must", "must_not"):
        text = error_of(page, field)
        for pin in both:
            message = f"“{pin}” is in both “Must go” and “Must not go”"
            assert text.count(message) == 1, (field, text)
    assert runs(db) == 0


def test_two_must_pins_of_one_volunteer_name_the_one_project_rule(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    a = season["vols"][0]
    pins = f"{a}, {season['p1']}\n{a}, {season['p2']}"
    response = run_plan(client, season, must=pins)
    assert response.status_code == 422
    text = error_of(response.get_data(as_text=True), "must")
    assert (f"“{a}, {season['p1']}”; “{a}, {season['p2']}”: volunteer {a} must go to more "
            "than one project, but “At most one project for each volunteer” is ticked") in text
    # unticked, the same pins are no contradiction of that rule
    response = run_plan(client, season, must=pins, one_project_each="")
    assert "At most one project for each volunteer” is ticked" not in \
        error_of(response.get_data(as_text=True), "must")


def test_every_malformed_line_is_named(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    response = run_plan(client, season, must="1, x\n\n3, 4\nfoo\n2, -1")
    assert response.status_code == 422
    assert "Lines 1, 4, 5 are not “volunteer number, project number”." in \
        error_of(response.get_data(as_text=True), "must")


def test_a_pin_written_twice_is_named_once(as_role, db, season):  # noqa: F811
    client, _user = as_role("coordinator")
    response = run_plan(client, season, must=f"9999, {season['p1']}\n9999 → {season['p1']}")
    assert response.status_code == 422
    text = error_of(response.get_data(as_text=True), "must")
    assert text.count("volunteer 9999 is not in this run") == 1
