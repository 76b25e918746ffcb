"""Reading a volunteer list as partners' programs write it: CSV (any usual encoding and
delimiter, a byte-order mark, quoted line breaks), XLSX and ODS (python-calamine), and
Volunteer Exchange Forms (VEF XML, read with defusedxml so that no entity is ever resolved).

Everything comes out as one :class:`Table` of text cells; every refusal is a
:class:`ReadError` whose message names the file, and the row or cell where there is one.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from aljisr.errors import DomainError
from aljisr.i18n import _

#: Delimiters a spreadsheet program writes, in the order a tie is settled.
DELIMITERS = (",", ";", "\t", "|")

#: Encodings offered when the detected one is wrong (Python codec names).
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "iso-8859-1", "cp1256", "mac-roman")

#: Code pages preferred when they read a file exactly as the detected one does.
WESTERN = ("cp1252",)

#: File kinds by extension.
KINDS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".ods": "ods",
         ".xml": "vef", ".vef": "vef"}

XLSX_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class ReadError(DomainError):
    """A file that cannot be read as a volunteer list; the message names the file and, when
    there is one, the row or cell. ``field`` is ``"file"``."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass
class Table:
    """A volunteer list read from a file.

    ``rows`` are lists of text cells as long as ``headers``; ``row_numbers[i]`` is the row (or
    VEF record) number of ``rows[i]`` in the file, the header being row 1. ``cell_errors`` maps
    (row index, column index) to a message for cells that cannot be used (a formula without
    a computed value); ``notes`` are remarks to show (formulas whose computed value was taken).
    """

    file_name: str
    kind: str
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    cell_errors: dict[tuple[int, int], str] = field(default_factory=dict)


def file_kind(file_name: str) -> str:
    """``"csv"``, ``"xlsx"``, ``"ods"`` or ``"vef"`` from the file's extension.

    :raises ReadError: any other extension.
    """
    kind = KINDS.get(PurePath(file_name).suffix.lower())
    if kind is None:
        raise ReadError(_("%(file)s is not a file we can read: send a CSV, XLSX or ODS "
                          "spreadsheet or a VEF (XML) file.", file=file_name))
    return kind


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB" (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_upload(upload: Any, max_bytes: int) -> tuple[str, bytes, int]:
    """An uploaded file (Werkzeug ``FileStorage``) as (name, bytes, size): read no further than
    one byte past ``max_bytes`` (so that :func:`read_table` refuses it with its real size),
    then closed."""
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    data = stream.read(max_bytes + 1)
    upload.close()
    return upload.filename or "file", data, size


def read_table(file_name: str, data: bytes, *, max_bytes: int, encoding: str | None = None,
               delimiter: str | None = None, size: int | None = None) -> Table:
    """Read ``data`` (the whole file) as a :class:`Table`.

    :param max_bytes: the largest file accepted (``IMPORT_MAX_BYTES``).
    :param encoding, delimiter: CSV only; None detects them.
    :param size: the file's size in bytes when ``data`` holds only its beginning (an upload
        read no further than the limit).
    :raises ReadError: wrong type, too large, empty, header only, unreadable, not
        well-formed, an XML entity declaration, or all rows in one column.
    """
    kind = file_kind(file_name)
    size = max(size or 0, len(data))
    if size > max_bytes:
        raise ReadError(_("%(file)s is too large (%(size)s MB); the limit is %(limit)s MB.",
                          file=file_name, size=f"{size / 2**20:.1f}",
                          limit=f"{max_bytes / 2**20:g}"))
    if not data.strip():
        raise ReadError(_("%(file)s is empty.", file=file_name))
    if kind == "csv":
        table = _read_csv(file_name, data, encoding, delimiter)
    elif kind == "vef":
        table = _read_vef(file_name, data)
    else:
        table = _read_workbook(file_name, data, kind)
    if not table.rows:
        raise ReadError(_("%(file)s holds a header row but no volunteer.", file=file_name))
    if kind != "vef" and len(table.headers) == 1:
        raise ReadError(_("Every row of %(file)s lands in one column: choose the delimiter "
                          "the file uses (or save it again with commas or semicolons).",
                          file=file_name))
    return table


# --- CSV -------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """The file's encoding: a byte-order mark first, then UTF-8 if it decodes, then
    charset-normalizer's best guess (cp1252 if it has none)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes  # only for files not in UTF-8

        best = from_bytes(data[:200_000]).best()
        if best is None:
            return "cp1252"
        # a short Western text reads the same in several code pages: say the one Windows
        # writes in Western Europe when it gives the very same text
        text = str(best)
        for preferred in WESTERN:
            try:
                if data[:200_000].decode(preferred) == text:
                    return preferred
            except UnicodeDecodeError:
                continue
        return best.encoding
    return "utf-8"


