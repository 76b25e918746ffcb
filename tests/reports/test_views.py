"""Report pages: who may see which organisation's report, the period form (errors beside the
field, values kept, never a 500), the annual report, and statements per request."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from html.parser import HTMLParser

import pytest

from aljisr.dates import association_today
from aljisr.i18n import _, force_locale
from aljisr.organisations.models import OrganisationKind
from aljisr.projects.models import Theme
from tests.support import factories
from tests.support.sql import queries_sent

PERIOD = "start=2026-01-01&end=2026-01-31"


def _placed(org_kind_user, db, name="Ольга Петренко"):
    """A placement concerning the partner user's organisation, and one that does not."""
    org = org_kind_user.organisation
    project = factories.project(start_date=date(2026, 1, 1), end_date=date(2026, 1, 31),
                                site_=factories.site(org if org.kind is OrganisationKind.HOST
                                                     else None))
    sender = org if org.kind is OrganisationKind.SENDING else None
    factories.placement(factories.volunteer(sender, full_name=name), project)
    stranger = factories.organisation(OrganisationKind.SENDING, name="Stranger")
    factories.placement(factories.volunteer(stranger, full_name="Not ours"),
                        factories.project(start_date=date(2026, 1, 1),
                                          end_date=date(2026, 1, 31)))
    db.session.commit()
    return stranger


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("role", ["sending", "host"])
def test_partner_sees_only_its_own_organisation(as_role, db, role):
    client, user = as_role(role)
    stranger = _placed(user, db)

    own = client.get(f"/reports/organisations/{user.organisation_id}?{PERIOD}")
    assert own.status_code == 200
    html = own.get_data(as_text=True)
    assert "Ольга Петренко" in html and "Not ours" not in html

    mine = client.get(f"/reports/mine?{PERIOD}")
    assert mine.status_code == 200 and "Ольга Петренко" in mine.get_data(as_text=True)

    for fmt in ("html", "pdf", "csv", "xlsx"):
        assert client.get(f"/reports/organisations/{stranger.id}?{PERIOD}&format={fmt}"
                          ).status_code == 404
    assert client.get(f"/reports/organisations/999999?{PERIOD}").status_code == 404
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/annual/2026").status_code == 403


def test_coordinator_sees_any_organisation_and_the_index(as_role, db):
    client, _ = as_role("coordinator")
    _, partner = as_role("sending")
    stranger = _placed(partner, db)
    response = client.get(f"/reports/organisations/{stranger.id}?{PERIOD}")
    assert response.status_code == 200 and "Not ours" in response.get_data(as_text=True)
    index = client.get("/reports/")
    assert index.status_code == 200
    assert "Stranger" in index.get_data(as_text=True)
    assert client.get("/reports/mine").headers["Location"].endswith("/reports/")


def test_volunteers_and_anonymous_users_get_no_report(as_role, client, db):
    org = factories.organisation()
    db.session.commit()
    volunteer, _ = as_role("volunteer")
    for url in ("/reports/", "/reports/mine", f"/reports/organisations/{org.id}",
                "/reports/annual/2026"):
        assert volunteer.get(url).status_code == 403
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_staff_index_redirects_to_the_chosen_report(as_role, db):
    org = factories.organisation(name="Puentes Abiertos")
    db.session.commit()
    client, _ = as_role("coordinator")
    response = client.get(f"/reports/?organisation={org.id}&start=2026-01-01&end=2026-06-30"
                          "&format=csv")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/reports/organisations/{org.id}?start=2026-01-01&end=2026-06-30&format=csv")
    annual = client.get("/reports/?year=2025&format=pdf")
    assert annual.headers["Location"].endswith("/reports/annual/2025?format=pdf")


# --------------------------------------------------------------------------- the form


