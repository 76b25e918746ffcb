"""How audit events read on the audit log page: a title for each action, details in words.

Services record events as codes and plain values (``"hours.approve"``,
``{"placement_id": 12, "work_date": "2026-09-01"}``, see :func:`aljisr.audit.record`); this
module turns them into text for people: translated titles, translated labels for the detail
keys, the field labels of the forms for the names in a ``changed`` list, dates in the
interface language, numbers, status titles, and links to the records the viewer may open.

Every area declares its own words (titles, record names, labels, value titles) beside its
code; this module only reads them from the registry (:func:`aljisr.audit.wording`) and knows
no area. Its own words are those of any event: "Fields changed", "Status", "Before"...

Stored details are history: rows written by older code, hand-made rows, ``None``, nested
values. :func:`describe_details` shows whatever it finds (an unknown key under a readable
form of its name) and never raises.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.lists import format_list
from flask import current_app, g, has_request_context
from flask_login import current_user
from markupsafe import Markup, escape

from aljisr.audit import wording
from aljisr.i18n import (
    _,
    _l,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    text_direction,
)

log = logging.getLogger(__name__)

#: Labels of detail keys any area may store (each area declares its own keys' labels, see
#: :class:`aljisr.audit.AuditWording`), when the form of the record's type has no such field.
KEY_LABELS: dict[str, Any] = {
    "changed": _l("Fields changed"),
    "previous_status": _l("Previous status"),
    "status": _l("Status"),
    "kind": _l("Kind"),
    "language": _l("Language"),
    "start_date": _l("First day"),
    "end_date": _l("Last day"),
    "from": _l("Before"),
    "to": _l("After"),
}

#: Keys whose values "True"/"False" mean yes or no, whatever the area.
BOOLEAN_KEYS = frozenset({"archived"})

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
)
#: How timestamps read, as in the page's "When" column.
TIMESTAMP_FORMAT = "d MMM yyyy, HH:mm"
_MAX_DEPTH = 3
_DASH = Markup("—")


@dataclass(frozen=True)
class DetailLine:
    """One line of an event's details: a translated label and its value as safe HTML."""

    label: str
    value: Markup


# --- titles ----------------------------------------------------------------------------------


def action_title(action: str | None) -> str:
    """A readable, translated name for an audit action code (the code itself when unknown)."""
    title = wording().action_titles.get(action or "")
    return str(title) if title else (action or "")


def actions_titled(text: str) -> list[str]:
    """The action codes whose title in the interface language is ``text`` (case and
    surrounding spaces ignored): "hours approved" -> ["hours.approve"]."""
    wanted = text.strip().casefold()
    if not wanted:
        return []
    return [code for code, title in wording().action_titles.items()
            if str(title).casefold() == wanted]


def subject_types() -> dict[str, Any]:
    """``{table: label}`` of the record types found in the log, in the areas' order."""
    return {table: record.label for table, record in wording().records.items()}


def subject_label(subject_type: str | None) -> str:
    """The translated name of a record type ("placements" -> "Placement"); unknown types as
    stored."""
    record = wording().records.get(subject_type or "")
    return str(record.label) if record else (subject_type or "")


# --- links -----------------------------------------------------------------------------------


def may_open(endpoint: str) -> bool:
    """Whether the current user holds the permission the view ``endpoint`` declares (False
    for an endpoint that does not exist or declares none), remembered for the request."""
    from aljisr.permissions import declared_permission, has_permission

    if not has_request_context():
        return False
    known = g.setdefault("_audit_may_open", {})
    if endpoint not in known:
        view = current_app.view_functions.get(endpoint)
        permission = declared_permission(view) if view is not None else None
        known[endpoint] = permission is not None and has_permission(current_user, permission)
    return bool(known[endpoint])


