"""Reading a volunteer list as partners' programs write it: CSV (any usual encoding and
delimiter, a byte-order mark, quoted line breaks), XLSX and ODS (python-calamine), and
Volunteer Exchange Forms (VEF XML, read with defusedxml so that no entity is ever resolved).

A file is read as a stream (:func:`open_rows`: a :class:`Rows` whose records are read as
they are used, so that a large file is never held as one table in memory: a CSV through an
incremental decoder and :mod:`csv`, a workbook row by row from python-calamine), or as one
:class:`Table` of text cells for a small file's page (:func:`read_table`). Every refusal is a
:class:`ReadError` whose message names the file, and the row or cell where there is one.
See docs/architecture.md §6.22.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any, BinaryIO

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from aljisr.errors import DomainError
from aljisr.i18n import _, ngettext

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
    formula_cells: set[tuple[int, int]] = field(default_factory=set)

    def formulas_at(self, number: int) -> list[int]:
        """As :meth:`Rows.formulas_at` (keyed by row number)."""
        return sorted(column for row, column in self.formula_cells if row == number)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of each row, as :meth:`Rows.records`."""
        return zip(self.row_numbers, self.rows, strict=True)

    def head(self, count: int) -> list[list[str]]:
        """The first ``count`` rows' cells (a sample for the mapping page)."""
        return self.rows[:count]

    def errors_at(self, number: int) -> list[tuple[int, str]]:
        """(column index, message) of the unusable cells of row ``number``."""
        if not self.cell_errors:
            return []
        index = self.row_numbers.index(number)
        return sorted((column, message) for (row, column), message in self.cell_errors.items()
                      if row == index)


