"""Spreadsheet exports of a :class:`~aljisr.reports.queries.Report`: CSV and XLSX, and the
file names every report format shares.

Pure: a report in, bytes out. Column titles go through gettext, so call these inside the
request whose language the file should use.

**Numbers in CSV: one rule, whatever the language.** A CSV file says nothing of its locale, so
the only reading every program shares is RFC 4180's: cells separated by ``,``, numbers with a
``.`` decimal point and no digit grouping (``945.50``, ``1234``), dates ISO 8601. LibreOffice's
import dialog and Google Sheets default to that reading, as do Python, R and pandas; a file with
``,`` decimals (what the Moroccan and French Excel locales expect) is read as *text*
(``"170,00"``) by any program not set to such a locale, and wrote Arabic numbers differently
from the web page and the PDF (``945.50``). So every language's CSV has the same cells; only
the column titles are translated. Whoever needs a file Excel opens by double click in a
comma-decimal locale downloads the XLSX, whose cells are typed and need no convention.

**Formula injection.** A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula (and some also after a leading tab or carriage return), so a volunteer named
``=HYPERLINK("http://x")`` could make a coordinator's spreadsheet fetch a URL or run a
command. Following OWASP's "CSV Injection" guidance
(https://owasp.org/www-community/attacks/CSV_Injection), every text cell starting with one of
those characters is prefixed with a single quote, and the csv module quotes cells holding
separators or double quotes (doubling the latter). Numbers and dates are written as such and
never prefixed. In XLSX, cells are typed: text that looks like a formula is stored as a
string (``data_type = "s"``) with the ``quotePrefix`` style, so it is shown, never evaluated.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from aljisr.downloads import slugify
from aljisr.i18n import _
from aljisr.reports.queries import Breakdown, Report, ReportPlacement, Totals
from aljisr.spreadsheets import (
    fit_widths,
    neutralise,
    set_cell,
    sheet_title,
    styles,
    write_header,
)

CSV_MIMETYPE = "text/csv"  # Werkzeug adds "; charset=utf-8" to text/* types
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIMETYPE = "application/pdf"


def column_titles() -> list[str]:
    """Titles of the placement columns, in the current language (same order as
    :func:`row_values`)."""
    return [_("Volunteer"), _("Nationality"), _("Project"), _("Site"), _("Start"), _("End"),
            _("Days in period"), _("Approved hours")]


def row_values(row: ReportPlacement) -> list[Any]:
    """The cells of one placement row: text, dates, an int and a Decimal."""
    return [row.volunteer, row.nationality, row.project, row.site, row.start, row.end,
            row.days_in_period, row.approved_hours]


# --------------------------------------------------------------------------- file names

def filename(report: Report, extension: str, *, ascii_only: bool = False) -> str:
    """``<prefix>_<organisation>_<start>_<end>.<extension>``, e.g.
    ``aljisr-report_Passerelles-Solidaires_2026-01-01_2026-06-30.csv``; the organisation part
    is left out when the report has none (annual report). Non-ASCII names stay as they are
    (:func:`aljisr.downloads.send_download` sends them as ``filename*=UTF-8''...``);
    ``ascii_only`` gives the fallback for old clients: accents dropped, other scripts left
    out."""
    name = slugify(report.slug_name)
    if ascii_only:
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        name = re.sub(r"-{2,}", "-", name).strip("-. ")
    parts = [report.file_prefix, name,
             report.period.start.isoformat(), report.period.end.isoformat()]
    return "_".join(p for p in parts if p) + "." + extension


# --------------------------------------------------------------------------- CSV


#: The cell separator and decimal mark of every CSV (RFC 4180 as spreadsheets read it by
#: default; see the module docstring).
CSV_DELIMITER = ","
CSV_DECIMAL = "."


def report_csv(report: Report) -> bytes:
    """The placement rows as CSV, the same cells in every language (see the module docstring).

    UTF-8 with a byte-order mark (so Excel detects the encoding and keeps accents and
    Arabic), cells separated by ``,``, CRLF line ends, a header row (translated), one row per
    placement. Cells holding the delimiter, a double quote or a line break are quoted
    (RFC 4180). Dates ISO 8601 (``2026-01-31``); hours exact to two places with a ``.``
    decimal point and no grouping (``1234.50``), in every language, so that spreadsheet
    programs read them as numbers; counts as plain digits; text cells that could run as
    formulas neutralised (:func:`neutralise`).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(t) for t in column_titles()])
    for row in report.rows:
        writer.writerow([_csv_cell(v) for v in row_values(row)])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # never grouped, "." whatever the locale
    return neutralise(value)


