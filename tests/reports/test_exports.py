"""Report downloads through the app: CSV (BOM, formula neutralisation, scripts intact), XLSX
(typed cells, no formulas), PDF (totals, scripts, page splits), file names."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest

from aljisr import downloads, spreadsheets
from aljisr.i18n import _, force_locale, format_date, ngettext
from aljisr.organisations.models import OrganisationKind
from aljisr.reports import exports, pdf, queries
from tests.support import factories
from tests.support.reports_data import sending_organisation_with

# Names reach the database trimmed (aljisr.text.clean_text), so a leading tab or carriage
# return is tested on the exporters directly (test_tab_and_carriage_return_...).
FORMULA_NAMES = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"]
SCRIPT_NAMES = ["Léa Fontaine-Éluard", "فاطمة الزهراء بنعلي", "Ольга Петренко",
                "Amina (أمينة) Zhou", "山田 さくら"]
PERIOD = "start=2026-01-01&end=2026-06-30"


def _url(org, fmt, period=PERIOD):
    return f"/reports/organisations/{org.id}?{period}&format={fmt}"


@pytest.fixture
def named_world(db):
    """A sending organisation whose volunteers have formula-like and multi-script names."""
    sender = factories.organisation(OrganisationKind.SENDING, name="Passerelles Solidaires")
    project = factories.project(title="=cmd|' /C calc'!A0", start_date=date(2026, 1, 1),
                                end_date=date(2026, 6, 30))
    for index, name in enumerate(FORMULA_NAMES + SCRIPT_NAMES):
        placement = factories.placement(
            factories.volunteer(sender, full_name=name, nationality="MA"), project,
            start_date=date(2026, 1, 1) + timedelta(days=index), end_date=date(2026, 6, 30))
        factories.hours(placement, date(2026, 6, 30), "2.5")  # the last day of the period
    db.session.commit()
    return sender


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))


# --------------------------------------------------------------------------- CSV


def test_csv_has_a_bom_a_header_and_neutralised_formula_cells(as_role, named_world):
    client, _ = as_role("coordinator")
    response = client.get(_url(named_world, "csv"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["Volunteer", "Nationality", "Project", "Site", "Start", "End",
                       "Days in period", "Approved hours"]
    assert len(rows) == 1 + len(FORMULA_NAMES) + len(SCRIPT_NAMES)
    names = {row[0] for row in rows[1:]}
    for name in FORMULA_NAMES:
        assert "'" + name in names  # neutralised: a leading quote, then the name as typed
    for name in SCRIPT_NAMES:
        assert name in names  # accents and Arabic intact
    for row in rows[1:]:
        assert row[2] == "'=cmd|' /C calc'!A0"
        assert row[1] == "Morocco"
        assert row[5] == "2026-06-30"
        assert row[7] == "2.50"  # the entry on the last day of the period counts
        # no cell starts with a character a spreadsheet would evaluate
        assert not any(cell.startswith(spreadsheets.FORMULA_TRIGGERS) for cell in row)


# Project title holding both delimiters: it must come back as one cell in every language.
DELIMITED_TITLE = "Chantier; école, phase 1"


@pytest.fixture
def decimal_world(db):
    """A sending organisation whose two volunteers (accents, Arabic) have 3.25 hours each on a
    project whose title holds a semicolon and a comma."""
    sender = factories.organisation(OrganisationKind.SENDING, name="Passerelles Solidaires")
    project = factories.project(title=DELIMITED_TITLE, start_date=date(2026, 1, 1),
                                end_date=date(2026, 6, 30))
    for name in ("Léa Fontaine-Éluard", "فاطمة الزهراء بنعلي", "=1+2"):
        placement = factories.placement(
            factories.volunteer(sender, full_name=name, nationality="MA"), project,
            start_date=date(2026, 1, 5), end_date=date(2026, 3, 31))
        factories.hours(placement, date(2026, 1, 5), "3.25")
    db.session.commit()
    return sender


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_csv_cells_are_the_same_in_every_language(as_role, db, decimal_world, locale):
    """One rule (RFC 4180 as spreadsheets read it): "," between cells, "." decimals, no
    grouping; only the titles are translated (tests/reports/test_csv_spreadsheet.py opens the
    files with LibreOffice)."""
    client, user = as_role("coordinator")
    user.locale = locale
    db.session.commit()
    response = client.get(_url(decimal_world, "csv"))

    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM kept
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    with force_locale(locale):
        assert rows[0] == exports.column_titles()  # the header, split into its 8 titles
    assert len(rows) == 4 and all(len(row) == 8 for row in rows)
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Léa Fontaine-Éluard", "فاطمة الزهراء بنعلي", "'=1+2"}
    for row in by_name.values():
        assert row[2] == DELIMITED_TITLE  # one cell, although it holds both delimiters
        assert row[4:7] == ["2026-01-05", "2026-03-31", "86"]  # ISO dates, plain count
        assert row[7] == "3.25"
    # the cell holding the delimiter is quoted in the file itself (RFC 4180)
    assert f',"{DELIMITED_TITLE}",' in text
    assert "3,25" not in text


def test_tab_and_carriage_return_cells_are_neutralised_in_csv_and_kept_as_text_in_xlsx(app):
    row = queries.ReportPlacement(1, "\tTab", "\rReturn", "=1+1", "-x", date(2026, 1, 1),
                               date(2026, 1, 2), 2, Decimal("1.50"))
    report = queries.Report("Activity report", "Org", "Sending organisation",
                            queries.Period(date(2026, 1, 1), date(2026, 1, 31)),
                            queries.Totals(1, 1, 2, Decimal("1.50")), (), None, rows=(row,))
    cells = next(csv.reader(io.StringIO(
        exports.report_csv(report).decode("utf-8-sig").split("\r\n", 1)[1], newline="")))
    assert cells[:4] == ["'\tTab", "'\rReturn", "'=1+1", "'-x"]
    assert cells[4:] == ["2026-01-01", "2026-01-02", "2", "1.50"]
    sheet = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(report)))["Placements"]
    # (XML turns a stored carriage return into a line feed when the file is read back)
    assert [c.value for c in sheet[2]][:4] == ["\tTab", "\nReturn", "=1+1", "-x"]
    assert all(c.data_type == "s" and c.quotePrefix for c in sheet[2][:4])


def test_neutralise_only_touches_text_starting_with_a_trigger():
    assert spreadsheets.neutralise("=1+2") == "'=1+2"
    assert spreadsheets.neutralise("\r\n=1") == "'\r\n=1"
    assert spreadsheets.neutralise("a=1") == "a=1"
    assert spreadsheets.neutralise("Ольга") == "Ольга"
    assert spreadsheets.neutralise(-2) == -2
    assert spreadsheets.neutralise(Decimal("1.5")) == Decimal("1.5")
    assert spreadsheets.neutralise(None) is None


# --------------------------------------------------------------------------- XLSX


def test_xlsx_has_typed_cells_bold_header_no_formula_and_a_totals_sheet(as_role, named_world):
    client, _ = as_role("coordinator")
    response = client.get(_url(named_world, "xlsx"))

    assert response.status_code == 200
    assert response.mimetype == exports.XLSX_MIMETYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Placements", "Totals"]
    sheet = workbook["Placements"]
    assert [c.value for c in sheet[1]][:4] == ["Volunteer", "Nationality", "Project", "Site"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["G"].width
    for workbook_sheet in workbook.worksheets:
        for row in workbook_sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert set(names) == set(FORMULA_NAMES + SCRIPT_NAMES)  # stored as typed, as strings
    hyperlink = next(r for r in sheet.iter_rows(min_row=2) if r[0].value.startswith("="))
    assert hyperlink[0].data_type == "s" and hyperlink[0].quotePrefix
    assert hyperlink[2].value == "=cmd|' /C calc'!A0" and hyperlink[2].data_type == "s"
    first = next(sheet.iter_rows(min_row=2))
    assert isinstance(first[4].value, datetime) and first[4].is_date
    assert first[5].value == datetime(2026, 6, 30)
    assert isinstance(first[6].value, int)
    assert first[7].value == 2.5 and first[7].data_type == "n"

    totals = workbook["Totals"]
    values = [[c.value for c in row] for row in totals.iter_rows()]
    count = len(FORMULA_NAMES + SCRIPT_NAMES)
    days = sum(181 - i for i in range(count))  # placement i starts i days after 1 January
    assert ["Volunteers", "Placements", "Placement days", "Approved hours", None] in values
    assert [count, count, days, 2.5 * count, None] in values
    assert ["By nationality", None, None, None, None] in values
    assert ["Morocco", count, count, days, 2.5 * count] in values
    assert ["Total", count, count, days, 2.5 * count] in values


# --------------------------------------------------------------------------- file names


def test_file_names_carry_organisation_and_period(as_role, named_world):
    client, _ = as_role("coordinator")
    for fmt in ("pdf", "csv", "xlsx"):
        response = client.get(_url(named_world, fmt))
        assert response.headers["Content-Disposition"] == (
            f"attachment; filename=aljisr-report_Passerelles-Solidaires_2026-01-01_2026-06-30"
            f".{fmt}")
        assert response.headers["Cache-Control"] == "no-store"


def test_non_ascii_organisation_name_uses_rfc_5987_filename(as_role, db):
    org = factories.organisation(OrganisationKind.HOST, name="جمعية الجسر / تطوان")
    db.session.commit()
    client, _ = as_role("coordinator")
    response = client.get(_url(org, "csv"))
    disposition = response.headers["Content-Disposition"]
    # filename*=UTF-8''<percent-encoded UTF-8> (RFC 5987) and an ASCII fallback (RFC 6266)
    assert "filename*=UTF-8''aljisr-report_" in disposition
    encoded = disposition.split("filename*=UTF-8''")[1]
    from urllib.parse import unquote

    assert unquote(encoded) == "aljisr-report_جمعية-الجسر-تطوان_2026-01-01_2026-06-30.csv"
    assert disposition.startswith(
        "attachment; filename=aljisr-report_2026-01-01_2026-06-30.csv; ")

    org.name = "Crèche Éole"
    db.session.commit()
    disposition = client.get(_url(org, "pdf")).headers["Content-Disposition"]
    assert disposition == (
        "attachment; filename=aljisr-report_Creche-Eole_2026-01-01_2026-06-30.pdf; "
        "filename*=UTF-8''aljisr-report_Cr%C3%A8che-%C3%89ole_2026-01-01_2026-06-30.pdf")


def test_slugify_keeps_letters_and_drops_dangerous_characters():
    assert downloads.slugify("Passerelles Solidaires") == "Passerelles-Solidaires"
    assert downloads.slugify("Brückenbau Freiwilligendienste e.V.") == (
        "Brückenbau-Freiwilligendienste-e.V")
    assert downloads.slugify('a/b\\c:d*e?"f<g>h|i') == "a-b-c-d-e-f-g-h-i"
    assert downloads.slugify("evil\u202egpj.exe") == "evil-gpj.exe"  # no right-to-left override
    assert downloads.slugify("under_score") == "under-score"


# --------------------------------------------------------------------------- PDF


def test_pdf_shows_totals_and_names_in_every_script(as_role, named_world):
    client, _ = as_role("coordinator")
    response = client.get(_url(named_world, "pdf"))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "Activity report" in text
    assert "Passerelles Solidaires" in text
    assert "22.50" in text  # approved hours (9 x 2.5), the last day of the period included
    assert "By project" in text and "By site" in text and "By nationality" in text
    assert "Ольга Петренко" in text
    assert "Léa Fontaine-Éluard" in text
    assert "فاطمة الزهراء بنعلي" in text  # shaped for drawing, extracted back (NFKC)
    assert '=HYPERLINK("http://' in text  # printed as typed (wrapped after the /)


def test_pdf_prints_markup_like_names_literally(as_role, db):
    sender = factories.organisation(OrganisationKind.SENDING, name="A & B <Partners>")
    factories.placement(factories.volunteer(sender, full_name="<b>Bold</b> & <font>"),
                        factories.project(start_date=date(2026, 1, 1),
                                          end_date=date(2026, 1, 31)))
    db.session.commit()
    client, _ = as_role("coordinator")
    text = " ".join(_pdf_text(client.get(_url(sender, "pdf")).data).split())  # unwrap
    assert "<b>Bold</b> & <font>" in text
    assert "A & B <Partners>" in text


def test_pdf_uses_the_requesters_language_for_dates_and_countries(as_role, named_world, db):
    client, user = as_role("coordinator")
    user.locale = "fr"
    db.session.commit()
    text = _pdf_text(client.get(_url(named_world, "pdf")).data)
    assert "Maroc" in text and "Morocco" not in text
    assert "1er janvier 2026" in text


@pytest.mark.parametrize("fmt", ["pdf", "csv", "xlsx"])
def test_a_partner_with_500_placements_downloads_every_format(as_role, db, fmt, tmp_path):
    sender = sending_organisation_with(500)
    db.session.commit()
    client, user = as_role("sending")
    user.organisation_id = sender.id
    db.session.commit()

    response = client.get(f"/reports/mine?{PERIOD}&format={fmt}")

    assert response.status_code == 200
    expected_hours = "3,500.00" if fmt == "pdf" else "3500"
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
        assert len(rows) == 501
        assert sum(Decimal(r[7]) for r in rows[1:]) == Decimal(expected_hours)
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Placements"]
        assert sheet.max_row == 501
        assert sum(r[7].value for r in sheet.iter_rows(min_row=2)) == float(expected_hours)
    else:
        reader = pypdf.PdfReader(io.BytesIO(response.data))
        assert len(reader.pages) >= 10
        text = _pdf_text(response.data)
        assert expected_hours in text and "10,500" in text  # hours and placement days
        assert "Ольга Петренко 1" in text and "فاطمة الزهراء بنعلي" in text
        # the placements table splits across pages and repeats its header on each one
        path = Path(tmp_path) / "report.pdf"
        path.write_bytes(response.data)
        for page in (len(reader.pages) - 1, len(reader.pages)):
            layout = subprocess.run(
                ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                check=True, capture_output=True, text=True).stdout
            assert "Volunteer" in layout and "Nationality" in layout and "Approved" in layout


# --------------------------------------------------------------------------- PDF in each language


def _without_controls(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_pdf_headers_wrap_between_words_and_dates_are_written_in_the_language(
        app, decimal_world, locale):
    from aljisr.i18n import text_direction
    from aljisr.templating import country_name

    with app.test_request_context(), force_locale(locale):
        report = queries.organisation_report(
            decimal_world, queries.Period(date(2026, 1, 1), date(2026, 6, 30)), country_name)
        layout = pdf._Layout(text_direction(locale))
        rows_table = pdf._rows_table(report, layout)
        tables = [rows_table] + [pdf._breakdown_table(b, report.totals, layout)
                                 for b in report.breakdowns]
        dates = f"{format_date(date(2026, 1, 5), 'medium')}\n{format_date(date(2026, 3, 31))}"
    for table in tables:
        table.wrap(pdf.FRAME_WIDTH, pdf.PAGE_HEIGHT)  # lays out every cell in its column
        assert sum(table._colWidths) == pytest.approx(pdf.FRAME_WIDTH)
        for (cell,) in table._cellvalues[0]:  # the header: each line holds whole words
            assert " ".join(cell._lines).split() == cell.text.split(), cell._lines
    date_column = 2 if layout.rtl else 4  # columns run right to left in Arabic
    (cell,) = rows_table._cellvalues[1][date_column]
    assert cell.text == dates and "2026-01-05" not in cell.text
    assert len(cell._lines) == 2  # one line per date, none cut


def test_fit_widths_makes_room_for_the_longest_header_word():
    from aljisr.pdf.text import wrap

    header = ["Bénévole", "Projet", "Heures approuvées"]  # "approuvées" needs about 43 pt
    fitted = pdf.fit_widths(header, [60.0, 300.0, 40.0], flexible=1)
    assert sum(fitted) == pytest.approx(400.0) and fitted[1] < 300.0  # taken from "Projet"
    for title, width in zip(header, fitted, strict=True):
        lines = wrap(title, width - pdf.CELL_PADDING, pdf.HEADER_SIZE, bold=True)
        assert " ".join(lines).split() == title.split(), lines  # between words only


def test_french_pdf_writes_every_number_and_date_the_french_way(as_role, db, decimal_world):
    client, user = as_role("coordinator")
    user.locale = "fr"
    db.session.commit()
    text = _pdf_text(client.get(_url(decimal_world, "pdf")).data)

    assert "9,75" in text  # 3 x 3.25 hours: summary, chart, tables
    assert re.search(r"\d\.\d", text) is None  # no decimal point anywhere, chart included
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None  # no ISO date
    with force_locale("fr"):
        assert format_date(date(2026, 1, 5), "medium") in text  # "5 janv. 2026"
        period = ngettext("%(start)s to %(end)s inclusive (%(days)s day)",
                          "%(start)s to %(end)s inclusive (%(days)s days)", 181,
                          start=format_date(date(2026, 1, 1), "long"),
                          end=format_date(date(2026, 6, 30), "long"), days="181")
    assert _without_controls(period) in " ".join(text.split())


def test_pdf_chart_values_match_the_tables_and_a_one_day_period_is_singular(
        as_role, decimal_world):
    client, _user = as_role("coordinator")
    text = _pdf_text(client.get(_url(decimal_world, "pdf")).data)
    assert re.search(r"(?<![\d.])\d+\.\d(?!\d)", text) is None  # the chart said "9.8"
    assert text.count("9.75") >= 4  # summary, chart bar, by project, by site, ...

    one_day = _pdf_text(client.get(_url(decimal_world, "pdf",
                                         "start=2026-01-05&end=2026-01-05")).data)
    assert "January 5, 2026 to January 5, 2026 inclusive (1 day)" in " ".join(one_day.split())
    assert _("Approved hours") in one_day


def test_a_funders_report_names_it_a_funder_in_the_readers_language(as_role, db):
    client, _ = as_role("coordinator")
    funder = factories.organisation(OrganisationKind.FUNDER, name="British Foundation")
    project = factories.project(funder=funder, start_date=date(2026, 1, 1),
                                end_date=date(2026, 6, 30))
    factories.placement(factories.volunteer(None, full_name="Inès Benali"), project,
                        start_date=date(2026, 1, 1), end_date=date(2026, 6, 30))
    db.session.commit()
    url = f"/reports/organisations/{funder.id}?start=2026-01-01&end=2026-06-30&format=pdf"
    text = _pdf_text(client.get(url).data)
    assert "Funder" in text and "Partner" not in text and "Inès Benali" in text
    client.post("/language", data={"language": "fr", "next": "/home"})
    text = _pdf_text(client.get(url).data)
    assert "Bailleur de fonds" in text and "Partenaire" not in text