@dataclass
class Rows:
    """A volunteer list being read as a stream: its header and options are read, its rows are
    read again from the file each time :meth:`records` is called, as they are used.

    ``errors`` maps (row number, column index) to a message for cells that cannot be used;
    ``notes`` as :class:`Table`'s.
    """

    file_name: str
    kind: str
    headers: list[str]
    opener: Callable[[], Iterator[tuple[int, list[str]]]]
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    header_number: int | None = None
    #: (row number, column index) of the cells read so far whose text a spreadsheet would
    #: run as a formula (:func:`looks_like_formula`), filled as :meth:`records` reads them.
    formula_cells: set[tuple[int, int]] = field(default_factory=set)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number in the file, cells as long as ``headers``) of each row after the
        header (row ``header_number`` when title rows come before it; else the first
        non-blank one), blank rows left out, read from the file as they are used.

        :raises ReadError: a CSV that cannot be decoded or parsed further on (line named).
        """
        return _data_records(self.opener(), len(self.headers), self.header_number,
                             self.formula_cells)

    def head(self, count: int) -> list[list[str]]:
        """The first ``count`` rows' cells (a sample for the mapping page), read from the
        beginning of the file only."""
        records = self.records()
        try:
            return [cells for _number, cells in itertools.islice(records, count)]
        finally:
            records.close()

    def formulas_at(self, number: int) -> list[int]:
        """The columns of row ``number`` (once read) whose text looks like a formula."""
        return sorted(column for row, column in self.formula_cells if row == number)

    def errors_at(self, number: int) -> list[tuple[int, str]]:
        """(column index, message) of the unusable cells of row ``number``."""
        return sorted((column, message) for (row, column), message in self.errors.items()
                      if row == number) if self.errors else []


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


def open_rows(file_name: str, data: bytes | BinaryIO, *, max_bytes: int,
              encoding: str | None = None, delimiter: str | None = None,
              size: int | None = None) -> Rows:
    """Open ``data`` (the file's bytes, or a seekable binary file) as :class:`Rows`: the
    header, encoding and delimiter are read now (detection reads a bounded beginning of the
    file, and checks that the whole of it decodes without keeping it), the rows as they are
    used.

    :param max_bytes: the largest file accepted (``IMPORT_MAX_BYTES``).
    :param encoding, delimiter: CSV only; None detects them.
    :param size: the file's size in bytes when ``data`` holds only its beginning (an upload
        read no further than the limit).
    :raises ReadError: wrong type, too large, empty, header only, unreadable, not
        well-formed, an XML entity declaration, or all rows in one column.
    """
    kind = file_kind(file_name)
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    source.seek(0, 2)
    size = max(size or 0, source.tell())
    source.seek(0)
    if size > max_bytes:
        raise ReadError(_("%(file)s is too large (%(size)s MB); the limit is %(limit)s MB.",
                          file=file_name, size=f"{size / 2**20:.1f}",
                          limit=f"{max_bytes / 2**20:g}"))
    if not _has_content(source):
        raise ReadError(_("%(file)s is empty.", file=file_name))
    notes: list[str] = []
    errors: dict[tuple[int, int], str] = {}
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    if kind == "csv":
        encoding, delimiter, opener = _open_csv(file_name, source, encoding, delimiter)
    elif kind == "vef":
        encoding = delimiter = None
        opener = _read_vef(file_name, source)
    else:
        encoding = delimiter = None
        opener, merged = _open_workbook(file_name, source, kind)
        (_check_formulas if kind == "xlsx" else _check_ods_formulas)(source, notes, errors)
    records = _cleaned(opener())
    first = next(records, None)
    if first is None:
        raise ReadError(_("%(file)s is empty.", file=file_name))
    header_number = None
    if kind in ("xlsx", "ods"):
        # a title above the column titles (often merged across them): the header is the
        # first row with two cells or more
        titles = []
        while first is not None and sum(1 for cell in first[1] if cell) < 2:
            titles.append(first[0])
            first = next(records, None)
        if first is None:
            raise ReadError(_("%(file)s has no row of column titles: the first row should "
                              "hold one title per column (first name, last name, e-mail…).",
                              file=file_name))
        if titles:
            header_number = first[0]
            notes.append(str(ngettext(
                "Row %(rows)s looks like a title: the column titles were taken from row "
                "%(row)s.", "Rows %(rows)s look like titles: the column titles were taken "
                "from row %(row)s.", len(titles),
                rows=", ".join(str(n) for n in titles), row=header_number)))
    headers = first[1]
    while headers and not headers[-1]:
        headers.pop()
    if next(records, None) is None:
        raise ReadError(_("%(file)s holds a header row but no volunteer.", file=file_name))
    records.close()
    if kind != "vef" and len(headers) == 1:
        raise ReadError(_("Every row of %(file)s lands in one column: choose the delimiter "
                          "the file uses (or save it again with commas or semicolons).",
                          file=file_name))
    _check_merged(errors, merged, len(headers))
    return Rows(file_name, kind, headers, opener, encoding, delimiter, notes, errors,
                header_number)


def read_table(file_name: str, data: bytes | BinaryIO, *, max_bytes: int,
               encoding: str | None = None, delimiter: str | None = None,
               size: int | None = None) -> Table:
    """Read ``data`` (the whole file) as one :class:`Table` (:func:`open_rows`, every row
    kept): for a small file's page and the command line; a large file is checked by the
    worker from :func:`open_rows`.

    :raises ReadError: as :func:`open_rows`.
    """
    stream = open_rows(file_name, data, max_bytes=max_bytes, encoding=encoding,
                       delimiter=delimiter, size=size)
    rows, numbers = [], []
    for number, cells in stream.records():
        rows.append(cells)
        numbers.append(number)
    index = {number: i for i, number in enumerate(numbers)}
    cell_errors = {(index[number], column): message
                   for (number, column), message in stream.errors.items() if number in index}
    return Table(file_name, stream.kind, stream.headers, rows, numbers, stream.encoding,
                 stream.delimiter, stream.notes, cell_errors, set(stream.formula_cells))


def _has_content(source: BinaryIO) -> bool:
    """Whether the file holds anything but white space (read in blocks, nothing kept)."""
    try:
        while block := source.read(1 << 16):
            if block.strip():
                return True
        return False
    finally:
        source.seek(0)


def _cleaned(records: Iterator[tuple[int, list[str]]],
             formulas: set[tuple[int, int]] | None = None) -> Iterator[tuple[int, list[str]]]:
    """Blank records dropped; cells trimmed and un-neutralised (:func:`unneutralise`); the
    cells that look like a formula (and were not neutralised) added to ``formulas``."""
    for number, cells in records:
        cells = [c.strip() for c in cells]
        if formulas is not None:
            formulas.update((number, column) for column, cell in enumerate(cells)
                            if looks_like_formula(cell))
        cells = [unneutralise(c) for c in cells]
        if any(cells):
            yield number, cells


def _data_records(records: Iterator[tuple[int, list[str]]], width: int,
                  header_number: int | None = None,
                  formulas: set[tuple[int, int]] | None = None,
                  ) -> Iterator[tuple[int, list[str]]]:
    """The records after the header (row ``header_number``, or the first non-blank one),
    each as long as the header; cells that look like formulas noted in ``formulas``."""
    cleaned = _cleaned(records, formulas)
    if header_number is None:
        next(cleaned, None)
    pad = [""] * width
    for number, cells in cleaned:
        if header_number is not None and number <= header_number:
            continue
        yield number, (cells + pad)[:width]


# --- CSV -------------------------------------------------------------------------------------


#: Bytes read at the beginning of a file to detect its encoding and delimiter.
SNIFF_BYTES = 200_000


def detect_encoding(data: bytes | BinaryIO) -> str:
    """The file's encoding: a byte-order mark first, then UTF-8 if the whole file decodes
    (checked block by block, nothing kept), then charset-normalizer's best guess on its first
    :data:`SNIFF_BYTES` (cp1252 if it has none)."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    source.seek(0)
    prefix = source.read(SNIFF_BYTES)
    source.seek(0)
    if prefix.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        decoder = codecs.getincrementaldecoder("utf-8")()
        while block := source.read(1 << 16):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes  # only for files not in UTF-8

        best = from_bytes(prefix).best()
        if best is None:
            return "cp1252"
        # a short Western text reads the same in several code pages: say the one Windows
        # writes in Western Europe when it gives the very same text
        text = str(best)
        for preferred in WESTERN:
            try:
                if prefix.decode(preferred) == text:
                    return preferred
            except UnicodeDecodeError:
                continue
        return _western_unless_odd(prefix, best.encoding)
    finally:
        source.seek(0)
    return "utf-8"