# --------------------------------------------------------------------------- XLSX

# openpyxl (and NumPy, which it loads when present: 20 MB) is imported by the functions that
# write a workbook, not with this module, which the CSV and the report pages also use.


def _totals_cells(totals: Totals) -> list[Any]:
    return [totals.volunteers, totals.placements, totals.placement_days, totals.approved_hours]


def _totals_titles() -> list[str]:
    return [_("Volunteers"), _("Placements"), _("Placement days"), _("Approved hours")]


def report_xlsx(report: Report, *, rtl: bool = False) -> bytes:
    """The report as an Excel workbook: a "Placements" sheet (same rows as the CSV, typed
    cells: dates as dates, numbers as numbers; bold header, frozen, filterable) and a
    "Totals" sheet (summary and each breakdown with its totals). ``rtl`` shows the sheets
    right to left (Arabic interface)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    rows_sheet = workbook.active
    rows_sheet.title = sheet_title(_("Placements"))
    write_header(rows_sheet, 1, column_titles())
    for index, row in enumerate(report.rows, start=2):
        for column, value in enumerate(row_values(row), start=1):
            set_cell(rows_sheet, index, column, value)
    rows_sheet.freeze_panes = "A2"
    last = get_column_letter(len(column_titles()))
    rows_sheet.auto_filter.ref = f"A1:{last}{max(1, len(report.rows) + 1)}"
    fit_widths(rows_sheet)

    totals_sheet = workbook.create_sheet(sheet_title(_("Totals")))
    _write_totals(totals_sheet, report)
    fit_widths(totals_sheet)
    totals_sheet.column_dimensions["A"].width = 50

    for sheet in (rows_sheet, totals_sheet):
        sheet.sheet_view.rightToLeft = rtl
    workbook.properties.creator = "Al Jisr"
    workbook.properties.title = f"{report.title} – {report.subject}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_totals(ws: Any, report: Report) -> None:
    title = set_cell(ws, 1, 1, report.title)
    title.font = styles().title
    set_cell(ws, 2, 1, report.subject)
    set_cell(ws, 3, 1, _("Period"))
    set_cell(ws, 3, 2, report.period.start)
    set_cell(ws, 3, 3, report.period.end)
    write_header(ws, 5, _totals_titles())
    for column, value in enumerate(_totals_cells(report.totals), start=1):
        set_cell(ws, 6, column, value)
    row = 8
    for breakdown in report.breakdowns:
        row = _write_breakdown(ws, row, breakdown, report.totals) + 1


def _write_breakdown(ws: Any, row: int, breakdown: Breakdown, totals: Totals) -> int:
    """Write one breakdown from ``row``; return the next free row."""
    set_cell(ws, row, 1, breakdown.title).font = styles().bold
    write_header(ws, row + 1, [breakdown.column, *_totals_titles()])
    row += 2
    for group in breakdown.rows:
        for column, value in enumerate([group.label, *_totals_cells(group.totals)], start=1):
            set_cell(ws, row, column, value)
        row += 1
    if breakdown.additive and breakdown.rows:
        for column, value in enumerate([_("Total"), *_totals_cells(totals)], start=1):
            set_cell(ws, row, column, value).font = styles().bold
        row += 1
    return row
