"""The proposal form's pickers: only the chosen record and the first matches of what was
typed reach the page (never the whole register), searched on the server, with or without
JavaScript (the combobox itself: tests/browser/test_pickers.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from aljisr.formfields import PICK_LIMIT
from aljisr.placements.models import Placement
from aljisr.volunteers.models import VolunteerStatus
from tests.support import factories
from tests.support.sql import queries_sent


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


@pytest.fixture
def crowd(db):
    """PICK_LIMIT + 5 volunteers named Léa, one archived Léa, one Ольга, a project."""
    leas = [factories.volunteer(full_name=f"Léa Number {n:02d}") for n in range(PICK_LIMIT + 5)]
    factories.volunteer(full_name="Léa Archived", status=VolunteerStatus.ARCHIVED,
                        archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    olga = factories.volunteer(full_name="Ольга Петренко")
    project = factories.project(title="Peinture à l'école", start_date=date(2026, 9, 1),
                                end_date=date(2026, 9, 30))
    db.session.commit()
    return {"leas": leas, "olga": olga, "project": project}


def options(html: str, name: str) -> list[str]:
    select = html.split(f'<select aria-describedby="{name}-status"')[1].split("</select>")[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_form_lists_no_volunteer_until_one_is_searched_or_chosen(coordinator, crowd):
    client, _ = coordinator
    html = client.get("/placements/new").get_data(as_text=True)
    assert options(html, "volunteer") == ["— choose —"]
    assert "Ольга" not in html and "Léa Number" not in html
    chosen = client.get(f"/placements/new?volunteer_id={crowd['olga'].id}").get_data(as_text=True)
    assert [o for o in options(chosen, "volunteer") if "Ольга" in o]


def test_search_without_javascript_lists_the_first_matches_and_keeps_what_was_typed(
        coordinator, crowd):
    client, _ = coordinator
    response = client.post("/placements/new", data={
        "volunteer_q": "lea", "volunteer": "", "project_q": "peinture", "project": "",
        "role": "Painter", "notes": "Kept as typed", "pick": "volunteer"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # a search, not a refused proposal
    found = options(html, "volunteer")
    assert len(found) == PICK_LIMIT + 1  # "— choose —" and the first matches
    assert all("Léa Number" in o for o in found[1:]) and "Archived" not in html
    assert "type more to narrow" in html
    assert any("Peinture" in o for o in options(html, "project"))
    assert 'value="Painter"' in html and "Kept as typed" in html
    assert "Choose a volunteer." not in html


def test_a_refused_proposal_lists_the_chosen_one_and_the_matches_only(coordinator, crowd):
    client, _ = coordinator
    olga = crowd["olga"]
    response = client.post("/placements/new", data={
        "volunteer": str(olga.id), "volunteer_q": "", "project": "", "project_q": "",
        "start_date": "2026-09-01", "end_date": "2026-09-10"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose a project." in html
    assert len(options(html, "volunteer")) == 2 and "Léa" not in html


def test_the_combobox_endpoint_answers_the_first_matches_as_json(coordinator, crowd):
    client, _ = coordinator
    answer = client.get("/placements/new/volunteers?q=LEA").get_json()
    assert len(answer["options"]) == PICK_LIMIT and answer["more"] is True
    assert all("Léa Number" in o["label"] for o in answer["options"])
    assert {o["value"] for o in answer["options"]} <= {v.id for v in crowd["leas"]}
    assert "type more" in answer["message"]
    one = client.get("/placements/new/volunteers?q=ольга").get_json()
    assert [o["value"] for o in one["options"]] == [crowd["olga"].id] and not one["more"]
    assert client.get("/placements/new/volunteers?q=").get_json()["options"] == []
    projects = client.get("/placements/new/projects?q=ecole").get_json()
    assert [o["value"] for o in projects["options"]] == [crowd["project"].id]
    assert "2026-09-01" in projects["options"][0]["label"]


def test_the_form_costs_the_same_queries_whatever_the_register_holds(coordinator, crowd, db):
    client, _ = coordinator
    url = f"/placements/new?volunteer_id={crowd['olga'].id}&project_id={crowd['project'].id}"
    with queries_sent() as few:
        assert client.get(url).status_code == 200
    for n in range(30):
        factories.volunteer(full_name=f"Someone {n}")
        factories.project(title=f"Project {n}")
    db.session.commit()
    with queries_sent() as many:
        html = client.get(url).get_data(as_text=True)
    assert len(many) == len(few)
    assert "Someone" not in html and "Project 1" not in html


def _status(html: str, name: str) -> str:
    return html.split(f'id="{name}-status"')[1].split(">", 1)[1].split("</div>")[0]


def test_the_line_under_the_picker_counts_what_is_listed_the_chosen_one_included(
        coordinator, crowd, db):
    # docs/architecture.md §6.19: the chosen one is listed first; when it matches what was
    # typed it is counted ("ben" and Inès chosen: 3 listed, not "2 matches")
    client, _ = coordinator
    ines = factories.volunteer(full_name="Inès Benali")
    factories.volunteer(full_name="Oliver Bennett")
    factories.volunteer(full_name="Ahmed Ben Youssef")
    db.session.commit()
    form = {"volunteer_q": "ben", "volunteer": str(ines.id), "project": "", "project_q": "",
            "start_date": "2026-09-10", "end_date": "2026-09-01"}
    html = client.post("/placements/new", data=form).get_data(as_text=True)
    assert len(options(html, "volunteer")) == 4  # "— choose —", Inès and the two others
    assert _status(html, "volunteer") == "3 matches for “ben”."
    # the only match of the search, chosen: one match, not "Nothing matches"
    form["volunteer_q"] = "inès"
    html = client.post("/placements/new", data=form).get_data(as_text=True)
    assert _status(html, "volunteer") == "1 match for “inès”."
    # chosen but not among the matches: listed apart, and the line says so
    form["volunteer_q"] = "ольга"
    html = client.post("/placements/new", data=form).get_data(as_text=True)
    assert len(options(html, "volunteer")) == 3
    assert _status(html, "volunteer") == ("1 match for “ольга”. The one chosen is listed "
                                          "first.")


def test_a_typed_name_naming_exactly_one_record_is_chosen_without_javascript(
        coordinator, crowd, db):
    client, _ = coordinator
    olga, project = crowd["olga"], crowd["project"]
    response = client.post("/placements/new", data={
        "volunteer_q": "ольга петренко", "volunteer": "",
        "project_q": "Peinture à l’école", "project": "",
        "start_date": "2026-09-01", "end_date": "2026-09-10"})
    assert response.status_code == 302, response.get_data(as_text=True)
    placement = db.session.scalar(sa.select(Placement).order_by(Placement.id.desc()))
    assert (placement.volunteer_id, placement.project_id) == (olga.id, project.id)


def test_a_typed_name_is_not_chosen_when_it_is_partial_or_names_several(coordinator, crowd,
                                                                         db):
    client, _ = coordinator
    factories.volunteer(full_name="Sam Lee")
    factories.volunteer(full_name="Sam Lee")
    db.session.commit()
    for typed in ("ольга", "Sam Lee"):  # a part of the only match; two of that name
        response = client.post("/placements/new", data={
            "volunteer_q": typed, "volunteer": "", "project_q": "", "project": "",
            "start_date": "2026-09-01", "end_date": "2026-09-10"})
        assert response.status_code == 422
        assert "Choose a volunteer." in response.get_data(as_text=True)


def test_the_combobox_endpoint_names_the_exact_only_match(coordinator, crowd):
    client, _ = coordinator
    olga = crowd["olga"]
    exact = client.get("/placements/new/volunteers?q=Ольга Петренко").get_json()
    assert exact["exact"] == olga.id
    label = exact["options"][0]["label"]  # the chosen label, isolates and all, names it too
    assert client.get("/placements/new/volunteers", query_string={"q": label}).get_json()[
        "exact"] == olga.id
    assert client.get("/placements/new/volunteers?q=ольга").get_json()["exact"] is None
    assert client.get("/placements/new/volunteers?q=Léa Number").get_json()["exact"] is None