#: One-byte Latin code pages charset-normalizer hesitates among for a European text (its
#: codec names, ``_`` and ``-`` dropped): cp1252 is preferred to them (:func:`_western_unless_odd`).
LATIN_NEIGHBOURS = frozenset({
    "cp1250", "cp1254", "cp1257", "cp850", "cp852", "cp858", "latin1", "iso88591",
    "iso88592", "iso88594", "iso885910", "iso885913", "iso885914", "iso885915",
    "iso885916", "iso88599", "maclatin2", "macroman", "maciceland", "macturkish"})

#: Characters of cp1252's upper half a person writes in a list (quotes, dashes, the euro,
#: degrees, ordinals, the no-break space): not a sign that the file is in another code page.
WRITTEN_SYMBOLS = frozenset("€‚„…‘’“”•–—«»°ºª§£©®·\xa0¡¿")


def _western_unless_odd(prefix: bytes, detected: str) -> str:
    """cp1252 rather than ``detected`` when ``detected`` is a neighbouring Latin code page
    (:data:`LATIN_NEIGHBOURS`) and the text read as cp1252 holds no odd character: a
    symbol of cp1252's upper half (``¹ ³ ¿ ¥ ¼ ¾``…) or ``Ÿ`` after a letter is what a
    Polish or Slovak text (cp1250's ``ą ł ż ľ ź``…) looks like read as cp1252; French,
    Spanish and German lists (``è ç œ ñ ß``, ``¿Qué``) have none. A Czech text that reads
    as cp1252 letters only is taken as cp1252: the encoding can be chosen on the page.
    The detector alone tells a short cp1252 French text from cp1250 by chance (è is č)."""
    name = detected.lower().replace("_", "").replace("-", "")
    if name not in LATIN_NEIGHBOURS:
        return detected
    try:
        text = prefix.decode("cp1252", errors="strict")
    except UnicodeDecodeError:
        return detected
    for index, char in enumerate(text):
        if ord(char) < 0x80 or (char.isalpha() and char != "Ÿ") or (
                char in WRITTEN_SYMBOLS and char not in "¡¿"):
            continue
        if index and text[index - 1].isalpha():
            return detected  # e.g. "³" in "Ko³odziej": the text is in another code page
    return "cp1252"


