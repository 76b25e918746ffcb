"""Checking every row of a file before anything is saved, by the volunteer form's own rules.

Each row's cells are read (:mod:`aljisr.imports.values`), then handed to the very
:class:`~aljisr.volunteers.forms.VolunteerForm` coordinators fill in, so an imported
volunteer passes exactly the checks a typed one does. Likely duplicates come from
:func:`aljisr.volunteers.queries.find_likely_duplicates`; duplicates inside the file are found
by the same keys (e-mail in any case; normalised name and date of birth).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from aljisr.errors import UnstorableText
from aljisr.i18n import _
from aljisr.imports.mapping import TARGETS
from aljisr.imports.reading import Rows, Table, column_letter
from aljisr.imports.values import (
    detect_date_order,
    parse_country,
    parse_date,
    parse_gender,
    parse_language,
    parse_level,
)
from aljisr.text import clean_email, replace_unstorable, unstorable
from aljisr.volunteers.forms import VolunteerForm
from aljisr.volunteers.models import LanguageLevel, VolunteerStatus
from aljisr.volunteers.queries import LikelyDuplicate, find_likely_duplicates_many, name_key

#: Row choices: create a volunteer, update the likely duplicate, or leave the row out.
CREATE, UPDATE, SKIP = "create", "update", "skip"

DATE_TARGETS = ("date_of_birth", "available_from", "available_to")
#: Targets copied to the form's field of the same name as they are.
TEXT_TARGETS = ("full_name", "name_ar", "email", "phone", "skills", "emergency_contact_name",
                "emergency_contact_phone", "dietary_notes", "health_notes", "notes")
LANGUAGE_SLOTS = (1, 2, 3)
#: Targets whose text a spreadsheet would run as a formula when it starts with = + - @ is
#: refused (:func:`aljisr.imports.reading.looks_like_formula`); phone numbers start with +.
FORMULA_CHECKED = frozenset({"full_name", "first_name", "last_name", "name_ar", "email",
                             "skills", "emergency_contact_name", "dietary_notes",
                             "health_notes", "notes"})


@dataclass
class PreviewRow:
    """One row as it would be imported.

    ``errors`` are (where, message) pairs, ``where`` naming the cell ("Row 4, column C ·
    E-mail") or the row;
    ``values`` what the volunteer services take (None when the row has errors);
    ``choices`` the allowed choices, ``default`` the one taken unless changed.
    """

    index: int
    number: int
    name: str
    values: dict[str, Any] | None
    errors: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[LikelyDuplicate] = field(default_factory=list)
    same_as_row: int | None = None
    choices: tuple[str, ...] = (SKIP,)
    default: str = SKIP


@dataclass
class Preview:
    """Every row of a file checked; ``date_order`` the order used (None: ask)."""

    table: Table | Rows
    targets: list[str]
    date_order: str | None
    detected_date_order: str | None
    rows: list[PreviewRow]

    @property
    def valid(self) -> int:
        return sum(1 for row in self.rows if row.values is not None)

    @property
    def invalid(self) -> int:
        return len(self.rows) - self.valid

    @property
    def needs_date_order(self) -> bool:
        return self.date_order is None

    def stored(self) -> dict[str, Any]:
        """This preview as JSON-ready values (kept on the batch while a job checks a large
        file: ``ImportBatch.preview``); read back by :meth:`from_stored`. Each valid row's
        checked values are kept too (dates ISO 8601, enums by value), so that the commit need
        not check the rows again: only their duplicates, which the register may have
        changed (:func:`refresh_duplicates`)."""
        return {**stored_head(self.table, self.targets, self.date_order,
                              self.detected_date_order),
                "rows": [stored_row(row) for row in self.rows]}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Preview:
        """A preview read back from :meth:`stored`: each duplicate's ``volunteer`` holds just
        ``id`` and ``full_name`` until :func:`refresh_duplicates` looks them up again."""
        rows = [PreviewRow(
            row["index"], row["number"], row["name"],
            python_values(row.get("values") or {}) if row["valid"] else None,
            [(where, message) for where, message in row["errors"]],
            [LikelyDuplicate(SimpleNamespace(id=i, full_name=name),  # type: ignore[arg-type]
                             same_email, same_name)
             for i, name, same_email, same_name in row["duplicates"]],
            row["same_as_row"], tuple(row["choices"]), row["default"],
        ) for row in data["rows"]]
        table = SimpleNamespace(notes=data["notes"], headers=data.get("headers", []))
        return cls(table,  # type: ignore[arg-type]
                   data["targets"], data["date_order"], data["detected_date_order"], rows)


def stored_head(table: Table | Rows, targets: Sequence[str], date_order: str | None,
                detected: str | None) -> dict[str, Any]:
    """A stored preview's (:meth:`Preview.stored`) values other than its rows."""
    return {"notes": [str(note) for note in table.notes], "headers": list(table.headers),
            "targets": list(targets), "date_order": date_order, "detected_date_order": detected}


def stored_row(row: PreviewRow) -> dict[str, Any]:
    """One row of a stored preview (:meth:`Preview.stored`), JSON-ready."""
    return {
        "index": row.index, "number": row.number, "name": row.name,
        "valid": row.values is not None,
        "values": _json_values(row.values) if row.values is not None else None,
        "errors": [[str(where), str(message)] for where, message in row.errors],
        "duplicates": [[d.volunteer.id, d.volunteer.full_name, d.same_email,
                        d.same_name_and_birth] for d in row.duplicates],
        "same_as_row": row.same_as_row, "choices": list(row.choices),
        "default": row.default,
    }


#: Values kept as ISO 8601 dates in a stored preview.
DATE_VALUES = ("date_of_birth", "available_from", "available_to", "consent_date")


def _json_values(values: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, value in values.items():
        if name == "languages":
            value = {code: LanguageLevel(level).value for code, level in value.items()}
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, enum.Enum):
            value = value.value
        kept[name] = value
    return kept


def python_values(kept: Mapping[str, Any]) -> dict[str, Any]:
    """A volunteer's field values as stored in JSON (a preview row, an imported record's
    values before the import) back to what the volunteer services take: ISO dates as dates,
    the status and the language levels as their enums."""
    values = dict(kept)
    for name in DATE_VALUES:
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    if "status" in values:
        values["status"] = VolunteerStatus(values["status"])
    if "languages" in values:
        values["languages"] = {c: LanguageLevel(v) for c, v in values["languages"].items()}
    return values


def refresh_duplicates(result: Preview,
                       progress: Callable[[int, int], None] | None = None) -> None:
    """Look up each valid row's likely duplicates again (:data:`CHUNK` rows at a time) and
    set the rows' choices and defaults anew, as :func:`build_preview` does: for a stored
    preview about to be committed, since the register may have changed meanwhile."""
    for start in range(0, len(result.rows), CHUNK):
        chunk = result.rows[start:start + CHUNK]
        for row in chunk:
            row.duplicates, row.same_as_row = [], None
        _find_duplicates(chunk)
        if progress is not None:
            progress(start + len(chunk), len(result.rows))
    _mark_duplicates(result.rows)


def _column_of(targets: Sequence[str], target: str) -> int | None:
    return targets.index(target) if target in targets else None


def build_preview(table: Table | Rows, targets: Sequence[str], *, date_order: str | None,
                  organisation: tuple[int, str] | None,
                  progress: Callable[[int, int], None] | None = None) -> Preview:
    """Check every row of ``table`` read with one target per column (``targets``), every
    checked row kept (for a page or the command line; the worker uses :func:`check_rows`).

    :param date_order: ``"dmy"``/``"mdy"``, or None to detect it from the date columns.
    :param organisation: (id, name) of the sending organisation the volunteers come with.
    :param progress: called after each chunk with (rows checked, rows in the file).
    """
    detected, total = survey(table, targets)
    order = date_order or detected
    rows: list[PreviewRow] = []
    for chunk in check_rows(table, targets, order=order, organisation=organisation):
        rows += chunk
        if progress is not None:
            progress(len(rows), total)
    return Preview(table, list(targets), order, detected, rows)


def survey(table: Table | Rows, targets: Sequence[str]) -> tuple[str | None, int]:
    """(the date order the file's date columns show, None if they cannot tell; the number of
    rows), in one reading of the file."""
    date_columns = [i for i, t in enumerate(targets) if t in DATE_TARGETS]
    total = 0

    def dates() -> Iterator[str]:
        nonlocal total
        for _number, cells in table.records():
            total += 1
            for column in date_columns:
                yield cells[column]

    order = detect_date_order(dates())
    return order, total


def check_rows(table: Table | Rows, targets: Sequence[str], *, order: str | None,
               organisation: tuple[int, str] | None) -> Iterator[list[PreviewRow]]:
    """Check the rows of ``table`` as they are read, :data:`CHUNK` at a time: each chunk's
    likely duplicates are looked up in a few queries
    (:func:`~aljisr.volunteers.queries.find_likely_duplicates_many`), its duplicates inside
    the file marked against the rows before it, then the chunk is given to the caller (which
    keeps or stores it): the file's rows are never all held at once.

    :param order: ``"dmy"``/``"mdy"``, or None (dates other than ISO are then refused).
    """
    targets = list(targets)
    rules = FormRules(organisation)
    seen: dict[tuple[Any, ...], int] = {}
    chunk: list[PreviewRow] = []
    for index, (number, cells) in enumerate(table.records()):
        chunk.append(_check_row(table, targets, index, number, cells, order, organisation,
                                rules))
        if len(chunk) == CHUNK:
            _find_duplicates(chunk)
            _mark_duplicates(chunk, seen)
            yield chunk
            chunk = []
    if chunk:
        _find_duplicates(chunk)
        _mark_duplicates(chunk, seen)
        yield chunk


def detected_date_order(table: Table | Rows, targets: Sequence[str]) -> str | None:
    """The date order the file's date columns show (``"dmy"``/``"mdy"``), None when they
    cannot tell (see :func:`~aljisr.imports.values.detect_date_order`)."""
    return survey(table, targets)[0]


#: Rows checked between two duplicate look-ups (and progress reports).
CHUNK = 500


class FormRules:
    """The volunteer form's select choices, read once per file rather than once per row.

    Every row is still checked by a :class:`~aljisr.volunteers.forms.VolunteerForm` (its
    validators, its messages); only each select's list of allowed values, identical for every
    row, is built once here ({value: option}), and each row's form is given the one option its
    value matches (none: the form's own "Not a valid choice."). The country, language and
    level lists are hundreds long; searching them row by row was most of a file's preview.
    """

    SELECTS = ("nationality", "gender", "status", "sending_organisation_id")

    def __init__(self, organisation: tuple[int, str] | None) -> None:
        probe = VolunteerForm(formdata=MultiDict(), meta={"csrf": False})
        probe.sending_organisation_id.choices = [SelectChoice("", "—")] + (
            [SelectChoice(organisation[0], organisation[1])] if organisation else [])
        probe.languages.append_entry()
        row = probe.languages[0].form
        self.allowed: dict[str, dict[Any, SelectChoice]] = {
            name: self._options(probe[name]) for name in self.SELECTS}
        self.allowed["code"] = self._options(row.code)
        self.allowed["level"] = self._options(row.level)
        self._form: VolunteerForm | None = None
        self._parsed: dict[tuple[Any, ...], Any] = {}

    def parse(self, parser: Callable[..., Any], *args: Any) -> Any:
        """``parser(*args)`` (one of :mod:`aljisr.imports.values`), remembered for the file:
        a list repeats the same countries, languages, levels and often dates.

        :raises ValueError: as the parser, with its message.
        """
        key = (parser, *args)
        if key not in self._parsed:
            try:
                self._parsed[key] = parser(*args)
            except ValueError as problem:
                self._parsed[key] = problem
        found = self._parsed[key]
        if isinstance(found, ValueError):
            raise ValueError(str(found))
        return found

    def form(self, data: MultiDict[str, str]) -> VolunteerForm:
        """The volunteer form filled with one row's ``data`` (no CSRF: nothing is posted).

        One form per file, filled again for each row: ``process`` sets every field from
        ``data`` (a field absent from it gets its default) and rebuilds the language rows, and
        ``validate`` starts every field's errors afresh.
        """
        if self._form is None:
            self._form = VolunteerForm(formdata=data, meta={"csrf": False})
        else:
            self._form.process(formdata=data)
        return self._form

    @staticmethod
    def _options(select: Any) -> dict[Any, SelectChoice]:
        return {select.coerce(choice.value): SelectChoice(choice.value, choice.label)
                for choice in select.iter_choices()}

    def _narrow(self, select: Any, key: str) -> None:
        option = self.allowed[key].get(select.data) if select.data.__hash__ else None
        select.choices = [option] if option is not None else []

    def validate(self, form: VolunteerForm) -> bool:
        """``form.validate()``, with each select's options narrowed to the row's value."""
        for name in self.SELECTS:
            self._narrow(form[name], name)
        for entry in form.languages:
            self._narrow(entry.form.code, "code")
            self._narrow(entry.form.level, "level")
        return form.validate()


def _where(table: Table | Rows, number: int, column: int | None, label: Any) -> str:
    if column is None:
        return str(label)
    if table.kind == "vef":
        return f"{table.headers[column]} · {label}"
    return str(_("Row %(row)s, column %(column)s · %(label)s", row=number,
                 column=column_letter(column), label=label))


def _check_row(table: Table | Rows, targets: list[str], index: int, row_number: int,
               cells: list[str], order: str | None, organisation: tuple[int, str] | None,
               rules: FormRules) -> PreviewRow:
    errors: list[tuple[str, str]] = []
    for column, message in table.errors_at(row_number):
        errors.append((_where(table, row_number, column, table.headers[column]), message))
    # a cell no database can store (a NUL, which a UTF-16 file can hold) is an error beside
    # it, as in a form (issue 12); the row goes on with U+FFFD in its place, so the page never
    # carries the NUL and the form does not refuse it a second time
    for column, target in enumerate(targets):
        if column < len(cells) and target in TARGETS and unstorable(cells[column]):
            errors.append((_where(table, row_number, column, TARGETS[target]),
                           UnstorableText().message))
    cells = [replace_unstorable(value) if unstorable(value) else value for value in cells]

    for column in table.formulas_at(row_number):
        if column < len(targets) and targets[column] in FORMULA_CHECKED:
            errors.append((_where(table, row_number, column, TARGETS[targets[column]]), _(
                "“%(value)s” starts with “%(sign)s”: a spreadsheet would run it as a formula. "
                "Write it without that sign (or with an apostrophe before it if it is meant).",
                value=cells[column], sign=cells[column][0])))

    def cell(target: str) -> str:
        column = _column_of(targets, target)
        return cells[column] if column is not None else ""

    def error(target: str, message: str) -> None:
        errors.append((_where(table, row_number, _column_of(targets, target), TARGETS[target]),
                       message))

    data: MultiDict[str, str] = MultiDict()
    sources: dict[str, str] = {}  # form field -> target, to put the form's errors on a cell
    full_name = cell("full_name") or " ".join(
        part for part in (cell("first_name"), cell("last_name")) if part)
    data["full_name"] = full_name
    sources["full_name"] = "full_name" if "full_name" in targets else (
        "first_name" if "first_name" in targets else "last_name")
    for target in TEXT_TARGETS:
        if target in targets and target != "full_name":
            if target == "notes":
                notes = [f"{table.headers[i]}: {cells[i]}" if len(
                    [t for t in targets if t == "notes"]) > 1 else cells[i]
                    for i, t in enumerate(targets) if t == "notes" and cells[i]]
                data["notes"] = "\n".join(notes)
            else:
                data[target] = cell(target)
            sources[target] = target
    for target in DATE_TARGETS:
        if target in targets:
            sources[target] = target
            try:
                value = rules.parse(parse_date, cell(target), order)
            except ValueError as problem:
                error(target, str(problem))
                continue
            data[target] = value.isoformat() if value else ""
    if "nationality" in targets:
        sources["nationality"] = "nationality"
        try:
            data["nationality"] = rules.parse(parse_country, cell("nationality")) or ""
        except ValueError as problem:
            error("nationality", str(problem))
    if "gender" in targets:
        sources["gender"] = "gender"
        try:
            data["gender"] = rules.parse(parse_gender, cell("gender")) or ""
        except ValueError as problem:
            error("gender", str(problem))
    slot = 0
    for number in LANGUAGE_SLOTS:
        language_target, level_target = f"language_{number}", f"level_{number}"
        if language_target not in targets and level_target not in targets:
            continue
        code = level = None
        try:
            code = rules.parse(parse_language, cell(language_target))
        except ValueError as problem:
            error(language_target, str(problem))
        try:
            level = rules.parse(parse_level, cell(level_target))
        except ValueError as problem:
            error(level_target, str(problem))
        if code or level:
            data[f"languages-{slot}-code"] = code or ""
            data[f"languages-{slot}-level"] = level.value if level else ""
            sources[f"languages-{slot}"] = language_target if not code or level else level_target
            slot += 1
    if organisation is not None:
        data["sending_organisation_id"] = str(organisation[0])

    form = rules.form(data)
    valid = rules.validate(form)
    for name, messages in form.errors.items():
        if name == "languages":
            for position, row_errors in enumerate(messages):
                if isinstance(row_errors, dict):
                    target = sources.get(f"languages-{position}", "language_1")
                    for message in (m for ms in row_errors.values() for m in ms):
                        error(target, message)
                elif isinstance(row_errors, str):
                    error(sources.get("languages-0", "language_1"), row_errors)
            continue
        target = sources.get(name)
        for message in messages:
            if target:
                error(target, message)
            else:
                errors.append((str(form[name].label.text), message))
    row = PreviewRow(index, row_number, full_name, None, errors)
    if valid and not errors:
        values = form.values()
        mapped = set(sources) | {"sending_organisation_id"} if organisation else set(sources)
        row.values = {name: value for name, value in values.items()
                      if name in mapped or (name == "languages" and slot)}
    return row


def _find_duplicates(rows: list[PreviewRow]) -> None:
    """Each valid row's likely duplicates in the register, for the rows at once."""
    valid = [row for row in rows if row.values is not None]
    found = find_likely_duplicates_many(
        [(row.values["full_name"], row.values.get("email"), row.values.get("date_of_birth"))
         for row in valid if row.values is not None])
    for row, duplicates in zip(valid, found, strict=True):
        row.duplicates = duplicates


def _mark_duplicates(rows: list[PreviewRow],
                     seen: dict[tuple[Any, ...], int] | None = None) -> None:
    """Set each valid row's duplicates inside the file, its choices and its default.

    :param seen: the keys of the file's rows before ``rows`` ({key: row number}), added to
        (the file checked a chunk at a time).
    """
    seen = {} if seen is None else seen
    for row in rows:
        if row.values is None:
            continue
        keys = []
        email = clean_email(row.values.get("email"))
        if email:
            keys.append(("email", email))
        if row.values.get("date_of_birth"):
            keys.append(("name", name_key(row.values["full_name"]), row.values["date_of_birth"]))
        same_email = False
        for found in keys:
            if found in seen and row.same_as_row is None:
                row.same_as_row = seen[found]
                same_email = found[0] == "email"
            seen.setdefault(found, row.number)
        if row.duplicates:
            blocking = any(d.same_email for d in row.duplicates)
            row.choices = (SKIP, UPDATE) if blocking else (SKIP, UPDATE, CREATE)
            row.default = SKIP
        elif row.same_as_row is not None:
            # e-mails are unique: a second row with the same address can only be left out
            row.choices, row.default = ((SKIP,) if same_email else (SKIP, CREATE)), SKIP
        else:
            row.choices, row.default = (CREATE, SKIP), CREATE
