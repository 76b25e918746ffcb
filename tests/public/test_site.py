"""The public site (issue 15, item 1): home, the catalogue and its filters, a page per project,
past projects, and what search engines read (titles, canonical and hreflang addresses, Open
Graph, sitemap.xml, robots.txt)."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

import pytest

from aljisr.database import utcnow
from aljisr.hours.models import HoursStatus
from aljisr.organisations.models import OrganisationKind
from aljisr.placements.models import PlacementStatus
from aljisr.projects.models import Project, ProjectStatus, Theme
from aljisr.testimonials import models as testimonials
from tests.support import factories
from tests.support.a11y import unlabelled_controls

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


class Site:
    """Two open projects (2027), a completed one with hours and a published testimonial, a
    draft and an archived open one that never show."""

    def __init__(self, db):
        host = factories.organisation(OrganisationKind.HOST)
        funder = factories.organisation(OrganisationKind.FUNDER, name="Discreet Foundation")
        named = factories.organisation(OrganisationKind.FUNDER, name="Proud Foundation")
        self.school = factories.site(host, name="Anwal primary school", name_fr="École Anwal",
                                     name_ar="مدرسة أنوال", city="Tiznit")
        self.centre = factories.site(host, name="Youth centre")
        self.garden = factories.project(
            self.school, title="School garden", title_fr="Jardin de l'école",
            title_ar="حديقة المدرسة", theme=Theme.ENVIRONMENT,
            start_date=date(2027, 4, 5), end_date=date(2027, 5, 28), capacity=4,
            required_skills=["gardening"], required_languages=["ar", "fr"], funder=funder,
            public_description="Plant a garden with the pupils.\n\nWater it too.",
            public_description_fr="Planter un jardin avec les élèves.")
        self.garden.sdgs = [4, 15]
        self.murals = factories.project(
            self.centre, title="Murals", theme=Theme.CULTURE,
            start_date=date(2027, 7, 5), end_date=date(2027, 8, 27), capacity=6,
            required_languages=["en"], funder=named, funder_public=True)
        self.murals.sdgs = [4]
        self.past = factories.project(
            self.school, title="Roof repairs", status=ProjectStatus.COMPLETED,
            start_date=date(2024, 7, 1), end_date=date(2024, 7, 31))
        self.draft = factories.project(self.school, title="Secret plan",
                                       status=ProjectStatus.DRAFT)
        self.archived = factories.project(self.school, title="Old open project",
                                          archived_at=utcnow())
        volunteers = [factories.volunteer(full_name=name, nationality=country)
                      for name, country in (("Léa Fontaine", "FR"), ("Ольга Петренко", "UA"),
                                            ("Jonas Müller", "DE"))]
        # two live placements on the garden: 4 - 2 = 2 places left
        for v in volunteers[:2]:
            factories.placement(v, self.garden, status=PlacementStatus.CONFIRMED)
        done = [factories.placement(v, self.past, status=PlacementStatus.COMPLETED)
                for v in volunteers]
        factories.hours(done[0], date(2024, 7, 2), "5")
        factories.hours(done[1], date(2024, 7, 2), "3.5")
        factories.hours(done[2], date(2024, 7, 3), "6", HoursStatus.SUBMITTED)  # not counted
        self.published = factories._add(testimonials.Testimonial(
            volunteer_id=volunteers[1].id, placement_id=done[1].id, project_id=self.past.id,
            language="uk", body="Ми фарбували дах.\n\nДякую!",
            signature=testimonials.Signature.FIRST_NAME_COUNTRY,
            status=testimonials.TestimonialStatus.PUBLISHED, decided_at=utcnow()))
        self.waiting = factories._add(testimonials.Testimonial(
            volunteer_id=volunteers[2].id, placement_id=done[2].id, project_id=self.past.id,
            language="de", body="Noch nicht veröffentlicht, bitte warten.",
            signature=testimonials.Signature.FULL_NAME,
            status=testimonials.TestimonialStatus.SUBMITTED))
        db.session.commit()


@pytest.fixture
def site(db):
    return Site(db)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def titles_listed(html):
    return set(re.findall(r'class="card project-item">\s*<h3><a [^>]*><bdi>([^<]+)</bdi>', html))


def test_home_shows_the_association_open_projects_and_published_testimonials(client, site):
    html = page(client, "/?lang=en")
    assert "Al Jisr Association for Communication and Educational Cooperation" in html
    assert titles_listed(html) == {"School garden", "Murals"}  # no draft, archived or past
    assert "2 places left" in html
    # the published testimonial, marked with its language; the waiting one is not shown
    assert '<blockquote lang="uk" dir="auto"><p>Ми фарбували дах.</p><p>Дякую!</p>' in html
    assert "Ольга</bdi>, Ukraine" in html and "Петренко" not in html
    assert "written in Ukrainian" in html
    assert "Noch nicht" not in html and "Jonas" not in html
    # counts of the past project: three volunteers, 8.5 approved hours
    assert re.search(r"<strong>3</strong>volunteers welcomed", html)
    assert "<strong>8.5</strong>hours given" in html
    assert "<script" not in html  # no JavaScript on the public site


def test_signed_in_users_still_go_to_their_overview_from_the_home_page(as_role, site):
    client, _ = as_role("coordinator")
    assert client.get("/?lang=fr").status_code == 302
    assert "Jardin de l&#39;école" in page(client, "/volunteer-projects?lang=fr")


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"School garden", "Murals"}),
    ("theme=environment", {"School garden"}),
    ("sdg=15", {"School garden"}),
    ("sdg=4", {"School garden", "Murals"}),
    ("site={centre}", {"Murals"}),
    ("month=2027-08", {"Murals"}),
    ("month=2027-05", {"School garden"}),
    ("language=ar", {"School garden"}),
    ("language=en&theme=culture", {"Murals"}),
    ("language=en&theme=environment", set()),
])
def test_catalogue_filters_are_a_plain_get_form(client, site, query, expected):
    query = query.format(centre=site.centre.id)
    html = page(client, f"/volunteer-projects?lang=en&{query}")
    assert titles_listed(html) == expected
    assert re.search(r'<form method="get" action="/volunteer-projects"', html)
    assert unlabelled_controls(html) == []
    if not expected:
        assert "No open project matches these filters." in html


def test_catalogue_offers_only_choices_that_find_something(client, site):
    html = page(client, "/volunteer-projects?lang=fr")
    months = re.findall(r'<option value="(2027-\d\d)"', html)
    assert months == ["2027-04", "2027-05", "2027-07", "2027-08"]
    assert '<option value="ar">arabe</option>' in html
    goals = re.search(r'<select[^>]*name="sdg".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', goals) == ["4", "15"]


def test_a_filter_value_not_offered_is_named_beside_its_field_and_ignored(client, site):
    html = page(client, "/volunteer-projects?lang=en&theme=nonsense&month=1999-01&sdg=x")
    assert titles_listed(html) == {"School garden", "Murals"}
    assert html.count("This choice is not in the list; the filter was ignored.") == 3
    assert 'aria-describedby="theme-error" aria-invalid="true" id="theme"' in html


def test_project_page_says_what_where_when_and_what_it_needs(client, site):
    html = page(client, f"/volunteer-projects/{site.garden.id}?lang=en")
    assert "<h1><bdi>School garden</bdi></h1>" in html
    assert "<p>Plant a garden with the pupils.</p><p>Water it too.</p>" in html
    assert "Tiznit" in html and "Anwal primary school" in html
    assert 'id="places-left">2 places left (of 4)' in html
    assert "gardening" in html and "Arabic" in html and "French" in html
    assert "15. Life on land" in html
    assert "Discreet Foundation" not in html  # the funder did not agree to be named
    assert 'id="apply" href="/apply?project=' in html  # open: the applications form
    assert "Proud Foundation" in page(client, f"/volunteer-projects/{site.murals.id}?lang=en")


def test_project_page_in_a_language_without_its_own_description_marks_the_one_shown(
        client, site):
    french = page(client, f"/volunteer-projects/{site.garden.id}?lang=fr")
    assert '<div id="description" lang="fr">' in french
    assert "Planter un jardin avec les élèves." in french
    arabic = page(client, f"/volunteer-projects/{site.garden.id}?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "<h1><bdi>حديقة المدرسة</bdi></h1>" in arabic
    # no Arabic text: the French one, marked as French and written left to right
    assert '<div id="description" lang="fr" dir="ltr">' in arabic


def test_a_step_shows_what_volunteers_said_of_the_other_steps(client, site, db):
    site.garden.parent, site.garden.phase_number = site.past, 2
    db.session.commit()
    html = page(client, f"/volunteer-projects/{site.garden.id}?lang=en")
    assert "Ми фарбували дах." in html
    assert f'href="/volunteer-projects/{site.past.id}?lang=en"><bdi>Roof repairs</bdi>' in html
    assert "Ми фарбували дах." not in page(client, f"/volunteer-projects/{site.murals.id}")


@pytest.mark.parametrize("name", ["draft", "archived"])
def test_projects_not_public_are_not_found(client, site, name):
    assert client.get(f"/volunteer-projects/{getattr(site, name).id}").status_code == 404


@pytest.mark.own_app
def test_open_projects_link_to_the_applications_form_with_the_project_chosen(app, db):
    project = factories.project(start_date=date(2027, 4, 5), end_date=date(2027, 5, 1))
    past = factories.project(status=ProjectStatus.COMPLETED)
    db.session.commit()
    client = app.test_client()
    html = page(client, f"/volunteer-projects/{project.id}?lang=fr")
    assert f'id="apply" href="/apply?project={project.id}&amp;lang=fr"' in html
    assert f'href="/apply?project={project.id}&amp;lang=fr"' in page(client, "/?lang=fr")
    assert "/apply" not in page(client, f"/volunteer-projects/{past.id}")


def test_past_projects_count_volunteers_and_approved_hours_without_names(client, site):
    html = page(client, "/past-projects?lang=en")
    assert "Roof repairs" in html and "School garden" not in html
    assert "<strong>3 volunteers</strong>" in html
    assert "<strong>8.5 hours given</strong>" in html  # the submitted 6 hours are not counted
    assert "Léa" not in html and "Ольга" not in html


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_every_page_has_title_description_canonical_alternates_and_open_graph(
        client, site, language):
    urls = ["/", "/volunteer-projects", f"/volunteer-projects/{site.garden.id}",
            "/past-projects"]
    for url in urls:
        html = page(client, f"{url}?lang={language}")
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
        assert re.search(r"<title>[^<]{5,} · [^<]+</title>", html), url
        assert re.search(r'<meta name="description" content="[^"]{20,}">', html), url
        base = f"https://aljisr.example.org{url}"
        assert f'<link rel="canonical" href="{base}?lang={language}">' in html
        for code in ("en", "fr", "ar"):
            assert f'<link rel="alternate" hreflang="{code}" href="{base}?lang={code}">' in html
        assert f'<link rel="alternate" hreflang="x-default" href="{base}">' in html
        assert f'<meta property="og:url" content="{base}?lang={language}">' in html
        assert re.search(r'<meta property="og:title" content="[^"]+">', html)
        assert '<meta property="og:locale" content="{}">'.format(
            {"en": "en_GB", "fr": "fr_FR", "ar": "ar_MA"}[language]) in html
        # the language links lead to the same page in each language
        assert f'href="{url}?lang=fr" lang="fr" hreflang="fr"' in html


def test_canonical_drops_the_filters_and_uses_the_public_address(app, client, site):
    app.config["PUBLIC_BASE_URL"] = "https://volunteer.example.org/"
    html = page(client, "/volunteer-projects?lang=fr&theme=culture")
    assert ('<link rel="canonical" href="https://volunteer.example.org/volunteer-projects?lang=fr">'
            in html)


def test_the_address_without_a_language_follows_the_browser_and_says_so(client, site):
    response = client.get("/volunteer-projects", headers={"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"]
    fixed = client.get("/volunteer-projects?lang=fr", headers={"Accept-Language": "ar"})
    assert '<html lang="fr"' in fixed.get_data(as_text=True)
    assert "Accept-Language" not in fixed.headers.get("Vary", "")


def test_sitemap_lists_every_public_page_in_every_language_with_alternates(client, site):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    urls = {u.findtext(f"{SITEMAP}loc"): u for u in root.iter(f"{SITEMAP}url")}
    paths = {re.sub(r"^https://aljisr.example.org", "", loc) for loc in urls}
    expected = {"/", "/volunteer-projects", "/past-projects", "/apply", "/apply/privacy"} | {
        f"/volunteer-projects/{p.id}" for p in (site.garden, site.murals, site.past)}
    assert paths == {f"{path}?lang={code}" for path in expected for code in ("en", "fr", "ar")}
    entry = urls[f"https://aljisr.example.org/volunteer-projects/{site.garden.id}?lang=ar"]
    links = {link.get("hreflang"): link.get("href") for link in entry.iter(f"{XHTML}link")}
    assert links["fr"] == f"https://aljisr.example.org/volunteer-projects/{site.garden.id}?lang=fr"
    assert set(links) == {"en", "fr", "ar"}
    assert entry.findtext(f"{SITEMAP}lastmod")


def test_robots_keeps_crawlers_out_of_the_back_office_only(client, site):
    text = client.get("/robots.txt").get_data(as_text=True)
    disallowed = re.findall(r"^Disallow: (\S+)$", text, re.M)
    for prefix in ("/volunteers", "/me", "/admin", "/projects", "/testimonials", "/home"):
        assert prefix in disallowed
    for public in ("/volunteer-projects", "/past-projects", "/verify", "/sitemap.xml"):
        assert not any(public.startswith(prefix) for prefix in disallowed), public
    assert "Sitemap: https://aljisr.example.org/sitemap.xml" in text


def test_coordinator_writes_the_public_descriptions_on_the_project_form(as_role, site, db):
    client, _ = as_role("coordinator")
    form = client.get(f"/projects/{site.murals.id}/edit").get_data(as_text=True)
    for name in ("public_description", "public_description_fr", "public_description_ar",
                 "funder_public"):
        assert f'name="{name}"' in form
    data = {"title": "Murals", "site_id": site.centre.id, "theme": "culture", "status": "open",
            "start_date": "2027-07-05", "end_date": "2027-08-27", "capacity": "6",
            "sdgs": ["4"], "required_languages": ["en"],
            "public_description": "  Paint   with us.\r\n\r\n\r\nBring a hat. ",
            "public_description_ar": "ارسموا معنا."}
    response = client.post(f"/projects/{site.murals.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    murals = db.session.get(Project, site.murals.id)
    assert murals.public_description == "Paint with us.\n\nBring a hat."
    assert murals.public_description_ar == "ارسموا معنا."
    assert murals.funder_public is False  # unticked
    html = page(client, f"/volunteer-projects/{murals.id}?lang=ar")
    assert '<div id="description" lang="ar" dir="rtl">' in html and "ارسموا معنا." in html
    assert "Proud Foundation" not in html
    detail = page(client, f"/projects/{murals.id}")
    assert f'id="public-page" href="/volunteer-projects/{murals.id}"' in detail
    assert 'id="public-page"' not in page(client, f"/projects/{site.draft.id}")