def detect_delimiter(text: str) -> str:
    """The delimiter among , ; TAB | that splits the first lines most consistently."""
    sample = text[:50_000]
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        return max(DELIMITERS, key=lambda d: counts[d])


def _open_csv(file_name: str, source: BinaryIO, encoding: str | None, delimiter: str | None,
              ) -> tuple[str, str, Callable[[], Iterator[tuple[int, list[str]]]]]:
    """(encoding, delimiter, opener): both detected from the file's beginning unless given;
    ``opener()`` reads the records from the start of the file as they are used (an
    incremental decoder under :func:`csv.reader`)."""
    encoding = encoding or detect_encoding(source)
    prefix = source.read(SNIFF_BYTES)
    source.seek(0)
    if b"\x00" in prefix[:65536] and not encoding.lower().startswith(("utf-16", "utf-32")):
        # text in a one-byte encoding or UTF-8 never holds NUL: an image, a PDF... renamed
        raise ReadError(_("%(file)s is not a spreadsheet or a text file (it holds binary "
                          "data): send a CSV, XLSX or ODS spreadsheet or a VEF (XML) file.",
                          file=file_name))
    undecodable = ReadError(_("%(file)s cannot be read as %(encoding)s: choose another "
                              "encoding.", file=file_name, encoding=encoding))
    try:
        # the beginning only (a character cut at its end waits for the rest: final=False)
        text = codecs.getincrementaldecoder(encoding)().decode(prefix, final=False)
    except (UnicodeDecodeError, LookupError) as error:
        raise undecodable from error
    delimiter = delimiter or detect_delimiter(text.removeprefix("\ufeff"))
    del text, prefix

    def records() -> Iterator[tuple[int, list[str]]]:
        source.seek(0)
        stream = io.TextIOWrapper(source, encoding=encoding, newline="")
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            # numbered as a spreadsheet program shows the file: one row per record, even
            # when a quoted cell holds line breaks
            for number, cells in enumerate(reader, start=1):
                if number == 1 and cells:
                    cells[0] = cells[0].removeprefix("\ufeff")
                yield number, cells
        except csv.Error as error:
            raise ReadError(_("%(file)s, line %(line)s: %(error)s", file=file_name,
                              line=reader.line_num, error=str(error))) from error
        except UnicodeDecodeError as error:
            raise undecodable from error
        finally:
            stream.detach()  # the file stays open for the next reading

    return encoding, delimiter, records


#: What makes a spreadsheet run a cell as a formula (OWASP "CSV Injection"); exports put an
#: apostrophe in front of such text (aljisr.spreadsheets.neutralise).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


_NUMBER_OR_PHONE = re.compile(r"^[+-][\d\s().\-/]*\d[\d\s().\-/]*$")


def looks_like_formula(cell: str) -> bool:
    """Whether a spreadsheet would run ``cell`` (trimmed) as a formula: it starts with ``=``
    or ``@``, or with ``+`` or ``-`` and is not a number or a phone number (``+33 6 12``,
    ``-3``) nor a dash before text (``- vegetarian``). OWASP, "CSV Injection". A cell an
    export neutralised (an apostrophe first) does not."""
    if not cell or cell[0] not in "=+-@":
        return False
    if cell[0] in "+-" and (_NUMBER_OR_PHONE.match(cell) or cell[1:2].isspace()
                            or cell == cell[0] or set(cell) <= set("+-")):
        return False
    return True


def unneutralise(cell: str) -> str:
    """Take off the apostrophe an export put in front of text a spreadsheet would run as a
    formula (``'+33 6 12`` -> ``+33 6 12``); any other text is returned as it is."""
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


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