@pytest.mark.parametrize(("query", "field", "message"), [
    ("start=2026-02-01&end=2026-01-31", "end", "on or after the first day"),
    ("start=31/01/2026&end=2026-02-01", "start", "YYYY-MM-DD"),
    ("start=2026-02-30&end=2026-03-01", "start", "YYYY-MM-DD"),
    ("start=2026-01-01&end=99999-01-01", "end", "YYYY-MM-DD"),
    ("start=1066-10-14&end=2026-03-01", "start", "between 2000 and 2100"),
    ("start=&end=2026-03-01", "start", "Enter the first day"),
    ("end=2026-03-01&format=pdf", "start", "Enter the first day"),
    ("start=2026-01-01&end=2026-03-01&format=docx", "format", "Choose one of the formats"),
])
def test_bad_period_shows_the_form_with_the_error_beside_the_field(as_role, query, field,
                                                                  message):
    client, user = as_role("sending")
    response = client.get(f"/reports/organisations/{user.organisation_id}?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split(f'id="{field}-error"', 1)
    assert len(error) == 2 and message in error[1][:300]  # right after the field
    # the typed values are kept
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if value and name in ("start", "end"):
            assert f'value="{value}"' in html


def test_an_unreadable_date_is_shown_as_typed_in_a_text_input(as_role):
    client, user = as_role("sending")
    html = client.get(f"/reports/organisations/{user.organisation_id}"
                      "?start=31/01/2026&end=2026-02-01").get_data(as_text=True)
    start = re.search(r'<input[^>]*id="start"[^>]*>', html).group(0)
    assert 'type="text"' in start and 'value="31/01/2026"' in start
    end = re.search(r'<input[^>]*id="end"[^>]*>', html).group(0)
    assert 'type="date"' in end  # the readable one keeps its date picker


def test_bad_values_on_the_index_and_annual_urls_are_form_errors(as_role, db):
    client, _ = as_role("coordinator")
    factories.organisation()
    response = client.get("/reports/?organisation=abc&start=2026-01-01&end=2026-01-31")
    assert response.status_code == 422
    assert 'id="organisation-error"' in response.get_data(as_text=True)
    response = client.get("/reports/?year=twenty&format=html")
    assert response.status_code == 422
    assert 'id="year-error"' in response.get_data(as_text=True)
    assert 'value="twenty"' in response.get_data(as_text=True)
    response = client.get("/reports/annual/1999")
    assert response.status_code == 422
    assert "between 2000 and 2100" in response.get_data(as_text=True)
    assert client.get("/reports/annual/2026?format=exe").status_code == 422


#: WTForms' own messages (English, and as its French and Arabic catalogues word them).
WTFORMS_WORDING = ("could not coerce", "Not a valid", "ne peut pas être converti",
                   "N&#39;est pas", "لا يمكن الاجبار", "العدد الحقيقي", "اختيار غير صحيح")


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
@pytest.mark.parametrize(("query", "field", "message"), [
    ("organisation=abc&start=2026-01-01&end=2026-01-31", "organisation",
     "Choose an organisation from the list."),
    ("organisation=999999&start=2026-01-01&end=2026-01-31", "organisation",
     "Choose an organisation from the list."),
    ("organisation={org}&start=2026-01-01&end=2026-01-31&format=docx", "format",
     "Choose one of the formats in the list."),
    # reversed dates on a CSV download: the form again (422), not a bare 400
    ("organisation={org}&start=2026-12-31&end=2026-01-01&format=csv", "end",
     "The last day must be on or after the first day."),
    ("year=abc", "year", "Enter the year in digits, for example 2026."),
    ("year=2026&format=exe", "annual-format", "Choose one of the formats in the list."),
])
def test_hand_edited_index_urls_get_a_plain_message_beside_the_field(as_role, db, locale,
                                                                     query, field, message):
    org = factories.organisation()
    client, user = as_role("coordinator")
    user.locale = locale
    db.session.commit()
    response = client.get("/reports/?" + query.format(org=org.id))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    with force_locale(locale):
        expected = _(message)
    feedback = html.split(f'id="{field}-error"', 1)[1].split("\n  </div>", 1)[0]
    assert re.findall(r"<div>(.*?)</div>", feedback) == [expected.replace("'", "&#39;")]
    for wording in WTFORMS_WORDING:
        assert wording not in html


def test_a_year_that_is_not_a_number_is_shown_as_typed(as_role, db):
    client, _user = as_role("coordinator")
    html = client.get("/reports/?year=2O26").get_data(as_text=True)
    year = re.search(r'<input[^>]*id="year"[^>]*>', html).group(0)
    assert 'type="text"' in year and 'value="2O26"' in year
    assert "between 2000 and 2100" not in html  # one message, not two
    assert client.get("/reports/?year=1999").status_code == 422
    assert client.get("/reports/?year=2026").status_code == 302


class _Ids(HTMLParser):
    """Collects element ids, label targets and the name of each control by id."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []
        self.controls: dict[str, tuple[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
            if tag in ("input", "select", "textarea", "button"):
                self.controls[attributes["id"]] = (tag, attributes.get("name"))
        if tag == "label" and attributes.get("for"):
            self.label_targets.append(attributes["for"])


def _ids(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("query", ["", "year=abc", "organisation=abc&start=x&end=y"])
def test_the_index_has_unique_ids_and_every_label_names_its_control(as_role, db, query):
    factories.organisation()
    client, _user = as_role("coordinator")
    page = _ids(client.get("/reports/?" + query).get_data(as_text=True))

    assert [i for i, count in page.ids.items() if count > 1] == []
    for target in page.label_targets:
        assert target in page.controls, target
    # both forms still send "format" and "submit"; the annual form's controls have own ids
    assert page.controls["format"] == ("select", "format")
    assert page.controls["annual-format"] == ("select", "format")
    assert page.controls["submit"] == ("input", "submit")
    assert page.controls["annual-submit"] == ("input", "submit")
    assert {"organisation", "start", "end", "format", "year", "annual-format"} <= set(
        page.label_targets)


def test_report_pages_have_unique_ids(as_role, db):
    client, user = as_role("sending")
    _placed(user, db)
    coordinator, _ = as_role("coordinator")
    for page_client, url in ((client, f"/reports/mine?{PERIOD}"),
                             (coordinator, "/reports/annual/2026")):
        page = _ids(page_client.get(url).get_data(as_text=True))
        assert [i for i, count in page.ids.items() if count > 1] == []
        assert all(target in page.controls for target in page.label_targets)


def test_without_a_period_the_page_shows_this_years_report(as_role, db):
    client, user = as_role("sending")
    response = client.get("/reports/mine")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    year = association_today().year  # the page uses the association's year
    assert f'value="{year}-01-01"' in html and f'value="{year}-12-31"' in html
    assert 'id="summary"' in html
    assert response.headers["Cache-Control"] == "no-store"


# --------------------------------------------------------------------------- annual report


def test_annual_report_by_theme_sdg_and_site(as_role, db):
    project = factories.project(title="Multidisciplinary room", theme=Theme.CONSTRUCTION,
                                start_date=date(2026, 3, 1), end_date=date(2026, 3, 31),
                                site_=factories.site(name="Maggamane centre"))
    project.sdgs = [4, 11]
    placement = factories.placement(factories.volunteer(factories.organisation()), project)
    factories.hours(placement, date(2026, 3, 31), "6")
    db.session.commit()
    client, _ = as_role("coordinator")

    html = client.get("/reports/annual/2026").get_data(as_text=True)
    assert "Annual report 2026" in html
    assert "Construction and renovation" in html
    assert "4. Quality education" in html and "11. Sustainable cities and communities" in html
    assert "Maggamane centre" in html
    assert "6.00" in html

    csv_response = client.get("/reports/annual/2026?format=csv")
    assert csv_response.headers["Content-Disposition"] == (
        "attachment; filename=aljisr-annual-report_2026-01-01_2026-12-31.csv")
    assert "Multidisciplinary room" in csv_response.data.decode("utf-8-sig")
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    pdf = client.get("/reports/annual/2026?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = client.get("/reports/annual/2026?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")


# --------------------------------------------------------------------------- statements


@pytest.mark.parametrize("fmt", ["html", "pdf", "csv", "xlsx"])
def test_statements_per_report_do_not_grow_with_its_rows(as_role, db, fmt):
    from tests.support.reports_data import sending_organisation_with

    client, _ = as_role("coordinator")
    small = sending_organisation_with(5, name="Small")
    large = sending_organisation_with(60, name="Large")
    db.session.commit()
    url = "/reports/organisations/{}?start=2026-01-01&end=2026-06-30&format=" + fmt
    with queries_sent() as few:
        assert client.get(url.format(small.id)).status_code == 200
    with queries_sent() as many:
        assert client.get(url.format(large.id)).status_code == 200
    assert len(many) == len(few), many


def test_the_report_pdf_names_the_association_in_the_interface_language(as_role, db):
    from tests.support.certificates import pdf_text

    client, user = as_role("coordinator")
    user.locale = "fr"
    db.session.commit()
    text = " ".join(pdf_text(client.get("/reports/annual/2026?format=pdf").data).split())
    assert "Association Al Jisr pour la Communication" in text
    assert "Al Jisr Association for Communication" not in text
