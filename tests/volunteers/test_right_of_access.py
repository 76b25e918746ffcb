"""The right of access (Law 09-08 art. 7, GDPR art. 15): from a volunteer's page, a
coordinator downloads everything held about that one volunteer -- the export the volunteer
gets from the portal -- whether or not the volunteer has a login; each download is audited."""

from __future__ import annotations

import json

import sqlalchemy as sa

from aljisr.audit import AuditEvent
from tests.support import factories


def test_a_coordinator_downloads_everything_held_about_one_volunteer(as_role, db):
    client, user = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Ιωάννα Παπαδοπούλου", health_notes="Asthma",
                                    languages={"el": "native", "fr": "B2"})
    other = factories.volunteer(full_name="Someone Else")
    mine = factories.placement(volunteer, notes="Kitchen team")
    factories.hours(mine, activity="Painting the school")
    factories.placement(other, notes="Not hers")
    db.session.commit()

    page = client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
    assert f'href="/volunteers/{volunteer.id}/data.json"' in page

    response = client.get(f"/volunteers/{volunteer.id}/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers.get("Cache-Control", "")
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == "aljisr-volunteer-export/1"
    assert data["account"] is None  # no login: the rest is there all the same
    assert data["profile"]["full_name"] == "Ιωάννα Παπαδοπούλου"
    assert data["profile"]["health_notes"] == "Asthma"
    assert {lang["code"] for lang in data["languages"]} == {"el", "fr"}
    assert [p["notes"] for p in data["placements"]] == ["Kitchen team"]
    assert [h["activity"] for h in data["hours"]] == ["Painting the school"]

    event = db.session.scalar(sa.select(AuditEvent)
                              .where(AuditEvent.action == "volunteer.data_export"))
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        user.id, "volunteers", volunteer.id)
    history = client.get("/audit/").get_data(as_text=True)
    assert "Everything held about the volunteer downloaded" in history


def test_the_export_of_a_volunteer_with_a_login_names_the_account(as_role, db):
    client, _user = as_role("coordinator")
    _volunteer_client, volunteer_user = as_role("volunteer")
    response = client.get(f"/volunteers/{volunteer_user.volunteer.id}/data.json")
    data = response.get_json()
    assert data["account"]["email"] == volunteer_user.email


def test_the_export_holds_the_application_and_the_project_wishes(as_role, db):
    """What the volunteer sent when applying (with the consent given) and the wishes recorded
    for the planner are data held about them too."""
    from aljisr.applications.models import (
        CONSENT_VERSION,
        Application,
        ApplicationProject,
        ApplicationStatus,
    )
    from aljisr.database import utcnow
    from aljisr.planner.models import ProjectWish

    client, _user = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Ana Wished")
    other = factories.volunteer(full_name="Someone Else")
    project = factories.project(title="Camp Alpha")
    application = Application(
        full_name="Ana Wished", email="ana@example.org", status=ApplicationStatus.ACCEPTED,
        consent_version=CONSENT_VERSION, consent_at=utcnow(), confirmed_at=utcnow(),
        motivation="Je veux enseigner", languages={}, skills=[], interests=[],
        volunteer_id=volunteer.id)
    db.session.add(application)
    db.session.flush()
    db.session.add(ApplicationProject(application_id=application.id, rank=1,
                                      project_id=project.id))
    db.session.add_all([
        ProjectWish(volunteer_id=volunteer.id, project_id=project.id, rank=2),
        ProjectWish(volunteer_id=volunteer.id, project_id=project.id, rank=1,
                    by_sending_organisation=True),
        ProjectWish(volunteer_id=other.id, project_id=project.id, rank=1),
    ])
    db.session.commit()

    data = client.get(f"/volunteers/{volunteer.id}/data.json").get_json()
    [sent] = data["applications"]
    assert (sent["status"], sent["motivation"], sent["consent_version"]) == (
        "accepted", "Je veux enseigner", CONSENT_VERSION)
    assert sent["chosen_projects"] == [project.id]
    assert data["project_wishes"] == [
        {"project_id": project.id, "rank": 2, "by": "volunteer"},
        {"project_id": project.id, "rank": 1, "by": "sending_organisation"},
    ]
    assert client.get(f"/volunteers/{other.id}/data.json").get_json()["applications"] == []
