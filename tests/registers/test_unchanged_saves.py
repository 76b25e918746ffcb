"""Saving a record's form without changing anything records no change in the audit log: the
form's "" for an empty field, extra spaces or invisible marks, and the same languages in
another order are what is already stored."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.organisations.models import Organisation
from aljisr.projects.models import Project
from aljisr.sites.models import Site
from tests.support import factories
from tests.support.forms import form_data, org_data, project_data, site_data


def _changes(db, action):
    return [details["changed"] for details in db.session.scalars(
        sa.select(AuditEvent.details).where(AuditEvent.action == action).order_by(AuditEvent.id)
    )]


def test_saving_a_site_unchanged_records_nothing(as_role, db):
    client, _user = as_role("coordinator")
    client.post("/sites/new", data=site_data(city="", region="", name_fr=" ", name_ar="\u200f"))
    site = db.session.scalar(sa.select(Site))
    assert (site.city, site.name_fr, site.name_ar) == (None, None, None)
    response = client.post(f"/sites/{site.id}/edit",
                           data=site_data(city="", region="", name="  Anwal   primary school "))
    assert response.status_code == 302
    assert _changes(db, "site.update") == []


def test_saving_a_project_with_its_languages_in_another_order_records_nothing(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site()
    db.session.commit()
    client.post("/projects/new", data=project_data(site.id, required_languages=["fr", "ar"]))
    project = db.session.scalar(sa.select(Project))
    project.required_languages = ["fr", "ar"]  # as the demo data stores them
    db.session.commit()
    data = project_data(site.id, required_languages=["ar", "fr"])
    assert client.post(f"/projects/{project.id}/edit", data=data).status_code == 302
    assert _changes(db, "project.update") == []
    assert client.post(f"/projects/{project.id}/edit",
                       data={**data, "required_languages": ["ar"]}).status_code == 302
    assert _changes(db, "project.update") == [["required_languages"]]


def test_saving_an_organisation_unchanged_records_nothing(as_role, db):
    client, _user = as_role("coordinator")
    data = org_data(city="", address="", website="", notes="")
    client.post("/organisations/new", data=data)
    organisation = db.session.scalar(sa.select(Organisation))
    assert organisation.city is None
    response = client.post(f"/organisations/{organisation.id}/edit",
                           data={**data, "name": f"  {data['name']}  "})
    assert response.status_code == 302
    assert _changes(db, "organisation.update") == []


def test_a_first_save_of_a_record_made_elsewhere_records_no_empty_fields(as_role, db):
    """Demo or imported records hold None where the form sends "": no change either."""
    client, _user = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Léa Fontaine", email="lea@example.org",
                                    phone=None, health_notes=None, notes=None)
    db.session.commit()
    html = client.get(f"/volunteers/{volunteer.id}/edit").get_data(as_text=True)
    assert 'name="phone"' in html
    data = form_data(full_name="Léa Fontaine", email="lea@example.org", phone="",
                     health_notes="", notes="", dietary_notes="")
    client.post(f"/volunteers/{volunteer.id}/edit", data=data)
    changed = _changes(db, "volunteer.update")
    assert all(not {"phone", "health_notes", "notes"} & set(c) for c in changed)


def test_an_unchanged_save_says_nothing_was_changed(as_role, db):
    client, _user = as_role("coordinator")
    client.post("/sites/new", data=site_data())
    site = db.session.scalar(sa.select(Site))
    page = client.post(f"/sites/{site.id}/edit", data=site_data(), follow_redirects=True)
    assert "Nothing was changed." in page.get_data(as_text=True)
    page = client.post(f"/sites/{site.id}/edit", data=site_data(city="Tiznit"),
                       follow_redirects=True)
    assert "Changes saved." in page.get_data(as_text=True)
