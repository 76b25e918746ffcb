"""Project wishes (issue 17, soft preferences; docs/architecture.md §6.23): a coordinator
records a volunteer's and their sending organisation's wishes on the volunteer's "Project
wishes" page; a volunteer's application choices stand for their own until then; the planner
weighs both and says so beside each proposed placement; bad input answers 422 beside the
choice, what was chosen kept, nothing stored."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.applications.models import (
    CONSENT_VERSION,
    Application,
    ApplicationProject,
    ApplicationStatus,
)
from aljisr.audit import AuditEvent
from aljisr.database import utcnow
from aljisr.planner import queries
from aljisr.planner.models import PlannedPlacement, PlanningRun, ProjectWish
from aljisr.volunteers.models import VolunteerStatus
from tests.support import factories

START, END = date(2027, 7, 1), date(2027, 7, 14)


@pytest.fixture
def camps(db):
    """Two like projects of one place each, and two like volunteers sent by one organisation
    (and one sent by nobody): without wishes the plan could go either way."""
    sender = factories.organisation(name="Compagnons du Monde")
    site = factories.site()
    ids = {name: factories.project(site, title=name, start_date=START, end_date=END,
                                   capacity=1).id for name in ("Camp Alpha", "Camp Beta")}
    for name in ("Ana Wished", "Ben Wished"):
        ids[name] = factories.volunteer(sender, full_name=name,
                                        status=VolunteerStatus.APPLICANT).id
    ids["Lone"] = factories.volunteer(full_name="Lone Applicant",
                                      status=VolunteerStatus.ACTIVE).id
    db.session.commit()
    return ids


def wishes_form(**chosen):
    data = {f"{kind}_{rank}": "" for kind in ("own", "org") for rank in (1, 2, 3)}
    data.update({k: str(v) for k, v in chosen.items()})
    return data


def test_the_volunteer_page_leads_to_the_wishes(as_role, db, camps):
    client, _user = as_role("coordinator")
    page = client.get(f"/volunteers/{camps['Ana Wished']}").get_data(as_text=True)
    assert f'href="/planner/wishes/{camps["Ana Wished"]}"' in page
    wishes = client.get(f"/planner/wishes/{camps['Ana Wished']}")
    assert wishes.status_code == 200
    text = wishes.get_data(as_text=True)
    assert "Compagnons du Monde" in text and "Camp Alpha" in text


def test_sending_organisation_wishes_are_recorded_weighed_and_shown(as_role, db, camps):
    client, user = as_role("coordinator")
    alpha, beta = camps["Camp Alpha"], camps["Camp Beta"]
    for name, first, second in (("Ana Wished", beta, alpha), ("Ben Wished", alpha, None)):
        response = client.post(f"/planner/wishes/{camps[name]}",
                               data=wishes_form(org_1=first, org_2=second or ""))
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/volunteers/{camps[name]}")
    stored = db.session.execute(sa.select(
        ProjectWish.volunteer_id, ProjectWish.project_id, ProjectWish.rank,
        ProjectWish.by_sending_organisation).order_by(ProjectWish.volunteer_id,
                                                      ProjectWish.rank)).all()
    assert [tuple(r) for r in stored] == [(camps["Ana Wished"], beta, 1, True),
                                          (camps["Ana Wished"], alpha, 2, True),
                                          (camps["Ben Wished"], alpha, 1, True)]
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "planner.wishes").order_by(AuditEvent.id)).first()
    assert event.actor_id == user.id and event.subject_id == camps["Ana Wished"]
    assert event.details["organisation_wished_project_ids"] == [beta, alpha]
    # the page shows them as recorded
    page = client.get(f"/planner/wishes/{camps['Ana Wished']}").get_data(as_text=True)
    assert f'<option selected value="{beta}">' in page

    # a run that weighs the organisations' wishes most follows them
    response = client.post("/planner/", data={
        "status": "applicant", "projects": [alpha, beta], "weight_match": 1,
        "weight_wishes": 1, "weight_org_wishes": 10, "weight_mixing": 0, "time_limit": 5,
        "one_project_each": "y", "must": "", "must_not": ""})
    assert response.status_code == 302
    run = db.session.scalars(sa.select(PlanningRun)).one()
    rows = {a.volunteer_id: a for a in run.assignments}
    assert rows[camps["Ana Wished"]].project_id == beta
    assert rows[camps["Ben Wished"]].project_id == alpha
    ana = rows[camps["Ana Wished"]]
    assert (ana.org_wish_rank, ana.wish_rank) == (1, None)
    assert ana.points == ana.score + 10 * 30
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("Their sending organisation&#39;s first choice") == 2


def test_application_choices_stand_as_the_volunteers_own_wishes(as_role, db, camps):
    """The projects chosen on the latest confirmed application, in their order, until wishes
    are recorded on the page; a withdrawn application's choices do not count."""
    alpha, beta = camps["Camp Alpha"], camps["Camp Beta"]
    vid = camps["Ana Wished"]
    for status, choices in ((ApplicationStatus.WITHDRAWN, [alpha]),
                            (ApplicationStatus.ACCEPTED, [beta, alpha])):
        application = Application(
            full_name="Ana Wished", email=f"ana-{status.value}@example.org", status=status,
            consent_version=CONSENT_VERSION, consent_at=utcnow(), confirmed_at=utcnow(),
            languages={}, skills=[], interests=[], volunteer_id=vid)
        db.session.add(application)
        db.session.flush()
        db.session.add_all(ApplicationProject(application_id=application.id, rank=rank,
                                              project_id=pid)
                           for rank, pid in enumerate(choices, start=1))
    db.session.commit()
    assert queries.wish_ranks([vid]) == ({vid: {beta: 1, alpha: 2}}, {})
    season = queries.season_data([vid], [alpha, beta], date(2027, 6, 1)).season
    assert season.wishes == {(vid, beta): 30, (vid, alpha): 20}

    client, _user = as_role("coordinator")
    page = client.get(f"/planner/wishes/{vid}").get_data(as_text=True)
    assert 'id="from-application"' in page
    assert f'<option selected value="{beta}">' in page
    # recorded on the page, they stand instead
    assert client.post(f"/planner/wishes/{vid}",
                       data=wishes_form(own_1=alpha)).status_code == 302
    assert queries.wish_ranks([vid]) == ({vid: {alpha: 1}}, {})
    assert 'id="from-application"' not in client.get(f"/planner/wishes/{vid}").get_data(
        as_text=True)