def _open_workbook(file_name: str, source: BinaryIO, kind: str) -> tuple[
        Callable[[], Iterator[tuple[int, list[str]]]],
        list[tuple[tuple[int, int], tuple[int, int]]]]:
    """(opener, merged ranges) of the first sheet. python-calamine keeps the sheet's cells
    in its own (Rust) memory; its rows become Python text one at a time
    (``CalamineSheet.iter_rows``), numbered as the spreadsheet shows them."""
    # imported here, not with the module: only an uploaded workbook needs it
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(source)
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError) as error:
        raise ReadError(_("%(file)s is not a readable %(kind)s workbook (damaged, or another "
                          "kind of file).", file=file_name, kind=kind.upper())) from error
    finally:
        source.seek(0)
    first_column = (sheet.start or (0, 0))[1]

    def records() -> Iterator[tuple[int, list[str]]]:
        # iter_rows starts at the sheet's first row, but at its first used column
        lead = [""] * first_column
        try:
            for offset, row in enumerate(sheet.iter_rows()):
                yield offset + 1, lead + [_cell_text(v) for v in row]
        except (CalamineError, ValueError) as error:
            raise ReadError(_("%(file)s is not a readable %(kind)s workbook (damaged, or "
                              "another kind of file).", file=file_name,
                              kind=kind.upper())) from error

    return records, list(getattr(sheet, "merged_cell_ranges", None) or [])


def _check_merged(errors: dict[tuple[int, int], str],
                  ranges: list[tuple[tuple[int, int], tuple[int, int]]], width: int) -> None:
    """Cells merged across rows hold their value in the first row only: the others are
    refused (which row the value belongs to is the partner's to say). ``errors`` is keyed
    by (row number, column index)."""
    for (first_row, first_column), (last_row, last_column) in ranges:
        for row in range(first_row + 1, last_row + 1):
            for column in range(first_column, min(last_column + 1, width)):
                errors[(row + 1, column)] = _(
                    "Cell %(cell)s is merged with %(first)s: unmerge the cells and fill in "
                    "each row.", cell=f"{column_letter(column)}{row + 1}",
                    first=f"{column_letter(first_column)}{first_row + 1}")