def detect_delimiter(text: str) -> str:
    """The delimiter among , ; TAB | that splits the first lines most consistently."""
    sample = text[:50_000]
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        return max(DELIMITERS, key=lambda d: counts[d])


def _read_csv(file_name: str, data: bytes, encoding: str | None,
              delimiter: str | None) -> Table:
    encoding = encoding or detect_encoding(data)
    if b"\x00" in data[:65536] and not encoding.lower().startswith(("utf-16", "utf-32")):
        # text in a one-byte encoding or UTF-8 never holds NUL: an image, a PDF... renamed
        raise ReadError(_("%(file)s is not a spreadsheet or a text file (it holds binary "
                          "data): send a CSV, XLSX or ODS spreadsheet or a VEF (XML) file.",
                          file=file_name))
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise ReadError(_("%(file)s cannot be read as %(encoding)s: choose another encoding.",
                          file=file_name, encoding=encoding)) from error
    text = text.removeprefix("\ufeff")
    delimiter = delimiter or detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        # numbered as a spreadsheet program shows the file: one row per record, even when a
        # quoted cell holds line breaks
        for number, cells in enumerate(reader, start=1):
            records.append((number, cells))
    except csv.Error as error:
        raise ReadError(_("%(file)s, line %(line)s: %(error)s", file=file_name,
                          line=reader.line_num, error=str(error))) from error
    table = _table(file_name, "csv", records)
    table.encoding, table.delimiter = encoding, delimiter
    return table


#: What makes a spreadsheet run a cell as a formula (OWASP "CSV Injection"); exports put an
#: apostrophe in front of such text (aljisr.reports.exports.neutralise).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def unneutralise(cell: str) -> str:
    """Take off the apostrophe an export put in front of text a spreadsheet would run as a
    formula (``'+33 6 12`` -> ``+33 6 12``); any other text is returned as it is."""
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def _table(file_name: str, kind: str, records: list[tuple[int, list[str]]]) -> Table:
    """Header = the first non-blank record; blank records are dropped; cells trimmed and
    un-neutralised (:func:`unneutralise`)."""
    records = [(n, [unneutralise(c.strip()) for c in cells]) for n, cells in records
               if any(c.strip() for c in cells)]
    if not records:
        raise ReadError(_("%(file)s is empty.", file=file_name))
    headers = records[0][1]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    rows, numbers = [], []
    for number, cells in records[1:]:
        rows.append((cells + [""] * width)[:width])
        numbers.append(number)
    return Table(file_name, kind, headers, rows, numbers)


# --- XLSX and ODS ------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_workbook(file_name: str, data: bytes, kind: str) -> Table:
    # imported here, not with the module: only an uploaded workbook needs it
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        values = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        raise ReadError(_("%(file)s is not a readable %(kind)s workbook (damaged, or another "
                          "kind of file).", file=file_name, kind=kind.upper())) from error
    table = _table(file_name, kind, [(i + 1, [_cell_text(v) for v in row])
                                     for i, row in enumerate(values)])
    _check_merged(table, getattr(sheet, "merged_cell_ranges", None) or [])
    if kind == "xlsx":
        _check_formulas(table, data)
    else:
        _check_ods_formulas(table, data)
    return table


