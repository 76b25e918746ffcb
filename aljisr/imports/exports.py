"""The volunteers register as a file in the import's own columns (CSV and XLSX), so that a
list exported, edited in a spreadsheet and imported back changes only what was edited.

Headers are English names that :func:`aljisr.imports.mapping.automatic_mapping` recognises;
values are written as the import reads them: dates ISO 8601, nationality and languages as
ISO codes, CEFR levels as codes, skills separated by commas. Text that a spreadsheet could
run as a formula is neutralised (OWASP "CSV Injection", :func:`aljisr.spreadsheets.neutralise`),
and the import takes the apostrophe off again (:func:`aljisr.imports.reading.unneutralise`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from aljisr.spreadsheets import neutralise
from aljisr.volunteers.models import Volunteer

#: (header, volunteer attribute or language slot) in the order of the file.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Full name", "full_name"),
    ("Name in Arabic", "name_ar"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("Date of birth", "date_of_birth"),
    ("Nationality", "nationality"),
    ("Language 1", "language_1"),
    ("Level 1", "level_1"),
    ("Language 2", "language_2"),
    ("Level 2", "level_2"),
    ("Language 3", "language_3"),
    ("Level 3", "level_3"),
    ("Skills", "skills"),
    ("Available from", "available_from"),
    ("Available until", "available_to"),
    ("Emergency contact", "emergency_contact_name"),
    ("Emergency phone", "emergency_contact_phone"),
    ("Dietary needs", "dietary_notes"),
    ("Health notes", "health_notes"),
    ("Notes", "notes"),
)

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row_values(volunteer: Volunteer) -> list[str]:
    """One volunteer as the file's text cells (its first three languages, by code)."""
    languages = sorted(volunteer.language_levels().items())
    values: list[str] = []
    for _header, name in COLUMNS:
        if name.startswith(("language_", "level_")):
            slot = int(name[-1]) - 1
            if slot < len(languages):
                code, level = languages[slot]
                values.append(code if name.startswith("language_") else level.value)
            else:
                values.append("")
            continue
        value: Any = getattr(volunteer, name)
        if isinstance(value, list):
            value = ", ".join(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values.append("" if value is None else str(value))
    return values


def register_csv(volunteers: Iterable[Volunteer]) -> bytes:
    """The volunteers as CSV: UTF-8 with a byte-order mark (Excel then keeps accents and
    Arabic), comma-separated, CRLF, quoted where needed (RFC 4180), formulas neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for header, _name in COLUMNS])
    for volunteer in volunteers:
        writer.writerow([neutralise(v) for v in row_values(volunteer)])
    return buffer.getvalue().encode("utf-8-sig")


def register_xlsx(volunteers: Iterable[Volunteer]) -> bytes:
    """The volunteers as an XLSX workbook of text cells (never formulas), formulas
    neutralised as in the CSV."""
    from openpyxl import Workbook  # here: openpyxl (and NumPy) stay out of the web workers
    from openpyxl.cell.cell import TYPE_STRING

    book = Workbook()
    sheet = book.active
    sheet.title = "Volunteers"
    sheet.append([header for header, _name in COLUMNS])
    for row_number, volunteer in enumerate(volunteers, start=2):
        for column, value in enumerate(row_values(volunteer), start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = neutralise(value)
            cell.data_type = TYPE_STRING  # "=..." stays text, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
