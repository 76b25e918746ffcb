"""The pre-arrival infosheet (issue 14, item 5): a PDF per placement in the volunteer's
language, built from the logistics of the site and project, attached to the confirmation
e-mail, downloadable from the portal and by the host while the placement is live."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from aljisr.notifications import worker
from aljisr.notifications.models import OutboxMessage
from aljisr.permissions import Role
from aljisr.placements import services as placements
from aljisr.placements.models import PlacementStatus
from aljisr.sites.models import Site
from tests.support import factories
from tests.support.clients import login_client
from tests.support.pdf import pdftotext


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_volunteer_downloads_it_in_their_language(app, db, world):
    client = login_client(app, world.volunteer_user)
    page = client.get(f"/me/placements/{world.placement.id}").get_data(as_text=True)
    assert f"/me/placements/{world.placement.id}/infosheet.pdf" in page
    response = client.get(f"/me/placements/{world.placement.id}/infosheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _flat(pdftotext(response.get_data()))
    # Arabic (the volunteer's interface), site name in Arabic
    assert "قبل وصولك" in text and "مدرسة الأمل" in text
    assert "مدونة السلوك للعمل في المدارس" in text  # a primary school: the code of conduct
    # (poppler reads brackets of a left-to-right value on a right-to-left page mirrored)
    assert "Tangier Ibn Battouta airport" in text
    assert "19" in text and "177" in text and "112" in text


def test_english_sheet_prints_the_logistics_of_the_site_and_project(app, db, world):
    client = login_client(app, world.coordinator)
    response = client.get(f"/arrivals/placements/{world.placement.id}/infosheet.pdf"
                          "?language=en")
    assert response.status_code == 200
    text = _flat(pdftotext(response.get_data()))
    for expected in (
        "Before you arrive", "Amal Haddad", "Reading club", "12 rue des Orangers, Tétouan",
        "35.57845, -5.36837", "openstreetmap.org/?mlat=35.578450",
        "Café Central, Place Moulay El Mehdi, at 9:00", "Tangier Ibn Battouta airport (TNG)",
        "Monday to Friday", "9:00 to 12:30", "• Modest clothes", "• A water bottle",
        "Host family in the medina", "Meals with the family",
        "Nadia Bennani, +212 6 61 00 00 01", "Samira Alaoui", "coord@example.org",
        "Police (in towns) 19", "Royal Gendarmerie (outside towns) 177",
        "Saniat Rmel hospital", "Code of conduct for working in schools",
        "Never be alone with a child",
    ):
        assert expected in text, expected
    # not given yet: the sheet says where to record it
    assert "record your arrival and departure in your portal" in text


def test_a_site_code_of_conduct_replaces_the_standard_one(app, db, world):
    world.site.code_of_conduct = "No phones in class.\nGreet the head teacher each morning."
    db.session.commit()
    client = login_client(app, world.coordinator)
    text = _flat(pdftotext(client.get(
        f"/arrivals/placements/{world.placement.id}/infosheet.pdf?language=fr").get_data()))
    assert "Avant votre arrivée" in text and "• No phones in class." in text
    assert "Ne restez jamais seul" not in text
    assert "Police (en ville) 19" in text


def test_the_confirmation_carries_the_sheet_to_the_volunteer_only(app, db, world, smtp):
    world.placement.status = PlacementStatus.PROPOSED
    db.session.commit()
    placements.transition(world.placement, PlacementStatus.CONFIRMED, actor=world.coordinator)
    db.session.commit()
    worker.run(once=True)
    [message] = smtp.inbox.to("amal@example.org")
    assert message["Content-Language"] == "ar"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().endswith(".pdf")
    text = _flat(pdftotext(attachment.get_content()))
    assert "قبل وصولك" in text and "Amal Haddad" in text
    body = message.get_body(("plain",)).get_content()
    assert "ورقة المعلومات قبل الوصول مرفقة" in body
    for other in ("contact@erasmus-lyon.example", "head@alamal.example"):
        [copy] = smtp.inbox.to(other)
        assert not list(copy.iter_attachments())


def test_the_host_downloads_it_while_the_placement_is_live(app, db, world):
    host = login_client(app, world.host_contact)
    url = f"/partner/placements/{world.placement.id}/infosheet.pdf"
    response = host.get(url)
    assert response.status_code == 200
    assert "قبل وصولك" in _flat(pdftotext(response.get_data()))  # the volunteer's language
    other = login_client(app, factories.user(
        Role.PARTNER, organisation=factories.organisation(world.other_site.organisation.kind)))
    assert other.get(url).status_code == 404
    world.placement.end_date = world.placement.start_date
    world.placement.start_date = world.placement.start_date - timedelta(days=60)
    world.placement.end_date = world.placement.start_date + timedelta(days=1)
    db.session.commit()  # ended: out of the host's sight
    assert host.get(url).status_code == 404


def test_coordinators_keep_the_logistics_on_site_and_project_forms(app, db, world):
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    data = {"name": "Al Amal School", "kind": "primary_school", "latitude": "35.5",
            "longitude": "-5.4", "meeting_point": "Bus stop",
            "transport_points": "Tetouan airport (TTU)\n\nTangier airport (TNG)",
            "accommodation": "Flat", "food": "Canteen", "host_contact": "Nadia",
            "local_emergency": "Hospital", "code_of_conduct": "Be kind"}
    done = client.post(f"/sites/{world.site.id}/edit", data=data)
    assert done.status_code == 302
    site = db.session.get(Site, world.site.id)
    db.session.refresh(site)
    assert site.latitude == Decimal("35.5") and site.meeting_point == "Bus stop"
    assert site.transport_point_list == ["Tetouan airport (TTU)", "Tangier airport (TNG)"]
    detail = client.get(f"/sites/{world.site.id}").get_data(as_text=True)
    assert "openstreetmap.org/?mlat=35.500000&amp;mlon=-5.400000" in detail
    refused = client.post(f"/sites/{world.site.id}/edit", data={**data, "latitude": "95"})
    assert refused.status_code == 422 and 'value="95"' in refused.get_data(as_text=True)

    project_form = client.get(f"/projects/{world.project.id}/edit").get_data(as_text=True)
    assert 'name="working_hours"' in project_form and 'name="what_to_bring"' in project_form
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_its_ascii_file_name_keeps_its_first_word(app, db, world):
    """Tester t14: in Arabic, ``filename=`` was ``-_Yasmine-Haddad_<date>.pdf``."""
    from aljisr.arrivals.infosheet import ascii_filename

    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    first = world.placement.start_date.isoformat()
    url = f"/arrivals/placements/{world.placement.id}/infosheet.pdf?language=ar"
    world.volunteer.full_name = "Yasmine Haddad"
    db.session.commit()
    header = client.get(url).headers["Content-Disposition"]
    assert f"filename=infosheet_Yasmine-Haddad_{first}.pdf" in header
    assert "filename*=UTF-8''" in header and "%D8" in header  # the Arabic first word
    world.volunteer.full_name = "ياسمين حداد"
    db.session.commit()
    header = client.get(url).headers["Content-Disposition"]
    assert f"filename=infosheet_{world.placement.id}_{first}.pdf" in header
    world.volunteer.full_name = "Zoé  Müller"
    assert ascii_filename(world.placement) == f"infosheet_Zoe-Muller_{first}.pdf"
