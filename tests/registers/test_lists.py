"""The four register lists: search (accents, case, scripts), filters, sort, pagination, access,
and a query count that does not grow with the data."""

from __future__ import annotations

import re
from datetime import date

import pytest

from aljisr.organisations.models import OrganisationKind
from aljisr.projects.models import ProjectStatus, Theme
from aljisr.volunteers.models import VolunteerStatus
from tests.support import factories
from tests.support.sql import queries_sent

REGISTERS = ["/volunteers/", "/organisations/", "/sites/", "/projects/"]


def names_in(html: str, table_id: str) -> list[str]:
    """The link texts of the first column of a register table, in order."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>\s*<td><a [^>]*>(?:<bdi>)?(.*?)(?:</bdi>)?</a>", body, re.S)
    return [r.strip() for r in rows]


@pytest.mark.parametrize("url", REGISTERS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 200), ("coordinator", 200), ("volunteer", 403), ("sending", 403), ("host", 403)],
)
def test_registers_are_for_staff(as_role, url, role, expected):
    client, _user = as_role(role)
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", REGISTERS + ["/volunteers/new", "/projects/new"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --------------------------------------------------------------------------------------------
# Search: case, accents and scripts, the same on SQLite and PostgreSQL
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("yasmine", "Yasmine Haddad"),
        ("YASMINE", "Yasmine Haddad"),
        ("ольга", "Ольга Петренко"),
        ("ОЛЬГА", "Ольга Петренко"),
        ("ines", "Inès Benali"),
        ("ÉLODIE", "Élodie Brun"),
        ("elodie", "Élodie Brun"),
        ("benali ines", "Inès Benali"),
        ("ياسمين", "Yasmine Haddad"),  # the name in Arabic script
        ("v-haddad@EXAMPLE", "Yasmine Haddad"),  # e-mail, any case
        # aljisr.text.search_key: format characters dropped, letters without a decomposition
        # folded, apostrophes and hyphens inside words dropped, in the key and the query alike
        ("\u200fياسمين\u200f", "Yasmine Haddad"),  # pasted with RIGHT-TO-LEFT MARKs
        ("\u2068Yasmine Haddad\u2069 · \u2068v-haddad@exa", "Yasmine Haddad"),  # a label
        ("yilmaz", "Ayşe Yılmaz"),
        ("YILMAZ ayse", "Ayşe Yılmaz"),
        ("oconnor", "Siobhán O’Connor"),
        ("o'connor", "Siobhán O’Connor"),
        ("soren lukasiewicz", "Søren Łukasiewicz"),
        ("jean pierre", "Jean-Pierre Đurić"),
        ("jeanpierre djuric", None),  # đ is d, not dj
        ("jean-pierre duric", "Jean-Pierre Đurić"),
    ],
)
def test_volunteer_search_folds_case_accents_and_scripts(as_role, db, query, expected):
    client, _user = as_role("coordinator")
    factories.volunteer(full_name="Yasmine Haddad", name_ar="ياسمين حداد",
                        email="v-haddad@example.org")
    factories.volunteer(full_name="Ольга Петренко")
    factories.volunteer(full_name="Inès Benali")
    factories.volunteer(full_name="Élodie Brun")
    factories.volunteer(full_name="Omar Said")
    factories.volunteer(full_name="Ayşe Yılmaz")
    factories.volunteer(full_name="Siobhán O’Connor")
    factories.volunteer(full_name="Søren Łukasiewicz")
    factories.volunteer(full_name="Jean-Pierre Đurić")
    html = client.get("/volunteers/", query_string={"q": query}).get_data(as_text=True)
    if expected is None:
        assert "No volunteer matches" in html
    else:
        assert names_in(html, "volunteers-table") == [expected]


def test_search_treats_like_wildcards_literally(as_role, db):
    client, _user = as_role("coordinator")
    factories.volunteer(full_name="Anna Smith")
    html = client.get("/volunteers/", query_string={"q": "%"}).get_data(as_text=True)
    assert "No volunteer matches" in html
    html = client.get("/volunteers/", query_string={"q": "a_na"}).get_data(as_text=True)
    assert "No volunteer matches" in html


def test_organisation_site_and_project_search(as_role, db):
    client, _user = as_role("coordinator")
    factories.organisation(name="Brückenbau Freiwilligendienste")
    factories.organisation(name="Puentes Abiertos")
    site = factories.site(name="École Élémentaire Anwal")
    factories.site(name="Mohamed 5 high school")
    factories.project(site, title="Rénovation de l'école")
    factories.project(site, title="Bicycle racks")
    html = client.get("/organisations/", query_string={"q": "bruckenbau"}).get_data(as_text=True)
    assert names_in(html, "organisations-table") == ["Brückenbau Freiwilligendienste"]
    html = client.get("/sites/", query_string={"q": "ecole elementaire"}).get_data(as_text=True)
    assert names_in(html, "sites-table") == ["École Élémentaire Anwal"]
    html = client.get("/projects/", query_string={"q": "RENOVATION"}).get_data(as_text=True)
    assert names_in(html, "projects-table") == ["Rénovation de l&#39;école"]
    # the same folding in every register (aljisr.text.search_key)
    factories.organisation(name="Øresund Straße Kollektiv")
    factories.site(name="Dar Ḥamza\u200f")
    factories.project(site, title="Kızılay first aid")
    html = client.get("/organisations/", query_string={"q": "oresund strasse"}).get_data(
        as_text=True)
    assert names_in(html, "organisations-table") == ["Øresund Straße Kollektiv"]
    html = client.get("/sites/", query_string={"q": "hamza\u200f"}).get_data(as_text=True)
    assert names_in(html, "sites-table") == ["Dar Ḥamza"]
    html = client.get("/projects/", query_string={"q": "kizilay"}).get_data(as_text=True)
    assert names_in(html, "projects-table") == ["Kızılay first aid"]
    html = client.get("/projects/", query_string={"q": "l’ecole"}).get_data(as_text=True)
    assert names_in(html, "projects-table") == ["Rénovation de l&#39;école"]


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


def test_volunteer_filters(as_role, db):
    client, _user = as_role("coordinator")
    sender = factories.organisation(OrganisationKind.SENDING, name="Passerelles")
    other = factories.organisation(OrganisationKind.SENDING, name="Puentes")
    factories.volunteer(sender, full_name="Alice Martin", nationality="FR",
                        status=VolunteerStatus.ACTIVE, languages={"fr": "native", "ar": "B1"},
                        interests=["education"], available_from=date(2026, 7, 1),
                        available_to=date(2026, 8, 31))
    factories.volunteer(other, full_name="Bruno Díaz", nationality="ES",
                        status=VolunteerStatus.APPLICANT, languages={"es": "native"},
                        interests=["construction", "environment"],
                        available_from=date(2026, 9, 1), available_to=date(2026, 12, 31))

    def names(**args):
        html = client.get("/volunteers/", query_string=args).get_data(as_text=True)
        return names_in(html, "volunteers-table") if 'id="volunteers-table"' in html else []

    assert names() == ["Alice Martin", "Bruno Díaz"]
    assert names(status="applicant") == ["Bruno Díaz"]
    assert names(nationality="FR") == ["Alice Martin"]
    assert names(sending_organisation=other.id) == ["Bruno Díaz"]
    assert names(language="ar") == ["Alice Martin"]
    assert names(interest="environment") == ["Bruno Díaz"]
    assert names(interest="culture") == []
    # availability overlapping the range, both ends included
    assert names(date_from="2026-08-31", date_to="2026-09-01") == ["Alice Martin", "Bruno Díaz"]
    assert names(date_from="2026-09-01") == ["Bruno Díaz"]
    assert names(date_to="2026-08-31") == ["Alice Martin"]


def test_project_filters(as_role, db):
    client, _user = as_role("coordinator")
    school = factories.site(name="Anwal school")
    centre = factories.site(name="Maggamane centre")
    factories.project(school, title="Painting", theme=Theme.CULTURE,
                      status=ProjectStatus.OPEN, start_date=date(2026, 3, 1),
                      end_date=date(2026, 3, 31))
    factories.project(centre, title="Building", theme=Theme.CONSTRUCTION,
                      status=ProjectStatus.DRAFT, start_date=date(2026, 4, 1),
                      end_date=date(2026, 5, 31))

    def names(**args):
        html = client.get("/projects/", query_string={"sort": "title", **args}).get_data(
            as_text=True)
        return names_in(html, "projects-table") if 'id="projects-table"' in html else []

    assert names() == ["Building", "Painting"]
    assert names(status="draft") == ["Building"]
    assert names(site=school.id) == ["Painting"]
    assert names(theme="culture") == ["Painting"]
    assert names(date_from="2026-03-31", date_to="2026-03-31") == ["Painting"]
    assert names(date_from="2026-03-31", date_to="2026-04-01") == ["Building", "Painting"]
    assert names(date_from="2026-06-01") == []


def test_organisation_and_site_filters(as_role, db):
    client, _user = as_role("coordinator")
    host = factories.organisation(OrganisationKind.HOST, name="Host association", country="MA")
    factories.organisation(OrganisationKind.SENDING, name="Sender", country="FR")
    factories.site(host, name="Hosted school")
    factories.site(None, name="Independent centre")
    html = client.get("/organisations/", query_string={"kind": "host"}).get_data(as_text=True)
    assert names_in(html, "organisations-table") == ["Host association"]
    html = client.get("/organisations/", query_string={"country": "FR"}).get_data(as_text=True)
    assert names_in(html, "organisations-table") == ["Sender"]
    html = client.get("/sites/", query_string={"organisation": host.id}).get_data(as_text=True)
    assert names_in(html, "sites-table") == ["Hosted school"]


@pytest.mark.parametrize(
    ("url", "args", "field"),
    [
        ("/volunteers/", {"date_from": "2026-13-45"}, "date_from"),
        ("/volunteers/", {"date_from": "2026-09-10", "date_to": "2026-09-01"}, "date_to"),
        ("/volunteers/", {"status": "bogus"}, "status"),
        ("/volunteers/", {"sending_organisation": "abc"}, "sending_organisation"),
        ("/volunteers/", {"nationality": "XX"}, "nationality"),
        ("/projects/", {"date_to": "2026-13-45"}, "date_to"),
        ("/projects/", {"site": "999999"}, "site"),
        ("/organisations/", {"kind": "bank"}, "kind"),
        ("/sites/", {"organisation": "x"}, "organisation"),
    ],
)
def test_bad_filter_values_show_a_message_beside_the_filter_and_keep_it(
    as_role, db, url, args, field
):
    client, _user = as_role("coordinator")
    factories.volunteer(full_name="Alice Martin")
    factories.project(title="Painting")
    response = client.get(url, query_string={**args, "q": "a"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    if field.startswith("date"):
        assert f'value="{args[field]}"' in html  # the typed value is kept
    assert 'value="a"' in html  # the other filters are kept too


def test_bad_filter_is_ignored_and_the_others_still_apply(as_role, db):
    client, _user = as_role("coordinator")
    factories.volunteer(full_name="Alice Martin", nationality="FR")
    factories.volunteer(full_name="Bruno Díaz", nationality="ES")
    html = client.get("/volunteers/", query_string={"date_from": "2026-13-45",
                                                     "nationality": "ES"}).get_data(as_text=True)
    assert names_in(html, "volunteers-table") == ["Bruno Díaz"]


# --------------------------------------------------------------------------------------------
# Archived records
# --------------------------------------------------------------------------------------------


def test_archived_records_leave_default_lists_and_a_filter_shows_them(as_role, db):
    from aljisr.database import utcnow

    client, _user = as_role("coordinator")
    factories.volunteer(full_name="Current Person")
    factories.volunteer(full_name="Archived Person", archived_at=utcnow())
    factories.organisation(name="Archived Org", archived_at=utcnow())
    factories.organisation(name="Current Org")

    def names(url, table, **args):
        return names_in(client.get(url, query_string=args).get_data(as_text=True), table)

    assert names("/volunteers/", "volunteers-table") == ["Current Person"]
    assert names("/volunteers/", "volunteers-table", archived="archived") == ["Archived Person"]
    assert names("/volunteers/", "volunteers-table", archived="all") == [
        "Archived Person", "Current Person"]
    assert names("/organisations/", "organisations-table") == ["Current Org"]
    assert names("/organisations/", "organisations-table", archived="all") == [
        "Archived Org", "Current Org"]


# --------------------------------------------------------------------------------------------
# Sorting and pagination
# --------------------------------------------------------------------------------------------


def test_sort_by_whitelisted_columns_both_directions(as_role, db):
    client, _user = as_role("coordinator")
    factories.volunteer(full_name="Élodie Brun", nationality="FR")
    factories.volunteer(full_name="anna Weiß", nationality="DE")
    factories.volunteer(full_name="Zoé Martin", nationality="BE")

    def names(**args):
        return names_in(client.get("/volunteers/", query_string=args).get_data(as_text=True),
                        "volunteers-table")

    # accent- and case-insensitive order, the same on both databases
    assert names() == ["anna Weiß", "Élodie Brun", "Zoé Martin"]
    assert names(sort="name", dir="desc") == ["Zoé Martin", "Élodie Brun", "anna Weiß"]
    assert names(sort="nationality") == ["Zoé Martin", "anna Weiß", "Élodie Brun"]


@pytest.mark.parametrize("args", [
    {"sort": "password_hash"}, {"sort": "name; DROP TABLE volunteers"},
    {"sort": "name", "dir": "sideways"}, {"page": "abc"}, {"page": "-3"}, {"page": "99999"},
    {"page": "1e9"},
])
def test_unknown_sort_keys_and_bad_pages_fall_back(as_role, db, args):
    client, _user = as_role("coordinator")
    factories.volunteer(full_name="Anna Smith")
    for url in REGISTERS:
        response = client.get(url, query_string=args)
        assert response.status_code == 200, url
    html = client.get("/volunteers/", query_string=args).get_data(as_text=True)
    assert names_in(html, "volunteers-table") == ["Anna Smith"]


def test_pagination_pages_and_out_of_range_gives_last_page(app, as_role, db):
    app.config["PAGE_SIZE"] = 2
    client, _user = as_role("coordinator")
    for name in ("A one", "B two", "C three", "D four", "E five"):
        factories.volunteer(full_name=name)

    def page(n):
        return client.get("/volunteers/", query_string={"page": n}).get_data(as_text=True)

    assert names_in(page(1), "volunteers-table") == ["A one", "B two"]
    assert names_in(page(2), "volunteers-table") == ["C three", "D four"]
    assert names_in(page(3), "volunteers-table") == ["E five"]
    html = page(40)
    assert names_in(html, "volunteers-table") == ["E five"]
    assert '<span dir="ltr">5–5</span> of 5' in html
    # links keep the filters and the sort
    html = client.get("/volunteers/", query_string={"q": "o", "sort": "name", "dir": "desc"}
                      ).get_data(as_text=True)
    assert re.search(r'href="/volunteers/\?[^"]*page=2', html)
    link = re.search(r'href="(/volunteers/\?[^"]*page=2[^"]*)"', html).group(1)
    assert "q=o" in link and "dir=desc" in link


def test_empty_register_shows_a_message(as_role, db):
    client, _user = as_role("coordinator")
    for url in REGISTERS:
        response = client.get(url)
        assert response.status_code == 200
        assert "Nothing found." in response.get_data(as_text=True)


# --------------------------------------------------------------------------------------------
# Query count does not grow with the data
# --------------------------------------------------------------------------------------------


def _populate(n: int) -> None:
    host = factories.organisation(OrganisationKind.HOST)
    funder = factories.organisation(OrganisationKind.FUNDER)
    for _i in range(n):
        sender = factories.organisation(OrganisationKind.SENDING)
        site = factories.site(host)
        parent = factories.project(site, funder=funder)
        factories.project(site, parent=parent, phase_number=2)
        factories.volunteer(sender, languages={"fr": "B2", "en": "native"})


@pytest.mark.parametrize("url", [u + q for u in REGISTERS for q in ("", "?sort=name",
                                                                    "?sort=organisation",
                                                                    "?sort=site")])
def test_list_query_count_does_not_grow_with_the_data(app, as_role, db, url):
    app.config["PAGE_SIZE"] = 25
    client, _user = as_role("coordinator")
    _populate(2)
    with queries_sent() as small:
        assert client.get(url).status_code == 200
    _populate(30)
    with queries_sent() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), large
    assert len(large) <= 8


@pytest.mark.parametrize("kind", ["volunteer", "organisation", "site", "project"])
def test_detail_query_count_does_not_grow_with_the_data(as_role, db, kind):
    client, _user = as_role("coordinator")
    host = factories.organisation(OrganisationKind.HOST)
    sender = factories.organisation(OrganisationKind.SENDING)
    site = factories.site(host)
    project = factories.project(site)
    volunteer = factories.volunteer(sender, languages={"fr": "B2"})
    url = {"volunteer": f"/volunteers/{volunteer.id}", "organisation": f"/organisations/{host.id}",
           "site": f"/sites/{site.id}", "project": f"/projects/{project.id}"}[kind]
    sender_url = f"/organisations/{sender.id}"
    with queries_sent() as small:
        assert client.get(url).status_code == 200
        assert client.get(sender_url).status_code == 200
    for _i in range(20):
        factories.site(host)
        factories.project(site, parent=project)
        factories.volunteer(sender, languages={"fr": "B2", "de": "A1"})
    with queries_sent() as large:
        assert client.get(url).status_code == 200
        assert client.get(sender_url).status_code == 200
    assert len(large) == len(small)


@pytest.mark.parametrize("url", [
    "/volunteers/?status=%20", "/volunteers/?status=%20%20&nationality=%20",
    "/placements/?status=%20", "/hours/?status=%20", "/certificates/?status=%20",
    "/projects/?status=%20", "/projects/?theme=%20", "/organisations/?kind=%20",
    "/sites/?kind=%20", "/volunteers/?status=%20active%20",
])
def test_a_filter_value_of_spaces_is_no_filter_not_an_error(as_role, url):
    client, _ = as_role("coordinator")
    response = client.get(url)
    assert response.status_code == 200