@pytest.mark.parametrize(("who", "chosen", "field", "message"), [
    ("Ana Wished", {"own_1": "Camp Alpha", "own_2": "Camp Alpha"}, "own_2",
     "This project is already chosen above."),
    ("Ana Wished", {"org_1": "Camp Beta", "org_3": "Camp Beta"}, "org_3",
     "This project is already chosen above."),
    ("Lone", {"org_1": "Camp Beta"}, "org_1", "This volunteer has no sending organisation"),
    ("Ana Wished", {"own_1": 999999}, "own_1", "Not a valid choice"),
    ("Ana Wished", {"own_1": "twelve"}, "own_1", "Invalid Choice: could not coerce."),
])
def test_bad_wishes_answer_422_beside_the_choice(as_role, db, camps, who, chosen, field,
                                                message):
    client, _user = as_role("coordinator")
    data = wishes_form(**{k: camps.get(v, v) for k, v in chosen.items()})
    response = client.post(f"/planner/wishes/{camps[who]}", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    if isinstance(camps.get(chosen[field]), int):  # what was chosen is kept
        assert f'<option selected value="{camps[chosen[field]]}">' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProjectWish)) == 0
    assert not db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "planner.wishes")).all()


def test_the_wishes_page_in_french_and_arabic(as_role, db, camps):
    client, _user = as_role("coordinator")
    for lang, words in (("fr", "Vœux de projets"), ("ar", "رغبات")):
        page = client.get(f"/planner/wishes/{camps['Ana Wished']}",
                          headers={"Accept-Language": lang}).get_data(as_text=True)
        assert words in page, lang


def test_planned_placements_without_wishes_show_none(as_role, db, camps):
    client, _user = as_role("coordinator")
    alpha, beta = camps["Camp Alpha"], camps["Camp Beta"]
    client.post("/planner/", data={
        "status": "applicant", "projects": [alpha, beta], "weight_match": 1,
        "weight_wishes": 1, "weight_org_wishes": 1, "weight_mixing": 0, "time_limit": 5,
        "one_project_each": "y", "must": "", "must_not": ""})
    rows = db.session.scalars(sa.select(PlannedPlacement)).all()
    assert rows and all(a.wish_rank is None and a.org_wish_rank is None for a in rows)
