"""Cells of the spreadsheets we write (CSV and XLSX): reports, the arrivals board, a
volunteer's data, import results.

Text that a spreadsheet program would run as a formula is neutralised everywhere (OWASP, "CSV
Injection", https://owasp.org/www-community/attacks/CSV_Injection). openpyxl (and NumPy, which
it loads when present: 20 MB) is imported by the functions that write a workbook, not with this
module (docs/architecture.md §6.20).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV Injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Return ``value`` with a ``'`` in front if it is text starting with a formula trigger.

    Other values (numbers, dates, ``None``, harmless text) are returned unchanged.
    Source: OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@functools.cache
def styles() -> SimpleNamespace:
    """The workbooks' shared styles: ``bold``, ``header`` (a light teal fill) and ``title``."""
    from openpyxl.styles import Font, PatternFill

    return SimpleNamespace(bold=Font(bold=True), header=PatternFill("solid", fgColor="DCE9E8"),
                           title=Font(bold=True, size=14))

_SHEET_TITLE_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``."""
    return _SHEET_TITLE_UNSAFE.sub(" ", title)[:31].strip() or "Sheet"


def set_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one typed cell; text that looks like a formula is forced to a string."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True  # and Excel shows it as typed text, never as a formula
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, Decimal):
        cell.number_format = "0.00"
    return cell


def write_header(ws: Any, row: int, titles: Sequence[str]) -> None:
    from openpyxl.styles import Alignment

    for column, title in enumerate(titles, start=1):
        cell = set_cell(ws, row, column, title)
        cell.font = styles().bold
        cell.fill = styles().header
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def fit_widths(ws: Any, minimum: int = 8, maximum: int = 60) -> None:
    """Column widths (in characters) from the longest value of each column."""
    from openpyxl.utils import get_column_letter

    longest: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            length = 10 if isinstance(cell.value, date) else len(str(cell.value))
            longest[cell.column] = max(longest.get(cell.column, 0), length)
    for column, length in longest.items():
        ws.column_dimensions[get_column_letter(column)].width = max(minimum,
                                                                   min(maximum, length + 2))