def _check_formulas(source: BinaryIO, notes: list[str],
                    errors: dict[tuple[int, int], str]) -> None:
    """Formulas of the first sheet: their computed (cached) value is taken and noted; a formula
    with no computed value (a file no spreadsheet program has recalculated) is refused
    (``errors`` keyed by (row number, column index)). The sheet's XML is read as a stream
    (defusedxml's iterparse, no entity resolved), each row dropped once read."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = sorted(n for n in archive.namelist()
                           if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            if not names:
                return
            with archive.open(names[0]) as xml:
                for _event, cell in SafeET.iterparse(xml):
                    if cell.tag == f"{XLSX_NS}row":
                        cell.clear()
                    if cell.tag != f"{XLSX_NS}c" or cell.find(f"{XLSX_NS}f") is None:
                        continue
                    ref = cell.get("r", "")
                    letters = "".join(ch for ch in ref if ch.isalpha())
                    number = int("".join(ch for ch in ref if ch.isdigit()) or 0)
                    value = cell.find(f"{XLSX_NS}v")
                    if value is not None and (value.text or "") != "":
                        notes.append(_("Cell %(cell)s holds a formula: its computed value "
                                       "was taken.", cell=ref))
                    else:
                        column = sum((ord(ch) - 64) * 26 ** i
                                     for i, ch in enumerate(reversed(letters))) - 1
                        errors[(number, column)] = _(
                            "Cell %(cell)s holds a formula with no computed value: type the "
                            "value itself.", cell=ref)
    except (zipfile.BadZipFile, KeyError, SafeET.ParseError, DefusedXmlException):
        return
    finally:
        source.seek(0)


ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
#: Attributes where an ODS cell keeps the value its formula computed (OpenDocument 1.3,
#: part 3, 19.385-19.389: office:value, office:date-value, ...).
ODS_VALUES = tuple(f"{ODS_OFFICE}{name}" for name in (
    "value", "date-value", "time-value", "boolean-value", "string-value"))


def _formula_found(notes: list[str], errors: dict[tuple[int, int], str], number: int,
                   column: int, computed: bool) -> None:
    ref = f"{column_letter(column)}{number}"
    if computed:
        notes.append(_("Cell %(cell)s holds a formula: its computed value was taken.",
                       cell=ref))
    else:
        errors[(number, column)] = _(
            "Cell %(cell)s holds a formula with no computed value: type the value itself.",
            cell=ref)


def _check_ods_formulas(source: BinaryIO, notes: list[str],
                        errors: dict[tuple[int, int], str]) -> None:
    """As :func:`_check_formulas`, for the first sheet of an ODS file: a cell with a
    ``table:formula`` attribute (OpenDocument 1.3, part 3, 19.642) gives its computed value
    (an ``office:*value`` attribute, or the cell's text) or is refused. ``content.xml`` is
    read as a stream (defusedxml's iterparse, no entity resolved), each row dropped once
    read; repeated rows and columns are counted as the spreadsheet shows them."""
    try:
        with zipfile.ZipFile(source) as archive, archive.open("content.xml") as xml:
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
                                _formula_found(notes, errors, row, column + offset, computed)
                    column += repeated
                number += rows
                element.clear()
    except (zipfile.BadZipFile, KeyError, SafeET.ParseError, DefusedXmlException,
            ValueError):
        return
    finally:
        source.seek(0)


# --- VEF ---------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


#: Element names a file gives each volunteer's record (VEF producers and hand-made exports).
RECORD_TAGS = frozenset({"vef", "record", "volunteer", "application", "applicant",
                         "participant", "person"})


def _record_elements(element: Any) -> list[Any]:
    """The elements of ``element`` that each hold one volunteer's fields.

    An element whose children are all plain fields (no child of their own) is one record:
    a ``<vef>`` root as PLATO writes it. An element holding records (children named as
    :data:`RECORD_TAGS`, or a child name repeated with fields of its own, or nothing but
    such elements) is searched in turn: ``<applications><vef>…</vef>…</applications>``,
    ``<vef><record>…</record><record>…</record></vef>``."""
    compound = [child for child in element if len(child)]
    if not compound:
        return [element]
    counts: dict[str, int] = {}
    for child in compound:
        counts[_local(child.tag)] = counts.get(_local(child.tag), 0) + 1
    has_fields = any(not len(child) and (child.text or "").strip() for child in element)

    def holds(name: str) -> bool:
        return counts[name] >= 2 or name in RECORD_TAGS or not has_fields

    if not any(holds(name) for name in counts):
        return [element]  # fields, and a group of them (e.g. <languages>) kept as one text
    found: list[Any] = []
    for child in compound:
        if holds(_local(child.tag)):
            found += _record_elements(child)
    return found


def _read_vef(file_name: str, source: BinaryIO) -> Callable[[], Iterator[tuple[int, list[str]]]]:
    """Volunteer Exchange Form records (:func:`_record_elements`): one ``<vef>`` root as
    PLATO writes it, several ``<vef>`` under a wrapper root, or repeated record elements
    (``<record>``, ``<volunteer>``…) under a ``<vef>`` or other root. Each child element of
    a record is a column named by its tag. Read with defusedxml, no DTD allowed (neither an
    entity nor an external identifier: such a file is refused). The records' cells are
    kept (a record's columns are known only once every record is read): VEF files hold one
    or a few hundred records."""
    headers: list[str] = []
    values: list[dict[str, str]] = []
    try:
        root = SafeET.parse(source, forbid_dtd=True).getroot()
    except DefusedXmlException as error:
        raise ReadError(_("%(file)s declares an XML entity or DTD; such files are refused "
                          "(entities are never resolved).", file=file_name)) from error
    except SafeET.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise ReadError(_("%(file)s is not well-formed XML (line %(line)s, column "
                          "%(column)s).", file=file_name, line=line, column=column)) from error
    finally:
        source.seek(0)
    found = _record_elements(root)
    names = [_local(element.tag) for element in found]
    if any(names.count(name) > 1 or name in RECORD_TAGS for name in names):
        # records beside a lone group of another kind (a <meta> about the sender): records
        found = [element for element, name in zip(found, names, strict=True)
                 if names.count(name) > 1 or name in RECORD_TAGS]
    for element in found:
        row: dict[str, str] = {}
        for child in element:
            name = _local(child.tag)
            if name not in headers:
                headers.append(name)
            row[name] = " ".join("".join(child.itertext()).split())
        if any(row.values()):
            values.append(row)
    if not values:
        raise ReadError(_("%(file)s holds no <vef> record.", file=file_name))

    def records() -> Iterator[tuple[int, list[str]]]:
        # the tags as a header (record 0), then one row per record (numbered from 1)
        yield 0, list(headers)
        for number, row in enumerate(values, start=1):
            yield number, [row.get(h, "") for h in headers]

    return records
