"""Organisations and sites registers: create, edit, archive, validation beside fields, detail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.models import PlacementStatus
from aljisr.sites.models import Site, SiteKind
from tests.support import factories
from tests.support.forms import org_data, site_data


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def actions(db, table):
    return list(db.session.scalars(sa.select(AuditEvent.action)
                                   .where(AuditEvent.subject_type == table)
                                   .order_by(AuditEvent.id)))


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


def test_create_organisation_normalises_contact_details(as_role, db):
    client, user = as_role("coordinator")
    response = client.post("/organisations/new", data=org_data())
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organisation))
    assert org.kind is OrganisationKind.SENDING and org.country == "DE"
    assert org.phone == "+49 341 1234567"  # read with the organisation's country
    assert org.email == "info@bruecke.example"
    assert org.website == "https://bruecke.example/de"
    assert actions(db, "organisations") == ["organisation.create"]


def test_an_organisation_of_the_same_name_is_shown_and_needs_a_confirmation(as_role, db):
    """A name equal to a registered one (case, accents and spaces aside: Back then Save on
    the form, docs/architecture.md §6.13) stops the save with the other organisation named
    and linked; ticking "Save anyway" saves it. A name that only starts the same does not."""
    client, _user = as_role("coordinator")
    first = factories.organisation(OrganisationKind.SENDING, name="École Anoual", city="Tiznit")
    factories.organisation(OrganisationKind.HOST, name="Anoual", city="Tiznit")
    db.session.commit()
    response = client.post("/organisations/new", data=org_data(name="  ecole   ANOUAL "))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="same-name"' in html and f'href="/organisations/{first.id}"' in html
    assert "An organisation with this name is already registered." in html
    assert 'value="  ecole   ANOUAL "' in html or 'value="ecole ANOUAL"' in html
    assert count(db, Organisation) == 2
    response = client.post("/organisations/new",
                           data=org_data(name="ecole ANOUAL", confirm_same_name="y"))
    assert response.status_code == 302 and count(db, Organisation) == 3
    # "Anoual" (with the city Tiznit, whose search key is "anoual tiznit") is no match for
    # "Anoual Tiznit", nor "École Anoual" for "École Anoual de Tiznit"
    for name in ("Anoual Tiznit", "École Anoual de Tiznit"):
        assert client.post("/organisations/new", data=org_data(name=name)).status_code == 302


def test_renaming_to_the_name_of_another_organisation_needs_a_confirmation(as_role, db):
    client, _user = as_role("coordinator")
    factories.organisation(OrganisationKind.SENDING, name="Passerelles")
    org = factories.organisation(OrganisationKind.SENDING, name="Bridges", country="FR")
    db.session.commit()
    data = org_data(name="PASSERELLES", country="FR", phone="")
    response = client.post(f"/organisations/{org.id}/edit", data=data)
    assert response.status_code == 422 and 'id="same-name"' in response.get_data(as_text=True)
    assert client.post(f"/organisations/{org.id}/edit",
                       data={**data, "confirm_same_name": "y"}).status_code == 302
    # its name already shared, other changes need no new confirmation
    assert client.post(f"/organisations/{org.id}/edit",
                       data={**data, "city": "Lyon"}).status_code == 302
    db.session.refresh(org)
    assert org.name == "PASSERELLES" and org.city == "Lyon"


def test_new_organisation_form_offers_countries_in_the_interface_language(as_role, db):
    client, user = as_role("coordinator")
    user.locale = "fr"
    db.session.commit()
    html = client.get("/organisations/new").get_data(as_text=True)
    assert '<option value="DE">Allemagne</option>' in html
    assert '<option value="MA">Maroc</option>' in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"kind": "bank"}, "kind", "Not a valid choice."),
        ({"country": "ZZ"}, "country", "Not a valid choice."),
        ({"email": "info@"}, "email", "Invalid email address."),
        ({"phone": "+49 1"}, "phone", "phone number"),
        ({"website": "not a website"}, "website", "web address"),
        ({"website": "ftp://files.example.org"}, "website", "web address"),
    ],
)
def test_bad_organisation_input_beside_field_nothing_saved(as_role, db, overrides, field,
                                                          message):
    client, _user = as_role("coordinator")
    data = org_data(**overrides)
    response = client.post("/organisations/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html.split(f'id="{field}-error"', 1)[1][:300]
    assert 'value="Jörg Weiß"' in html  # typed values kept
    if field in ("phone", "website", "email"):
        assert f'value="{data[field]}"' in html
    assert count(db, Organisation) == 0
    assert actions(db, "organisations") == []


def test_edit_organisation_and_kind_locked_while_in_use(as_role, db):
    client, _user = as_role("coordinator")
    org = factories.organisation(OrganisationKind.SENDING, name="Passerelles", country="FR")
    db.session.commit()
    response = client.post(f"/organisations/{org.id}/edit",
                           data=org_data(name="Passerelles Solidaires", country="FR",
                                         phone="+33 4 72 00 00 00"))
    assert response.status_code == 302
    assert org.name == "Passerelles Solidaires"
    factories.volunteer(org)
    db.session.commit()
    response = client.post(f"/organisations/{org.id}/edit",
                           data=org_data(name="Passerelles", kind="host", phone=""))
    assert response.status_code == 422
    assert "must stay a sending organisation" in response.get_data(as_text=True).split(
        'id="kind-error"', 1)[1][:300]
    db.session.refresh(org)
    assert org.kind is OrganisationKind.SENDING and org.name == "Passerelles Solidaires"
    assert actions(db, "organisations") == ["organisation.update"]


def test_organisation_detail_lists_sites_and_volunteers_sent(as_role, db):
    client, _user = as_role("coordinator")
    host = factories.organisation(OrganisationKind.HOST, name="Maggamane Association")
    sender = factories.organisation(OrganisationKind.SENDING, name="Dnipro Youth Exchange")
    site = factories.site(host, name="Maggamane centre")
    volunteers = [factories.volunteer(sender, full_name=n) for n in ("Ольга", "Дмитро")]
    db.session.commit()
    html = client.get(f"/organisations/{host.id}").get_data(as_text=True)
    assert f'href="/sites/{site.id}"' in html and "Maggamane centre" in html
    html = client.get(f"/organisations/{sender.id}").get_data(as_text=True)
    for v in volunteers:
        assert f'href="/volunteers/{v.id}"' in html
    section = html.split('id="volunteers-sent"', 1)[1]
    assert '<span class="badge text-bg-light border">2</span>' in section[:400]


def test_organisation_list_counts_are_links(as_role, db):
    client, _user = as_role("coordinator")
    sender = factories.organisation(OrganisationKind.SENDING, name="Sender")
    factories.volunteer(sender)
    factories.volunteer(sender)
    db.session.commit()
    html = client.get("/organisations/").get_data(as_text=True)
    assert f'href="/volunteers/?sending_organisation={sender.id}">2</a>' in html


def test_archive_and_restore_organisation(as_role, db):
    client, _user = as_role("coordinator")
    org = factories.organisation(name="Old partner")
    db.session.commit()
    assert client.post(f"/organisations/{org.id}/archive").status_code == 302
    assert org.archived_at is not None
    assert "Archived on" in client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert client.post(f"/organisations/{org.id}/unarchive").status_code == 302
    assert org.archived_at is None
    assert actions(db, "organisations") == ["organisation.archive", "organisation.unarchive"]
    assert client.get("/organisations/99999").status_code == 404


# --------------------------------------------------------------------------------------------
# Sites
# --------------------------------------------------------------------------------------------


def test_create_site_with_host_organisation(as_role, db):
    client, _user = as_role("coordinator")
    host = factories.organisation(OrganisationKind.HOST, name="Anwal Parents")
    factories.organisation(OrganisationKind.SENDING, name="Not a host")
    db.session.commit()
    html = client.get("/sites/new").get_data(as_text=True)
    assert "Anwal Parents" in html and "Not a host" not in html
    response = client.post("/sites/new", data=site_data(organisation_id=str(host.id)))
    assert response.status_code == 302
    site = db.session.scalar(sa.select(Site))
    assert site.organisation_id == host.id and site.kind is SiteKind.PRIMARY_SCHOOL
    assert site.region == "Tanger-Tétouan-Al Hoceïma"
    assert actions(db, "sites") == ["site.create"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": " "}, "name", "This field is required."),
        ({"kind": "castle"}, "kind", "Not a valid choice."),
        ({"organisation_id": "abc"}, "organisation_id", "could not coerce"),
        ({"city": "x" * 200}, "city", "120"),
    ],
)
def test_bad_site_input_beside_field_nothing_saved(as_role, db, overrides, field, message):
    client, _user = as_role("coordinator")
    response = client.post("/sites/new", data=site_data(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html.split(f'id="{field}-error"', 1)[1][:300]
    assert "Tanger-Tétouan-Al Hoceïma" in html
    assert count(db, Site) == 0


def test_site_host_must_be_a_host_organisation(db, app):
    from aljisr.errors import DomainError
    from aljisr.sites.services import create_site

    sender = factories.organisation(OrganisationKind.SENDING)
    with pytest.raises(DomainError) as caught:
        create_site({"name": "X", "kind": SiteKind.OTHER, "organisation_id": sender.id},
                    actor=None)
    assert caught.value.field == "organisation_id"


def test_site_detail_lists_its_projects_and_edit_archive(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site(name="Attawhid school")
    project = factories.project(site, title="Renovation of the Attawhid school")
    db.session.commit()
    html = client.get(f"/sites/{site.id}").get_data(as_text=True)
    assert f'href="/projects/{project.id}"' in html
    response = client.post(f"/sites/{site.id}/edit", data=site_data(name="Attawhid school",
                                                                    kind="school"))
    assert response.status_code == 302
    assert site.kind is SiteKind.SCHOOL
    assert client.post(f"/sites/{site.id}/archive").status_code == 302
    assert site.archived_at is not None
    assert client.get(f"/sites/{site.id}").status_code == 200
    assert actions(db, "sites") == ["site.update", "site.archive"]


def test_a_site_with_ongoing_placements_cannot_be_archived(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site()
    first, second = factories.project(site), factories.project(site)
    factories.placement(project_=first, status=PlacementStatus.ACTIVE)
    factories.placement(project_=second, status=PlacementStatus.PROPOSED)
    factories.placement(project_=second, status=PlacementStatus.COMPLETED)
    db.session.commit()
    html = client.post(f"/sites/{site.id}/archive", follow_redirects=True).get_data(as_text=True)
    assert ("Projects at this site have 2 placements still proposed, confirmed or active: "
            "complete, withdraw or cancel them first.") in html
    db.session.refresh(site)
    assert site.archived_at is None


@pytest.mark.parametrize("role_in_placement", ["sending", "host", "funder"])
def test_an_organisation_in_an_ongoing_placement_cannot_be_archived(as_role, db,
                                                                    role_in_placement):
    client, _user = as_role("coordinator")
    organisation = factories.organisation(kind=OrganisationKind(role_in_placement))
    if role_in_placement == "sending":
        placement = factories.placement(factories.volunteer(sender=organisation))
    elif role_in_placement == "host":
        placement = factories.placement(project_=factories.project(
            factories.site(organisation)))
    else:
        placement = factories.placement(project_=factories.project(funder=organisation))
    db.session.commit()
    html = client.post(f"/organisations/{organisation.id}/archive",
                       follow_redirects=True).get_data(as_text=True)
    assert ("This organisation takes part in 1 placement still proposed, confirmed or "
            "active: complete, withdraw or cancel it first.") in html
    db.session.refresh(organisation)
    assert organisation.archived_at is None
    placement.status = PlacementStatus.COMPLETED
    db.session.commit()
    assert client.post(f"/organisations/{organisation.id}/archive").status_code == 302
    db.session.refresh(organisation)
    assert organisation.archived_at is not None


def test_a_funder_is_called_a_funder_in_every_language(as_role, db):
    client, _user = as_role("coordinator")
    funder = factories.organisation(OrganisationKind.FUNDER, name="British Foundation")
    project = factories.project(funder=funder)
    db.session.commit()
    html = client.post(f"/organisations/{funder.id}/edit",
                       data=org_data(name="British Foundation", kind="host")).get_data(as_text=True)
    assert "It funds projects; it must stay a funder." in html.split('id="kind-error"', 1)[1][:300]
    html = client.get(f"/organisations/{funder.id}").get_data(as_text=True)
    assert "Projects funded" in html and "Funder" in html and "Partner" not in html
    client.post("/language", data={"language": "fr", "next": "/home"})
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Bailleur de fonds" in html and "Partenaire" not in html
    client.post("/language", data={"language": "ar", "next": "/home"})
    html = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert "جهة مموِّلة" in html and "شريك" not in html
