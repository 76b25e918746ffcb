"""Projects register: create, edit (dates and capacity against placements), phases, archive."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.organisations.models import OrganisationKind
from aljisr.placements.models import PlacementStatus
from aljisr.projects.models import Project, ProjectStatus, Theme
from tests.support import factories
from tests.support.forms import project_data


def count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Project))


def actions(db, project_id=None):
    stmt = sa.select(AuditEvent.action).where(AuditEvent.subject_type == "projects")
    if project_id:
        stmt = stmt.where(AuditEvent.subject_id == project_id)
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def error_beside(html, field):
    parts = html.split(f'id="{field}-error"', 1)
    assert len(parts) == 2, f"no error beside {field}"
    return parts[1][:400]


def test_create_project_with_sdgs_funder_and_phase(as_role, db):
    client, user = as_role("coordinator")
    site = factories.site(name="Anwal primary school")
    funder = factories.organisation(OrganisationKind.FUNDER, name="British Foundation")
    parent = factories.project(site, title="First step", phase_number=1)
    db.session.commit()
    html = client.get(f"/projects/new?site={site.id}").get_data(as_text=True)
    assert "British Foundation" in html and "4. Quality education" in html
    response = client.post("/projects/new", data=project_data(
        site.id, funder_id=str(funder.id), parent_id=str(parent.id), phase_number="2"))
    assert response.status_code == 302
    project = db.session.scalar(sa.select(Project).where(Project.id != parent.id))
    assert project.sdgs == [4, 6]
    assert project.funder_id == funder.id and project.parent_id == parent.id
    assert project.phase_number == 2 and project.theme is Theme.CONSTRUCTION
    assert project.required_skills == ["painting", "plumbing"]
    assert project.required_languages == ["fr", "ar"]
    assert (project.start_date, project.end_date, project.capacity) == (
        date(2026, 9, 1), date(2026, 9, 30), 5)
    assert actions(db, project.id) == ["project.create"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"end_date": "2026-08-31"}, "end_date", "cannot be before the first day"),
        ({"start_date": "2026-13-45"}, "start_date", "Not a valid date value."),
        ({"end_date": ""}, "end_date", "This field is required."),
        ({"capacity": "0"}, "capacity", "at least 1"),
        ({"capacity": "many"}, "capacity", "Not a valid integer value."),
        ({"capacity": "-3"}, "capacity", "at least 1"),
        # beyond PostgreSQL's integer (was a bare 400 there, stored on SQLite)
        ({"capacity": "99999999999"}, "capacity", "at most 10000"),
        ({"capacity": "10001"}, "capacity", "at most 10000"),
        ({"site_id": ""}, "site_id", "This field is required."),
        ({"theme": "sport"}, "theme", "Not a valid choice."),
        ({"status": "paused"}, "status", "Not a valid choice."),
        ({"sdgs": ["4", "18"]}, "sdgs", "not a valid choice"),
        ({"required_languages": ["xx"]}, "required_languages", "not a valid choice"),
        ({"phase_number": "0"}, "phase_number", "numbered from 1"),
        ({"min_stay_days": "31"}, "min_stay_days", "is longer than the project (30 days)"),
        ({"funder_id": "424242"}, "funder_id", "Not a valid choice."),
    ],
)
def test_bad_project_input_beside_field_values_kept_nothing_saved(as_role, db, overrides,
                                                                  field, message):
    client, _user = as_role("coordinator")
    site = factories.site()
    db.session.commit()
    data = project_data(site.id, **overrides)
    response = client.post("/projects/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in error_beside(html, field)
    assert "Painting classrooms and the courtyard wall." in html
    assert 'value="painting, plumbing"' in html
    if field in ("capacity", "start_date", "end_date"):
        assert f'value="{data[field]}"' in html
    assert count(db) == 0
    assert actions(db) == []


def test_an_edit_with_a_huge_capacity_is_refused_beside_the_field(as_role, db):
    client, _user = as_role("coordinator")
    project = factories.project(capacity=5)
    db.session.commit()
    response = client.post(f"/projects/{project.id}/edit",
                           data=project_data(project.site_id, capacity="99999999999"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "at most 10000" in error_beside(html, "capacity")
    assert 'value="99999999999"' in html
    db.session.expire_all()
    assert db.session.get(Project, project.id).capacity == 5


def test_the_funder_must_be_a_funder(db, app):
    from aljisr.errors import DomainError
    from aljisr.projects.services import create_project

    site = factories.site()
    sender = factories.organisation(OrganisationKind.SENDING)
    values = {"title": "X", "site_id": site.id, "funder_id": sender.id, "theme": Theme.SOCIAL,
              "status": ProjectStatus.DRAFT, "start_date": date(2026, 1, 1),
              "end_date": date(2026, 1, 2), "capacity": 1}
    with pytest.raises(DomainError) as caught:
        create_project(values, actor=None)
    assert caught.value.field == "funder_id"


def test_a_project_cannot_be_a_phase_of_its_own_phase(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site()
    parent = factories.project(site, title="Room, first step")
    child = factories.project(site, title="Room, second step", parent=parent, phase_number=2)
    db.session.commit()
    html = client.get(f"/projects/{parent.id}/edit").get_data(as_text=True)
    assert f'<option value="{parent.id}"' not in html  # not offered as its own parent
    response = client.post(f"/projects/{parent.id}/edit", data=project_data(
        site.id, title=parent.title, parent_id=str(child.id), start_date="2026-09-01",
        end_date="2026-12-31"))
    assert response.status_code == 422
    assert "phase of itself" in error_beside(response.get_data(as_text=True), "parent_id")
    db.session.refresh(parent)
    assert parent.parent_id is None


def test_changing_dates_is_refused_when_live_placements_would_fall_outside(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site()
    project = factories.project(site, start_date=date(2026, 9, 1), end_date=date(2026, 12, 31))
    factories.placement(project_=project, start_date=date(2026, 9, 1),
                        end_date=date(2026, 9, 30), status=PlacementStatus.CONFIRMED)
    factories.placement(project_=project, start_date=date(2026, 12, 1),
                        end_date=date(2026, 12, 31), status=PlacementStatus.CANCELLED)
    db.session.commit()
    url = f"/projects/{project.id}/edit"
    data = project_data(site.id, title=project.title, capacity="5")

    response = client.post(url, data={**data, "start_date": "2026-09-02",
                                      "end_date": "2026-12-31"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "would fall outside these dates" in error_beside(html, "start_date")
    assert 'value="2026-09-02"' in html
    db.session.refresh(project)
    assert project.start_date == date(2026, 9, 1)

    # the cancelled placement in December does not count: ending on 30 September is fine
    response = client.post(url, data={**data, "start_date": "2026-09-01",
                                      "end_date": "2026-09-30"})
    assert response.status_code == 302
    assert project.end_date == date(2026, 9, 30)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "project.update"))
    assert event.details["end_date"] == ["2026-12-31", "2026-09-30"]

    response = client.post(url, data={**data, "start_date": "2026-09-01",
                                      "end_date": "2026-09-29"})
    assert "would fall outside these dates" in error_beside(response.get_data(as_text=True),
                                                            "end_date")


def test_lowering_capacity_below_bookings_is_refused_beside_capacity(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site()
    project = factories.project(site, capacity=3, start_date=date(2026, 9, 1),
                                end_date=date(2026, 9, 30))
    for _i in range(2):
        factories.placement(project_=project, status=PlacementStatus.CONFIRMED)
    db.session.commit()
    data = project_data(site.id, title=project.title)
    response = client.post(f"/projects/{project.id}/edit", data={**data, "capacity": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "cannot be lower than 2" in error_beside(html, "capacity")
    assert 'value="1"' in html
    db.session.refresh(project)
    assert project.capacity == 3
    assert client.post(f"/projects/{project.id}/edit",
                       data={**data, "capacity": "2"}).status_code == 302
    assert project.capacity == 2


def test_project_detail_shows_site_funder_phases_and_sdgs(as_role, db):
    client, _user = as_role("coordinator")
    funder = factories.organisation(OrganisationKind.FUNDER, name="British Foundation")
    site = factories.site(name="Maggamane centre")
    first = factories.project(site, title="Multidisciplinary room, first step", phase_number=1,
                              funder=funder, required_skills=["masonry"],
                              required_languages=["fr"])
    first.sdgs = [4, 11]
    second = factories.project(site, title="Multidisciplinary room, second step",
                               parent=first, phase_number=2)
    db.session.commit()
    html = client.get(f"/projects/{first.id}").get_data(as_text=True)
    assert f'href="/sites/{site.id}"' in html
    assert f'href="/organisations/{funder.id}"' in html
    assert f'href="/projects/{second.id}"' in html
    assert "Quality education" in html and "Sustainable cities and communities" in html
    assert "masonry" in html and "French" in html
    html = client.get(f"/projects/{second.id}").get_data(as_text=True)
    assert "Phase 2 of" in html and f'href="/projects/{first.id}"' in html


def test_archive_and_restore_project(as_role, db):
    client, _user = as_role("coordinator")
    project = factories.project()
    db.session.commit()
    assert client.post(f"/projects/{project.id}/archive").status_code == 302
    assert project.archived_at is not None
    html = client.get("/projects/").get_data(as_text=True)
    assert f'href="/projects/{project.id}"' not in html
    html = client.get("/projects/?archived=archived").get_data(as_text=True)
    assert f'href="/projects/{project.id}"' in html
    assert client.post(f"/projects/{project.id}/unarchive").status_code == 302
    assert project.archived_at is None
    assert actions(db, project.id) == ["project.archive", "project.unarchive"]
    assert client.get("/projects/424242").status_code == 404


@pytest.mark.parametrize("status", [PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED,
                                    PlacementStatus.ACTIVE])
def test_a_project_with_an_ongoing_placement_cannot_be_archived(as_role, db, status):
    client, _user = as_role("coordinator")
    project = factories.project()
    factories.placement(project_=project, status=status)
    factories.placement(project_=project, status=PlacementStatus.CANCELLED)
    db.session.commit()
    response = client.post(f"/projects/{project.id}/archive", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("This project has 1 placement still proposed, confirmed or active: complete, "
            "withdraw or cancel it first.") in html
    db.session.refresh(project)
    assert project.archived_at is None
    assert actions(db, project.id) == []


def test_a_project_whose_placements_are_over_can_be_archived(as_role, db):
    client, _user = as_role("coordinator")
    project = factories.project()
    for status in (PlacementStatus.COMPLETED, PlacementStatus.WITHDRAWN,
                   PlacementStatus.CANCELLED):
        factories.placement(project_=project, status=status)
    db.session.commit()
    assert client.post(f"/projects/{project.id}/archive").status_code == 302
    assert project.archived_at is not None


def test_project_detail_shows_the_season_planner_rules(as_role, db):
    client, _user = as_role("coordinator")
    project = factories.project(factories.site(), title="Quota camp", min_age=18,
                                min_stay_days=7, max_per_nationality=3, gender_margin=1)
    plain = factories.project(factories.site(), title="Plain camp")
    db.session.commit()
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<dd class="col-sm-8" id="min-age">18</dd>' in html
    assert '<dd class="col-sm-8" id="min-stay">7</dd>' in html
    assert '<dd class="col-sm-8" id="max-per-nationality">3</dd>' in html
    assert '<dd class="col-sm-8" id="gender-margin">1</dd>' in html
    html = client.get(f"/projects/{plain.id}").get_data(as_text=True)
    assert '<dd class="col-sm-8" id="min-stay">The whole project</dd>' in html
