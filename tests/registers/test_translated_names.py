"""Project titles and site names in French and Arabic: saved from the forms, found by the
search, printed on certificates in their language, frozen in the snapshot, and shown to
volunteers and on the public pages in the reader's language."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.certificates import downloads, services
from aljisr.certificates.pdf import render_certificate
from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from aljisr.projects.models import Project, ProjectStatus
from aljisr.sites.models import Site
from tests.support import factories
from tests.support.certificates import END, ISSUED, START, completed_placement
from tests.support.forms import project_data, site_data
from tests.support.pdf import drawn_lines, pdftotext, visual_rtl

TITLE = "Renovations and decorations at Anwal primary school"
TITLE_FR = "Rénovations et décorations à l'école primaire Anwal"
TITLE_AR = "أشغال التجديد والتزيين بمدرسة أنوال الابتدائية"
SITE = "Anwal primary school"
SITE_FR = "École primaire Anwal"
SITE_AR = "مدرسة أنوال الابتدائية"


def _translated_placement():
    site = factories.site(name=SITE, name_fr=SITE_FR, name_ar=SITE_AR, city="Tiznit")
    project = factories.project(site, title=TITLE, title_fr=TITLE_FR, title_ar=TITLE_AR,
                                start_date=START, end_date=END, status=ProjectStatus.COMPLETED)
    return completed_placement(project=project)


def _text(pdf: bytes) -> str:
    return " ".join(pdftotext(pdf).split())


# --- the records ---------------------------------------------------------------------------


def test_a_title_falls_back_to_the_main_one_where_no_form_is_given(db):
    project = factories.project(title=TITLE, title_fr=TITLE_FR)
    site = factories.site(name=SITE, name_ar=SITE_AR)
    assert [project.title_in(code) for code in ("en", "fr", "ar")] == [TITLE, TITLE_FR, TITLE]
    assert [site.name_in(code) for code in ("en", "fr", "ar")] == [SITE, SITE, SITE_AR]
    project.title_fr = "   "  # blank is no French title
    assert project.title_fr is None and project.title_in("fr") == TITLE


def test_project_form_saves_the_french_and_arabic_titles(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site()
    db.session.commit()
    html = client.get("/projects/new").get_data(as_text=True)
    assert 'name="title_ar"' in html and 'dir="rtl"' in html
    response = client.post("/projects/new", data=project_data(
        site.id, title=TITLE, title_fr=f"  {TITLE_FR} ", title_ar=TITLE_AR))
    assert response.status_code == 302
    project = db.session.scalar(sa.select(Project))
    assert (project.title_fr, project.title_ar) == (TITLE_FR, TITLE_AR)
    detail = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert TITLE_FR.replace("'", "&#39;") in detail and TITLE_AR in detail

    # saving the form unchanged records no change (an empty field is stored as None)
    data = project_data(site.id, title=TITLE, title_fr=TITLE_FR, title_ar="")
    client.post(f"/projects/{project.id}/edit", data=data)
    db.session.refresh(project)
    assert project.title_ar is None
    client.post(f"/projects/{project.id}/edit", data=data)
    changes = db.session.scalars(
        sa.select(AuditEvent.details).where(AuditEvent.action == "project.update")
    ).all()
    assert [c["changed"] for c in changes] == [["title_ar"]]


def test_site_form_saves_the_french_and_arabic_names(as_role, db):
    client, _user = as_role("coordinator")
    response = client.post("/sites/new", data=site_data(name=SITE, name_fr=SITE_FR,
                                                        name_ar=SITE_AR))
    assert response.status_code == 302
    site = db.session.scalar(sa.select(Site))
    assert (site.name_fr, site.name_ar) == (SITE_FR, SITE_AR)
    assert SITE_AR in client.get(f"/sites/{site.id}").get_data(as_text=True)


def test_the_registers_find_a_project_and_a_site_by_their_other_names(as_role, db):
    client, _user = as_role("coordinator")
    factories.project(factories.site(name=SITE, name_ar=SITE_AR), title=TITLE,
                      title_fr=TITLE_FR)
    factories.project(title="Another project")
    db.session.commit()
    found = client.get("/projects/?q=ecole primaire").get_data(as_text=True)
    assert TITLE in found and "Another project" not in found
    assert SITE in client.get("/sites/?q=أنوال").get_data(as_text=True)


# --- certificates -----------------------------------------------------------------------------


def test_certificates_print_the_title_and_site_of_their_language(app, db):
    coordinator = factories.user(Role.COORDINATOR)
    placement = _translated_placement()
    french = services.issue_certificate(placement, actor=coordinator, language="fr",
                                        today=ISSUED)
    assert (french.snapshot["project_title"], french.snapshot["site_name"]) == (TITLE_FR, SITE_FR)
    text = _text(downloads.certificate_pdf(french))
    assert TITLE_FR in text and SITE_FR in text and TITLE not in text

    services.revoke_certificate(french, "test the Arabic one", actor=coordinator)
    arabic = services.issue_certificate(placement, actor=coordinator, language="ar",
                                        today=ISSUED)
    assert arabic.snapshot["project_title"] == TITLE_AR
    text = _text(downloads.certificate_pdf(arabic))
    assert TITLE_AR in text and SITE_AR in text and TITLE not in text

    services.revoke_certificate(arabic, "test the English one", actor=coordinator)
    english = services.issue_certificate(placement, actor=coordinator, language="en",
                                         today=ISSUED)
    text = _text(downloads.certificate_pdf(english))
    assert TITLE in text and SITE in text and TITLE_AR not in text


def test_a_bilingual_certificate_names_the_project_in_each_line_s_language(app, db):
    coordinator = factories.user(Role.COORDINATOR)
    cert = services.issue_certificate(_translated_placement(), actor=coordinator,
                                      language="fr", bilingual=True, today=ISSUED)
    snap = cert.snapshot
    assert (snap["project_title"], snap["project_title_ar"]) == (TITLE_FR, TITLE_AR)
    assert (snap["site_name"], snap["site_name_ar"]) == (SITE_FR, SITE_AR)
    pdf = render_certificate(CertificateSnapshot.from_dict(snap))
    lines = drawn_lines(pdf)
    french = next(line for line in lines if "Rénovations" in line)
    assert not any("\u0600" <= c <= "\u06ff" for c in french)
    assert any(visual_rtl("أنوال") in line for line in lines if "Rénovations" not in line)
    assert TITLE not in _text(pdf)


def test_a_project_without_other_titles_prints_its_title_everywhere(app, db):
    coordinator = factories.user(Role.COORDINATOR)
    cert = services.issue_certificate(completed_placement(), actor=coordinator, language="fr",
                                      bilingual=True, today=ISSUED)
    title = cert.snapshot["project_title"]
    assert title.startswith("Project") and cert.snapshot["project_title_ar"] is None
    assert title in _text(downloads.certificate_pdf(cert))


def test_an_issued_certificate_keeps_the_titles_it_was_issued_with(app, db):
    coordinator = factories.user(Role.COORDINATOR)
    placement = _translated_placement()
    cert = services.issue_certificate(placement, actor=coordinator, language="fr", today=ISSUED)
    before = downloads.certificate_pdf(cert)
    placement.project.title_fr = "Un tout autre titre"
    placement.project.site.name_fr = "Un autre lieu"
    db.session.flush()
    assert downloads.certificate_pdf(cert) == before


def test_verification_page_names_the_project_in_arabic_for_arabic_readers(client, db):
    coordinator = factories.user(Role.COORDINATOR)
    cert = services.issue_certificate(_translated_placement(), actor=coordinator,
                                      language="fr", bilingual=True, today=ISSUED)
    db.session.commit()
    url = f"/verify/{cert.verification_code}"
    arabic = client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert TITLE_AR in arabic and SITE_AR in arabic
    assert TITLE_FR.replace("'", "&#39;") in french and TITLE_AR not in french


# --- what volunteers read --------------------------------------------------------------------


def test_volunteers_read_their_placement_in_their_language(app, db):
    from tests.support.clients import login_client

    placement = _translated_placement()
    user = factories.user(Role.VOLUNTEER)
    placement.volunteer.user = user
    db.session.commit()
    client = login_client(app, user)
    url = f"/me/placements/{placement.id}"
    arabic = client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert TITLE_AR in arabic and SITE_AR in arabic
    assert TITLE in english and TITLE_AR not in english


# --- reports ----------------------------------------------------------------------------------


def test_reports_name_projects_and_sites_in_the_report_language(app, db):
    from aljisr.i18n import force_locale
    from aljisr.reports import queries
    from aljisr.templating import country_name

    _translated_placement()  # September 2025
    factories.placement(project_=factories.project(title="Untranslated", start_date=START,
                                                   end_date=END),
                        status=PlacementStatus.COMPLETED)

    def rows(language):
        with force_locale(language):
            report = queries.annual_report(2025, "Al Jisr", country_name, with_rows=True)
        by_site = {group.label for group in report.breakdowns[2].rows}
        return {(row.project, row.site) for row in report.rows}, by_site

    french, french_sites = rows("fr")
    assert (TITLE_FR, SITE_FR) in french and SITE_FR in french_sites
    assert any(project == "Untranslated" for project, _site in french)
    arabic, _sites = rows("ar")
    assert (TITLE_AR, SITE_AR) in arabic
    english, _sites = rows("en")
    assert (TITLE, SITE) in english


# --- invisible and direction characters -------------------------------------------------------


def test_names_made_only_of_invisible_characters_are_no_names(db):
    from aljisr.text import clean_text

    for blank in ("\u200f", "\u200b \u200b", " \u061c ", "\ufeff", "\u202e"):
        assert clean_text(blank) is None
    # marks at the ends are trimmed; joiners inside a word are kept; overrides are dropped
    assert clean_text("\u200fمدرسة أنوال\u200f") == "مدرسة أنوال"
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"
    assert clean_text("Léa \u202ereversed\u202c") == "Léa reversed"

    project = factories.project(title=TITLE, title_ar="\u200f\u200b")
    site = factories.site(name=SITE, name_ar="\u061c")
    assert project.title_ar is None and project.title_in("ar") == TITLE
    assert site.name_ar is None and site.name_in("ar") == SITE


def test_an_invisible_title_is_refused_beside_the_field(as_role, db):
    client, _user = as_role("coordinator")
    site = factories.site()
    db.session.commit()
    response = client.post("/projects/new", data=project_data(site.id, title="\u200f\u200b"))
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 422) and 'id="title-error"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_a_sending_partner_reads_projects_in_its_language(as_role, db):
    client, user = as_role("sending")
    placement = _translated_placement()
    placement.volunteer.sending_organisation = user.organisation
    db.session.commit()
    url = f"/partner/volunteers/{placement.volunteer_id}"
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert TITLE_FR.replace("'", "&#39;") in french and SITE_FR in french
    assert TITLE not in french


def test_a_bilingual_certificate_without_arabic_titles_repeats_the_french_ones(app, db):
    coordinator = factories.user(Role.COORDINATOR)
    site = factories.site(name=SITE, name_fr=SITE_FR, city="Tiznit")
    project = factories.project(site, title=TITLE, title_fr=TITLE_FR, start_date=START,
                                end_date=END, status=ProjectStatus.COMPLETED)
    cert = services.issue_certificate(completed_placement(project=project), actor=coordinator,
                                      language="ar", bilingual=True, today=ISSUED)
    assert (cert.snapshot["project_title"], cert.snapshot["project_title_ar"]) == (TITLE_FR, None)
    assert cert.snapshot["site_name_ar"] is None
    assert TITLE not in _text(downloads.certificate_pdf(cert))