def record_url(subject_type: str | None, record_id: Any) -> str | None:
    """The page of record ``record_id`` of ``subject_type`` when the viewer may open it, else
    None (no page for that type, no permission, or an id that is not a positive integer)."""
    from aljisr.urls import url_if_exists

    number = _as_id(record_id)
    record = wording().records.get(subject_type or "")
    target = record.page if record else None
    if number is None or target is None or not may_open(target[0]):
        return None
    endpoint, arg = target
    return url_if_exists(endpoint, **{arg: number})


def subject_url(event: Any) -> str | None:
    """The page of an audit event's record, when that kind of record has one and the viewer
    may open it (the ``audit_subject_url`` template global; see :func:`record_url`)."""
    return record_url(event.subject_type, event.subject_id)


def search_url(endpoint: str, text: str) -> str | None:
    """The list ``endpoint`` searched for ``text``, when the viewer may open it."""
    from aljisr.urls import url_if_exists

    if not may_open(endpoint):
        return None
    return url_if_exists(endpoint, q=text)


def _as_id(value: Any) -> int | None:
    """A positive integer id from an int or its digits as text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
        return number if number > 0 else None
    return None


def _humanised(key: str) -> str:
    """An unknown key made readable: "some_key" -> "Some key"."""
    text = re.sub(r"[_\.]+", " ", key).strip()
    return text[:1].upper() + text[1:] if text else "—"


# --- values ----------------------------------------------------------------------------------


class _Describer:
    """Formats the details of one event (its action and record type give keys their sense)."""

    def __init__(self, action: str, subject_type: str,
                 names: Mapping[tuple[str, int], str] | None = None) -> None:
        self.action = action
        self.names = names or {}
        self.subject_type = subject_type
        self.wording = wording()
        self.record = self.wording.records.get(subject_type)
        self.fields = self.wording.field_labels.get(subject_type, {})
        self.action_labels = self.wording.action_key_labels.get(action, {})
        self.arrow = "←" if text_direction(str(get_locale() or "en")) == "rtl" else "→"

    # labels

    def label(self, key: Any) -> str:
        if not isinstance(key, str):
            return str(key)
        label = (self.action_labels.get(key) or self.fields.get(key)
                 or self.wording.key_labels.get(key) or KEY_LABELS.get(key))
        return str(label) if label else _humanised(key)

    # values

    def value(self, key: Any, value: Any, depth: int = 0) -> Markup:
        if value is None or value == "" or value == []:
            return _DASH
        if depth > _MAX_DEPTH:
            return escape(json.dumps(value, ensure_ascii=False, default=str))
        if isinstance(key, str) and key in self.wording.id_keys:
            links = self._links(self.wording.id_keys[key], value)
            if links is not None:
                return links
        if isinstance(value, Mapping):
            return self._mapping(value, depth)
        if isinstance(value, list | tuple):
            if key == "changed":
                return _join([self._field_name(name) for name in value])
            if self._is_pair(key, value):
                return self.change(key, value[0], value[1], depth)
            return _join([self.value(key, item, depth + 1) for item in value])
        return self._scalar(key, value)

    def change(self, key: Any, before: Any, after: Any, depth: int = 0) -> Markup:
        """``before → after``: the arrow follows the writing direction, and each side is
        isolated (``<bdi>``) so that Latin names in an Arabic page keep that order."""
        return Markup("<bdi>{}</bdi> {} <bdi>{}</bdi>").format(
            self.value(key, before, depth + 1), self.arrow, self.value(key, after, depth + 1)
        )

    def _is_pair(self, key: Any, value: list[Any] | tuple[Any, ...]) -> bool:
        pairs = self.wording.change_pairs
        if len(value) != 2 or key == "changed" or self.action not in pairs:
            return False
        if any(isinstance(item, Mapping | list | tuple) for item in value):
            return False
        keys = pairs[self.action]
        return keys is None or key in keys

    def _field_name(self, name: Any) -> Markup:
        if isinstance(name, str):
            return escape(self.label(name))
        return self.value(None, name, _MAX_DEPTH)

    def _links(self, subject_type: str, value: Any) -> Markup | None:
        """Ids as links (or plain text when the viewer may not open them), each read by its
        record's name when :func:`record_names` found one ("Léa Fontaine · Painting"), else
        by its number; None when the value is not one id or a list of ids."""
        items = list(value) if isinstance(value, list | tuple) else [value]
        ids = [_as_id(item) for item in items]
        if not items or any(number is None for number in ids):
            return None
        kind = subject_label(subject_type)
        parts = []
        for number in ids:
            url = record_url(subject_type, number)
            name = self.names.get((subject_type, number))
            text = Markup("<bdi>{}</bdi>").format(name) if name else escape(str(number))
            if url:
                parts.append(Markup('<a href="{}" title="{} {}">{}</a>').format(
                    url, kind, number, text))
            else:
                parts.append(text)
        return _join(parts)

    def _mapping(self, value: Mapping[Any, Any], depth: int) -> Markup:
        if set(value) == {"start_date", "end_date"}:
            start, end = _as_date(value["start_date"]), _as_date(value["end_date"])
            if start and end:
                return Markup('<span class="text-nowrap">{}</span> – '
                              '<span class="text-nowrap">{}</span>').format(
                    format_date(start), format_date(end))
        return Markup("; ").join(
            Markup("{} {}").format(labelled(self.label(key)), self.value(key, item, depth + 1))
            for key, item in value.items()
        )

    def _scalar(self, key: Any, value: Any) -> Markup:
        if isinstance(value, bool):
            return escape(_("Yes") if value else _("No"))
        booleans = BOOLEAN_KEYS | self.wording.boolean_keys
        if isinstance(key, str) and key in booleans and value in ("True", "False"):
            return escape(_("Yes") if value == "True" else _("No"))
        if value == "None":  # str(None) in some "before → after" pairs
            return _DASH
        if isinstance(value, str) and isinstance(key, str):
            title = self._value_title(key, value)
            if title is not None:
                return escape(title)
            if key in self.wording.search_keys:
                url = search_url(self.wording.search_keys[key], value)
                if url:
                    return Markup('<a href="{}"><bdi>{}</bdi></a>').format(url, value)
        if isinstance(value, int | float | Decimal):
            return escape(_number(value))
        if isinstance(value, str):
            day = _as_date(value)
            if day is not None:
                return Markup('<span class="text-nowrap">{}</span>').format(format_date(day))
            moment = _as_timestamp(value)
            if moment is not None:
                return Markup('<span class="text-nowrap">{}</span>').format(
                    format_datetime(moment, TIMESTAMP_FORMAT))
            if key in self.wording.number_keys:
                try:
                    return escape(_number(Decimal(value)))
                except (InvalidOperation, ValueError):
                    pass
            return Markup("<bdi>{}</bdi>").format(value)
        return escape(str(value))

    def _value_title(self, key: str, value: str) -> str | None:
        """The title the record type's area gives a stored value (a status, a kind, a
        language), or None."""
        title = self.record.values.get(key) if self.record else None
        return title(value) if title else None


def labelled(label: str) -> str:
    """``label`` followed by a colon as the language writes it ("Status:", "Statut :")."""
    return _("%(label)s:", label=label)


def _join(parts: list[Markup]) -> Markup:
    """Items joined as the interface language lists them: "A, B, and C", "A, B et C",
    "A وB وC"."""
    if len(parts) < 2:
        return parts[0] if parts else _DASH
    tokens = [f"\x00{index}\x00" for index in range(len(parts))]
    pattern = format_list(tokens, "standard", locale=get_locale() or "en")
    pieces = re.split("\x00(\\d+)\x00", pattern)
    out = Markup("")
    for position, piece in enumerate(pieces):
        out += parts[int(piece)] if position % 2 else escape(piece)
    return out


def _number(value: int | float | Decimal) -> str:
    """A number in the interface language, at most two decimals ("7.5", "7,5")."""
    if isinstance(value, float) and value != value:  # NaN
        return str(value)
    try:
        return format_decimal(value, format="#,##0.##")
    except (ValueError, ArithmeticError):
        return str(value)


def _as_date(value: Any) -> date | None:
    """``date`` from "YYYY-MM-DD" text (a date stored as text in details), else None."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _as_timestamp(value: str) -> datetime | None:
    """An aware ``datetime`` from ISO 8601 text ("2026-09-01T23:30:00Z"; without an offset
    it is UTC, as the application stores timestamps), else None."""
    if not _ISO_TIMESTAMP.fullmatch(value):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def describe_details(
    action: str | None, subject_type: str | None, details: Any,
    names: Mapping[tuple[str, int], str] | None = None,
) -> list[DetailLine]:
    """The details of an audit event as labelled lines, in the interface language.

    ``from``/``to`` become one line ("Status: Proposed → Cancelled", "Dates: 1–30 Sep →
    5 Sep–4 Oct"); ids link to their pages when the viewer may open them; anything else is
    shown under a label (the key made readable when unknown). Never raises: a value that
    cannot be read as expected is shown as stored (JSON) and logged.

    :param details: the stored JSON, normally a dict; None, a list or text are shown too.
    :param names: ``{(record type, id): name}`` from :func:`record_names`: ids in the details
        read by name ("Placement: Léa Fontaine · Painting", not "Placement: 32").
    """
    describer = _Describer(action or "", subject_type or "", names)
    if details is None or details == {} or details == []:
        return []
    if not isinstance(details, Mapping):
        return [_safe_line(lambda: DetailLine(_("Details"), describer.value(None, details)),
                           _("Details"), details)]
    lines: list[DetailLine] = []
    items: Iterable[tuple[Any, Any]] = details.items()
    if "from" in details and "to" in details:
        lines.append(_safe_line(lambda: _from_to(describer, details["from"], details["to"]),
                                _("Changed"), {"from": details["from"], "to": details["to"]}))
        items = [(key, value) for key, value in details.items() if key not in ("from", "to")]
    for key, value in items:
        lines.append(_safe_line(
            lambda key=key, value=value: DetailLine(describer.label(key),
                                                    describer.value(key, value)),
            str(key), value))
    return lines


