"""The arrivals and departures board as CSV and XLSX, in the reader's language.

The same rule as the reports and the register exports: UTF-8 with a byte-order mark, ``,``
between cells, CRLF, RFC 4180 quoting, dates ISO 8601 (``2026-01-31``), times ``HH:MM``; column
titles and words (arrival, flight, yes) translated; text that a spreadsheet could run as a
formula neutralised (OWASP "CSV Injection", :func:`aljisr.spreadsheets.neutralise`). The
XLSX has typed date cells and the same neutralised text, never a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from aljisr.arrivals.queries import Board, BoardRow
from aljisr.downloads import slugify
from aljisr.i18n import _
from aljisr.spreadsheets import fit_widths, neutralise, set_cell, sheet_title, write_header

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def kind_title(kind: str) -> str:
    """"arrival" / "departure" in the current language."""
    return _("Arrival") if kind == "arrival" else _("Departure")


def column_titles() -> list[str]:
    """The header row, in the current language."""
    return [_("Date"), _("Time"), _("Movement"), _("Volunteer"), _("Project"), _("Site"),
            _("Status"), _("Travel"), _("Number"), _("Arrival point"), _("Pickup"),
            _("Date given by the volunteer")]


def row_values(row: BoardRow) -> list[Any]:
    """One board row as cells (a date, then text)."""
    return [row.day, row.time.strftime("%H:%M") if row.time else "", kind_title(row.kind),
            row.volunteer, row.project, row.site, row.status.title,
            row.mode.title if row.mode else "", row.number or "", row.point or "",
            (_("Yes") if row.pickup else _("No")) if row.kind == "arrival" else "",
            _("Yes") if row.planned else _("No")]


def filename(board: Board, extension: str) -> str:
    """``arrivals_<first>_<last>.<extension>`` (the first word translated)."""
    return "_".join([slugify(_("arrivals")), board.first.isoformat(),
                     board.last.isoformat()]) + "." + extension


def board_csv(board: Board) -> bytes:
    """The board as CSV bytes (see the module docstring)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(t) for t in column_titles()])
    for row in board.rows:
        values = row_values(row)
        writer.writerow([values[0].isoformat()] + [neutralise(v) for v in values[1:]])
    return buffer.getvalue().encode("utf-8-sig")


def board_xlsx(board: Board, *, rtl: bool = False) -> bytes:
    """The board as an XLSX workbook: one sheet, a header row, typed dates."""
    # with NumPy 20 MB: only when a workbook is asked for (docs/architecture.md §6.20)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(_("Arrivals and departures"))
    sheet.sheet_view.rightToLeft = rtl
    write_header(sheet, 1, column_titles())
    for number, row in enumerate(board.rows, start=2):
        for column, value in enumerate(row_values(row), start=1):
            set_cell(sheet, number, column, neutralise(value) if isinstance(value, str) else value)
    sheet.freeze_panes = "A2"
    fit_widths(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