def _check_merged(table: Table, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Cells merged across rows hold their value in the first row only: the others are
    refused (which row the value belongs to is the partner's to say)."""
    row_index = {number: i for i, number in enumerate(table.row_numbers)}
    for (first_row, first_column), (last_row, last_column) in ranges:
        for row in range(first_row + 1, last_row + 1):
            if row + 1 not in row_index:
                continue
            for column in range(first_column, min(last_column + 1, len(table.headers))):
                table.cell_errors[(row_index[row + 1], column)] = _(
                    "Cell %(cell)s is merged with %(first)s: unmerge the cells and fill in "
                    "each row.", cell=f"{column_letter(column)}{row + 1}",
                    first=f"{column_letter(first_column)}{first_row + 1}")

def _check_formulas(table: Table, data: bytes) -> None:
    """Formulas of the first sheet: their computed (cached) value is taken and noted; a formula
    with no computed value (a file no spreadsheet program has recalculated) is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = sorted(n for n in archive.namelist()
                           if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            if not names:
                return
            root = SafeET.fromstring(archive.read(names[0]))
    except (zipfile.BadZipFile, KeyError, SafeET.ParseError, DefusedXmlException):
        return
    row_index = {number: i for i, number in enumerate(table.row_numbers)}
    for cell in root.iter(f"{XLSX_NS}c"):
        if cell.find(f"{XLSX_NS}f") is None:
            continue
        ref = cell.get("r", "")
        letters = "".join(ch for ch in ref if ch.isalpha())
        number = int("".join(ch for ch in ref if ch.isdigit()) or 0)
        value = cell.find(f"{XLSX_NS}v")
        if value is not None and (value.text or "") != "":
            table.notes.append(_("Cell %(cell)s holds a formula: its computed value was taken.",
                                 cell=ref))
        elif number in row_index:
            column = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters))) - 1
            table.cell_errors[(row_index[number], column)] = _(
                "Cell %(cell)s holds a formula with no computed value: type the value itself.",
                cell=ref)


ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
#: Attributes where an ODS cell keeps the value its formula computed (OpenDocument 1.3,
#: part 3, 19.385-19.389: office:value, office:date-value, ...).
ODS_VALUES = tuple(f"{ODS_OFFICE}{name}" for name in (
    "value", "date-value", "time-value", "boolean-value", "string-value"))


def _formula_found(table: Table, row_index: dict[int, int], number: int, column: int,
                   computed: bool) -> None:
    ref = f"{column_letter(column)}{number}"
    if computed:
        table.notes.append(_("Cell %(cell)s holds a formula: its computed value was taken.",
                             cell=ref))
    elif number in row_index:
        table.cell_errors[(row_index[number], column)] = _(
            "Cell %(cell)s holds a formula with no computed value: type the value itself.",
            cell=ref)


def _check_ods_formulas(table: Table, data: bytes) -> None:
    """As :func:`_check_formulas`, for the first sheet of an ODS file: a cell with a
    ``table:formula`` attribute (OpenDocument 1.3, part 3, 19.642) gives its computed value
    (an ``office:*value`` attribute, or the cell's text) or is refused. ``content.xml`` is
    read as a stream (defusedxml's iterparse, no entity resolved), each row dropped once
    read; repeated rows and columns are counted as the spreadsheet shows them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as xml:
            row_index = {number: i for i, number in enumerate(table.row_numbers)}
            depth = number = 0
            for event, element in SafeET.iterparse(xml, events=("start", "end")):
                if element.tag == f"{ODS_TABLE}table":
                    depth += 1 if event == "start" else 0
                    if event == "end":
                        return  # the first sheet only
                if event != "end" or depth != 1 or element.tag != f"{ODS_TABLE}table-row":
                    continue
                rows = int(element.get(f"{ODS_TABLE}number-rows-repeated") or 1)
                column = 0
                for cell in element:
                    repeated = int(cell.get(f"{ODS_TABLE}number-columns-repeated") or 1)
                    if cell.get(f"{ODS_TABLE}formula") is not None:
                        computed = any(cell.get(name) is not None for name in ODS_VALUES) or (
                            cell.find(f"{ODS_TEXT}p") is not None)
                        for row in range(number + 1, number + 1 + min(rows, 1000)):
                            for offset in range(min(repeated, 1000)):
                                _formula_found(table, row_index, row, column + offset,
                                               computed)
                    column += repeated
                number += rows
                element.clear()
    except (zipfile.BadZipFile, KeyError, SafeET.ParseError, DefusedXmlException,
            ValueError):
        return


# --- VEF ---------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _read_vef(file_name: str, data: bytes) -> Table:
    """One ``<vef>`` record as the root, or many under any wrapper root; each child element
    of a record is a column named by its tag. Read as a stream (defusedxml's iterparse: no
    entity ever resolved), each record dropped once its cells are taken."""
    headers: list[str] = []
    values: list[dict[str, str]] = []
    root = None
    try:
        for event, element in SafeET.iterparse(io.BytesIO(data), events=("start", "end")):
            if root is None:
                root = element
            if event != "end" or _local(element.tag) != "vef":
                continue
            row: dict[str, str] = {}
            for child in element:
                name = _local(child.tag)
                if name not in headers:
                    headers.append(name)
                row[name] = " ".join("".join(child.itertext()).split())
            values.append(row)
            element.clear()
    except DefusedXmlException as error:
        raise ReadError(_("%(file)s declares an XML entity or DTD; such files are refused "
                          "(entities are never resolved).", file=file_name)) from error
    except SafeET.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise ReadError(_("%(file)s is not well-formed XML (line %(line)s, column "
                          "%(column)s).", file=file_name, line=line, column=column)) from error
    if not values:
        raise ReadError(_("%(file)s holds no <vef> record.", file=file_name))
    return Table(file_name, "vef", headers, [[row.get(h, "") for h in headers] for row in values],
                 list(range(1, len(values) + 1)))
