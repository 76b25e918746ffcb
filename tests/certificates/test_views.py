"""Certificate pages: list, issue, re-issue, revoke, batch ZIP, the scoped download, and the
sections on the volunteer and placement pages."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import render_template_string
from flask_login import login_user

from aljisr.certificates import downloads, queries, services
from aljisr.certificates.models import Certificate, CertificateStatus
from aljisr.organisations.models import OrganisationKind
from aljisr.placements.models import PlacementStatus
from tests.support import factories
from tests.support.certificates import ISSUED, completed_placement, pdf_text
from tests.support.clients import login_client


def _issue(placement, actor, **kw):
    kw.setdefault("today", ISSUED)
    return services.issue_certificate(placement, actor=actor, **kw)


def _field_error(html: str, field: str) -> str:
    """The text of the error shown beside ``field`` (render_field's ``<id>-error`` block)."""
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["volunteer", "sending", "host"])
def test_staff_pages_are_forbidden_to_others(as_role, db, role):
    client, _user = as_role(role)
    placement = completed_placement()
    db.session.commit()
    for url in ("/certificates/", f"/certificates/issue/{placement.id}",
                f"/certificates/batch/{placement.project_id}"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_the_batch_page_is_linked_from_the_project_and_the_filtered_list(as_role, db, role):
    """The project certificates ZIP page is reached from the project's page (once it has a
    completed placement: certificates are issued to those) and from the list filtered by
    that project."""
    client, user = as_role(role)
    placement = completed_placement()
    other = factories.project()  # nothing completed: no link
    db.session.commit()
    batch = f'href="/certificates/batch/{placement.project_id}"'
    assert batch in client.get(f"/projects/{placement.project_id}").get_data(as_text=True)
    assert "/certificates/batch/" not in client.get(f"/projects/{other.id}").get_data(
        as_text=True)
    assert "project-batch" not in client.get("/certificates/").get_data(as_text=True)
    _issue(placement, user)
    db.session.commit()
    html = client.get(f"/certificates/?project={placement.project_id}").get_data(as_text=True)
    assert 'id="project-batch"' in html and batch in html


@pytest.mark.parametrize("role", ["volunteer", "sending", "host"])
def test_no_link_to_the_batch_page_for_others(as_role, db, role):
    """Roles without the certificates permission see neither the project page nor the list,
    so no link; their own pages (home) name no batch page either."""
    client, _user = as_role(role)
    placement = completed_placement()
    db.session.commit()
    for url in (f"/projects/{placement.project_id}",
                f"/certificates/?project={placement.project_id}"):
        assert client.get(url).status_code == 403, url
    assert "/certificates/batch/" not in client.get("/home").get_data(as_text=True)


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get("/certificates/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- list -------------------------------------------------------------------------------------


def test_list_filters_and_searches(as_role, db):
    client, coordinator = as_role("coordinator")
    olga = _issue(completed_placement(factories.volunteer(full_name="Ольга Петренко")),
                  coordinator, language="fr")
    ines = _issue(completed_placement(factories.volunteer(full_name="Inès Benali")),
                  coordinator, language="ar")
    services.revoke_certificate(ines, "mistake", actor=coordinator)
    db.session.commit()

    page = client.get("/certificates/").get_data(as_text=True)
    assert olga.serial in page and ines.serial in page and "Ольга Петренко" in page

    def serials(query):
        html = client.get(f"/certificates/?{query}").get_data(as_text=True)
        return {s for s in (olga.serial, ines.serial) if s in html}

    assert serials("status=revoked") == {ines.serial}
    assert serials("language=fr") == {olga.serial}
    assert serials(f"project={olga.placement.project_id}") == {olga.serial}
    assert serials("q=ines") == {ines.serial}  # accents and case folded
    assert serials("q=ОЛЬГА") == {olga.serial}
    assert serials(f"q={olga.serial.lower()}") == {olga.serial}
    assert serials("status=nonsense") == {olga.serial, ines.serial}  # bad filter ignored
    assert client.get("/certificates/?page=abc&project=x").status_code == 200


def test_list_offers_a_batch_for_projects_with_uncertified_placements(as_role, db):
    client, coordinator = as_role("coordinator")
    placement = completed_placement()
    db.session.commit()
    html = client.get("/certificates/").get_data(as_text=True)
    assert f"/certificates/batch/{placement.project_id}" in html


# --- issue ------------------------------------------------------------------------------------


def test_issue_form_then_certificate(as_role, db):
    client, coordinator = as_role("coordinator")
    placement = completed_placement(factories.volunteer(full_name="Zoë Martin"))
    db.session.commit()

    form = client.get(f"/certificates/issue/{placement.id}")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "Zoë Martin" in html and 'id="approved-hours">7.5<' in html

    response = client.post(
        f"/certificates/issue/{placement.id}",
        data={"kind": "hours", "language": "fr", "contribution": "Smith & Partners <UK>"},
    )
    assert response.status_code == 302
    cert = db.session.scalars(sa.select(Certificate)).one()
    assert response.headers["Location"].endswith(f"/certificates/{cert.id}")
    assert cert.language == "fr" and cert.snapshot["contribution"] == "Smith & Partners <UK>"
    assert cert.issued_by_id == coordinator.id
    detail = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert cert.serial in detail and "Smith &amp; Partners &lt;UK&gt;" in detail


def test_the_issue_page_of_an_unfinished_placement_says_so_instead_of_a_form(as_role, db):
    client, _ = as_role("coordinator")
    placement = factories.placement(status=PlacementStatus.ACTIVE)
    db.session.commit()
    html = client.get(f"/certificates/issue/{placement.id}").get_data(as_text=True)
    notice = re.search(r'id="not-completed">(.*?)</p>', html, re.S).group(1)
    assert "A certificate can be issued once the placement is completed." in notice
    assert f'href="/placements/{placement.id}"' in notice
    assert 'type="submit"' not in html.split('id="not-completed"')[1].split("</main>")[0]


def test_issue_errors_sit_beside_the_field_and_keep_what_was_typed(as_role, db):
    client, _ = as_role("coordinator")
    placement = completed_placement(hours=())
    db.session.commit()
    response = client.post(
        f"/certificates/issue/{placement.id}",
        data={"kind": "hours", "language": "ar", "contribution": "taught French"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "No approved hours to certify." in _field_error(html, "kind")
    assert "taught French" in html and '<option selected value="ar">' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_issuing_for_a_placement_not_completed_says_why(as_role, db):
    client, _ = as_role("coordinator")
    placement = completed_placement()
    placement.status = PlacementStatus.ACTIVE
    db.session.commit()
    response = client.post(f"/certificates/issue/{placement.id}",
                           data={"kind": "participation", "language": "en"})
    assert response.status_code == 422
    assert ("A certificate can be issued once the placement is completed."
            in response.get_data(as_text=True))
    assert db.session.scalars(sa.select(Certificate)).all() == []


def test_a_placement_with_a_certificate_says_so_once_beside_the_issue_button(as_role, db):
    client, coordinator = as_role("coordinator")
    placement = completed_placement()
    existing = _issue(placement, coordinator)
    db.session.commit()
    url = f"/certificates/issue/{placement.id}"
    # The page as loaded, and a form posted from a page loaded before the first issue.
    for response in (client.get(url),
                     client.post(url, data={"kind": "hours", "language": "fr"})):
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert html.count("already has a valid certificate") == 1, html
        # beside the action: the disabled issue button, the re-issue link, then the reason
        assert re.search(
            r'<input (?=[^>]*\bdisabled\b)(?=[^>]*aria-describedby="existing-certificate")'
            r'[^>]*type="submit"[^>]*>\s*'
            rf'<a [^>]*href="/certificates/{existing.id}/reissue"[^>]*>[^<]+</a>\s*'
            r'<p [^>]*id="existing-certificate"[^>]*>[^<]*already has a valid certificate',
            html), html
        assert existing.serial in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_unknown_ids_are_404(as_role, db):
    client, _ = as_role("coordinator")
    for url in ("/certificates/999", "/certificates/issue/999", "/certificates/999/reissue",
                "/certificates/999/revoke", "/certificates/batch/999",
                "/certificates/999/download"):
        assert client.get(url).status_code == 404, url


# --- re-issue and revoke ----------------------------------------------------------------------


def test_reissue_from_the_page(as_role, db):
    client, coordinator = as_role("coordinator")
    old = _issue(completed_placement(), coordinator, contribution="painting")
    db.session.commit()
    form = client.get(f"/certificates/{old.id}/reissue").get_data(as_text=True)
    assert "painting" in form  # the old options are offered again
    response = client.post(f"/certificates/{old.id}/reissue",
                           data={"kind": "hours", "language": "ar", "bilingual": "y",
                                 "contribution": "painting"})
    assert response.status_code == 302
    db.session.refresh(old)
    assert old.status is CertificateStatus.SUPERSEDED
    new = old.superseded_by
    assert new.status is CertificateStatus.VALID and new.snapshot["bilingual"] is True
    assert response.headers["Location"].endswith(f"/certificates/{new.id}")
    # a superseded certificate cannot be re-issued again
    again = client.post(f"/certificates/{old.id}/reissue",
                        data={"kind": "hours", "language": "en"})
    assert again.status_code == 422 and "Only a valid certificate" in again.get_data(as_text=True)


def test_revoke_needs_a_reason_beside_the_field(as_role, db):
    client, coordinator = as_role("coordinator")
    cert = _issue(completed_placement(), coordinator)
    db.session.commit()
    response = client.post(f"/certificates/{cert.id}/revoke", data={"reason": "   "})
    assert response.status_code == 422
    assert "Give the reason" in _field_error(response.get_data(as_text=True), "reason")
    db.session.refresh(cert)
    assert cert.status is CertificateStatus.VALID

    response = client.post(f"/certificates/{cert.id}/revoke", data={"reason": "Wrong person"})
    assert response.status_code == 302
    db.session.refresh(cert)
    assert cert.status is CertificateStatus.REVOKED and cert.revoked_reason == "Wrong person"


# --- batch ------------------------------------------------------------------------------------


def test_batch_issues_and_downloads_a_zip(as_role, db):
    client, coordinator = as_role("coordinator")
    first = completed_placement(factories.volunteer(full_name="Ольга Петренко"))
    project = first.project
    second = completed_placement(factories.volunteer(full_name="Inès Benali"), project=project)
    earlier = _issue(second, coordinator)
    skipped = completed_placement(factories.volunteer(full_name="No Hours"), project=project,
                                  hours=())
    db.session.commit()

    page = client.get(f"/certificates/batch/{project.id}").get_data(as_text=True)
    assert "Ольга Петренко" in page and "No Hours" in page and "Inès Benali" not in page

    response = client.post(f"/certificates/batch/{project.id}",
                           data={"kind": "hours", "language": "fr"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["X-Certificates-Issued"] == "1"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert all(archive.read(n).startswith(b"%PDF") for n in names)
    new = db.session.scalar(sa.select(Certificate).where(Certificate.placement_id == first.id))
    assert sorted(names) == sorted(
        [downloads.certificate_filename(new), downloads.certificate_filename(earlier)]
    )
    assert queries.valid_certificate_for(skipped) is None


def test_batch_with_nothing_to_download_says_so(as_role, db):
    client, _ = as_role("coordinator")
    project = completed_placement(hours=()).project
    db.session.commit()
    response = client.post(f"/certificates/batch/{project.id}",
                           data={"kind": "hours", "language": "en"})
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "No certificate to download" in response.get_data(as_text=True)


# --- download ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Ольга Петренко", "فاطمة الزهراء بنعلي"])
def test_download_has_a_readable_non_ascii_file_name(as_role, db, name):
    client, coordinator = as_role("coordinator")
    cert = _issue(completed_placement(factories.volunteer(full_name=name)), coordinator)
    db.session.commit()
    response = client.get(f"/certificates/{cert.id}/download")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    expected = f"certificate_{cert.serial}_{name.replace(' ', '-')}.pdf"
    assert f"filename*=UTF-8''{quote(expected)}" in disposition
    assert f"filename=certificate_{cert.serial}.pdf;" in disposition  # the ASCII fallback
    # what a browser does with filename* (RFC 5987): percent-decode UTF-8
    from werkzeug.http import parse_options_header

    _value, options = parse_options_header(disposition)
    assert options["filename"] == expected


def test_download_is_scoped_to_holder_and_sending_partner(app, as_role, db):

    volunteer_client, volunteer_user = as_role("volunteer")
    own_volunteer = volunteer_user.volunteer
    sending_client, sending_user = as_role("sending")
    own_volunteer.sending_organisation = sending_user.organisation
    other_sender = factories.organisation(OrganisationKind.SENDING)
    staff = factories.user()
    mine = _issue(completed_placement(own_volunteer), staff)
    theirs = _issue(completed_placement(factories.volunteer(sender=other_sender)), staff)
    revoked = _issue(completed_placement(own_volunteer), staff)
    services.revoke_certificate(revoked, "wrong hours", actor=staff)
    host_client, _host = as_role("host")
    db.session.commit()
    staff_client = login_client(app, staff)

    def status(client, cert):
        return client.get(f"/certificates/{cert.id}/download").status_code

    assert status(staff_client, mine) == 200 and status(staff_client, revoked) == 200
    assert status(volunteer_client, mine) == 200
    assert status(volunteer_client, theirs) == 404
    assert status(volunteer_client, revoked) == 404
    assert status(sending_client, mine) == 200
    assert status(sending_client, theirs) == 404
    assert status(host_client, mine) == 404
    assert app.test_client().get(f"/certificates/{mine.id}/download").status_code == 302


def test_an_issued_certificate_is_unchanged_after_the_records_change(as_role, db):
    client, coordinator = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Ольга Петренко")
    placement = completed_placement(volunteer, hours=("6", "6"))
    cert = _issue(placement, coordinator)
    db.session.commit()
    before = client.get(f"/certificates/{cert.id}/download").data
    text = unicodedata.normalize("NFC", pdf_text(before))
    assert "Ольга Петренко" in text and "12" in text

    # the volunteer is renamed, more hours are approved, the project is retitled
    volunteer.full_name = "Olga Renamed"
    factories.hours(placement, date(2025, 9, 20), "7.5")
    placement.project.title = "A different title"
    db.session.commit()

    after = client.get(f"/certificates/{cert.id}/download").data
    assert after == before
    text = unicodedata.normalize("NFC", pdf_text(after))
    assert "Ольга Петренко" in text and "Olga Renamed" not in text
    assert "19.5" not in text and "A different title" not in text


# --- sections on other areas' pages -----------------------------------------------------------


def test_volunteer_page_lists_certificates_and_offers_to_issue(as_role, db):
    client, coordinator = as_role("coordinator")
    volunteer = factories.volunteer(full_name="Yasmine Haddad")
    certified = completed_placement(volunteer)
    cert = _issue(certified, coordinator)
    waiting = completed_placement(volunteer)
    db.session.commit()
    response = client.get(f"/volunteers/{volunteer.id}")
    if response.status_code == 404:
        pytest.skip("volunteers.detail is not built yet")
    html = response.get_data(as_text=True)
    assert 'id="volunteer-certificates"' in html and cert.serial in html
    assert f"/certificates/{cert.id}/download" in html
    assert f"/certificates/issue/{waiting.id}" in html
    assert f"/certificates/issue/{certified.id}" not in html


def _render_placement_partial(app, user, placement):
    """The certificates section of ``placement``'s page, as ``user`` sees it."""
    from aljisr.extensions import db

    db.session.commit()
    client = login_client(app, user)
    html = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    section = re.search(r'<section[^>]*id="placement-certificates".*?</section>', html, re.S)
    assert section, "no certificates section"
    return section.group(0)


def test_placement_partial_shows_certificates_and_issue_button(app, db):
    coordinator = factories.user()
    placement = completed_placement()
    html = _render_placement_partial(app, coordinator, placement)
    assert f"/certificates/issue/{placement.id}" in html

    cert = _issue(placement, coordinator)
    html = _render_placement_partial(app, coordinator, placement)
    assert cert.serial in html and f"/certificates/issue/{placement.id}" not in html
    assert f"/certificates/{cert.id}/reissue" in html and f"/certificates/{cert.id}/revoke" in html

    services.revoke_certificate(cert, "mistake", actor=coordinator)
    html = _render_placement_partial(app, coordinator, placement)
    assert f"/certificates/issue/{placement.id}" in html  # no valid one left

    active = factories.placement(status=PlacementStatus.ACTIVE)
    html = _render_placement_partial(app, coordinator, active)
    assert "/certificates/issue/" not in html and "once the placement is completed" in html


def test_placement_partial_is_empty_without_certificates_read(app, db):
    """The view reads no certificates (None) for a user who does not issue them."""
    placement = completed_placement()
    with app.test_request_context():
        login_user(factories.user_for_role("host"))
        html = render_template_string('{% include "certificates/_for_placement.html" %}',
                                      placement=placement, placement_certificates=None)
    assert html.strip() == ""


def test_issue_and_batch_pages_warn_about_hours_waiting_for_review(as_role, db):
    """An hours certificate counts approved hours only: hours still waiting for review are
    named before it is issued (the placement has 7.5 h approved and 5 h submitted)."""
    client, _ = as_role("coordinator")
    waiting = completed_placement(factories.volunteer(full_name="Ольга Петренко"))
    reviewed = completed_placement(factories.volunteer(full_name="Léa Fontaine"),
                                   project=waiting.project)
    db.session.execute(sa.text(
        "UPDATE hours_entries SET status = 'rejected', rejection_reason = 'x' "
        "WHERE placement_id = :id AND status = 'submitted'"), {"id": reviewed.id})  # reviewed
    db.session.commit()

    html = client.get(f"/certificates/issue/{waiting.id}").get_data(as_text=True)
    assert re.search(r'id="hours-waiting"[^>]*>\s*5(\.00)? h of this placement are still '
                     r'waiting for review', html)
    assert 'id="waiting-hours">5' in html
    html = client.get(f"/certificates/issue/{reviewed.id}").get_data(as_text=True)
    assert 'id="hours-waiting"' not in html and 'id="waiting-hours"' not in html

    html = client.get(f"/certificates/batch/{waiting.project_id}").get_data(as_text=True)
    assert "1 placement still has hours waiting for review" in html
    assert html.count('class="small text-warning-emphasis hours-waiting"') == 1


def test_detail_page_isolates_each_fact_and_uses_the_arabic_comma(as_role, db):
    client, user = as_role("coordinator")
    user.locale = "ar"
    coordinator = factories.user(display_name="Samira Alaoui")
    cert = services.issue_certificate(completed_placement(), actor=coordinator, today=ISSUED)
    db.session.commit()
    html = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    site = cert.snapshot["site_name"]
    assert f"<bdi>{site}</bdi>، <bdi>Tiznit</bdi>" in html
    assert "<bdi>Samira Alaoui</bdi>، <bdi>" in html