def event_details(event: Any,
                  names: dict[tuple[str, int], str] | None = None) -> list[DetailLine]:
    """An audit event's details as translated, labelled lines (the ``audit_details`` template
    global; see :func:`describe_details`), ids read by the ``names`` of
    :func:`aljisr.admin.queries.record_names`."""
    return describe_details(event.action, event.subject_type, event.details, names)


#: No record has a larger id (PostgreSQL's ``integer``, as ``aljisr.database.INTEGER_MAX``):
#: a larger number in stored details is shown as it is, never sent to the database.
_LARGEST_ID = 2**31 - 1


def detail_ids(details: Any) -> Iterator[tuple[str, int]]:
    """``(record type, id)`` of the ids the details hold under an id key (``placement_id``,
    ``overlapping_placement_ids``...; :attr:`aljisr.audit.AuditWording.id_keys`), at the top
    level or in ``from``/``to``."""
    if not isinstance(details, Mapping):
        return
    id_keys = wording().id_keys
    for key, value in details.items():
        if key in ("from", "to"):
            yield from detail_ids(value)
        elif isinstance(key, str) and key in id_keys:
            for item in value if isinstance(value, list | tuple) else [value]:
                number = _as_id(item)
                if number is not None and number <= _LARGEST_ID:
                    yield id_keys[key], number


def _from_to(describer: _Describer, before: Any, after: Any) -> DetailLine:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        dated = {"start_date", "end_date"}
        label = _("Dates") if set(before) == dated and set(after) == dated else _("Changed")
        return DetailLine(label, describer.change(None, before, after))
    return DetailLine(_("Status"), describer.change("from", before, after))


def _safe_line(make: Callable[[], DetailLine], label: str, value: Any) -> DetailLine:
    """``make()``, or the value as stored when formatting it failed (logged, never raised)."""
    try:
        return make()
    except Exception:  # history may hold anything; the page must still show
        log.warning("audit detail %r could not be formatted", label, exc_info=True)
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = repr(value)
        return DetailLine(label, escape(text))
