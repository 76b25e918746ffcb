"""Report pages: who may see which organisation's report, the period form (errors beside the
field, values kept, never a 500), the annual report, and statements per request."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.extensions import db as ext_db
from aljisr.organisations.models import OrganisationKind
from aljisr.projects.models import Theme
from tests import factories

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
    ("start=2026-01-01&end=2026-03-01&format=docx", "format", "Not a valid choice"),
])
def test_bad_period_shows_the_form_with_the_error_beside_the_field(as_role, query, field,
                                                                  message):
    client, user = as_role("sending")
    response = client.get(f"/reports/organisations/{user.organisation_id}?{query}")
    assert response.status_code == 400
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
    assert response.status_code == 400
    assert 'id="organisation-error"' in response.get_data(as_text=True)
    response = client.get("/reports/?year=twenty&format=html")
    assert response.status_code == 400
    assert 'id="year-error"' in response.get_data(as_text=True)
    assert 'value="twenty"' in response.get_data(as_text=True)
    response = client.get("/reports/annual/1999")
    assert response.status_code == 400
    assert "between 2000 and 2100" in response.get_data(as_text=True)
    assert client.get("/reports/annual/2026?format=exe").status_code == 400


def test_without_a_period_the_page_shows_this_years_report(as_role, db):
    client, user = as_role("sending")
    response = client.get("/reports/mine")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    year = date.today().year
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


def _statements_for(client, url):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(ext_db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(ext_db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("fmt", ["html", "pdf", "csv", "xlsx"])
def test_statements_per_report_do_not_grow_with_its_rows(as_role, db, fmt):
    from tests.reports_data import sending_organisation_with

    client, _ = as_role("coordinator")
    small = sending_organisation_with(5, name="Small")
    large = sending_organisation_with(60, name="Large")
    db.session.commit()
    url = "/reports/organisations/{}?start=2026-01-01&end=2026-06-30&format=" + fmt
    assert _statements_for(client, url.format(small.id)) == _statements_for(
        client, url.format(large.id))
