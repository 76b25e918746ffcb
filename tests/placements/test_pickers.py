"""The proposal form's pickers: only the chosen record and the first matches of what was
typed reach the page (never the whole register), searched on the server, with or without
JavaScript (the combobox itself: tests/browser/test_pickers.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from aljisr.formfields import PICK_LIMIT
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
