"""The audit log: who did what to which record, when and why.

Services record events as codes and plain values (:func:`record`). Each area declares how
its own events read, next to its code (``aljisr/<area>/audit.py`` defines ``WORDING``, an
:class:`AuditWording`): the titles of its actions, what its records are called, the labels
and values of the details it stores. The application factory registers every area's wording
(:func:`register`), and the audit pages only read the merged :func:`wording`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db

if TYPE_CHECKING:
    from aljisr.auth.models import User


class AuditEvent(db.Model):
    """One recorded action. ``subject_type``/``subject_id`` name the record (e.g. placement 12)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_events_subject", "subject_type", "subject_id"),)


def record(
    actor: Any,
    action: str,
    subject: Any,
    *,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session (flushed with the change it records, never committed).

    :param actor: the User acting, or None for the system (CLI, seed).
    :param action: a dotted verb such as ``"placement.confirm"``.
    :param subject: a model instance with ``__tablename__`` and ``id`` (flushed first if new).
    """
    if subject.id is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        reason=reason,
        details=details or {},
    )
    db.session.add(event)
    return event


# --- each area's wording -------------------------------------------------------------------

#: Formats one stored detail value for people ("proposed" -> "Proposed"); None when the value
#: is not one it knows (the audit page then shows it as stored).
ValueTitle = Callable[[str], str | None]


@dataclass(frozen=True)
class RecordWording:
    """How one kind of record reads in the audit log.

    :param table: the records' table, as stored in ``AuditEvent.subject_type``.
    :param label: what one such record is called (a lazy string: "Placement").
    :param page: ``(endpoint, name of its id argument)`` of a record's page, if it has one;
        the audit page links to it when the viewer holds the permission that page declares.
    :param forms: form classes whose field labels name the detail keys (the names in a
        ``changed`` list are form field names).
    :param form_aliases: stored detail key -> form field name, where they differ.
    :param values: detail key -> :data:`ValueTitle`, for values stored as codes (statuses,
        kinds, languages); see :func:`enum_titles` and :func:`status_titles`.
    :param names: a SELECT of ``(id, name)`` for these records, without WHERE (joins allowed),
        so the log reads "Volunteer: Léa Fontaine" rather than "Volunteer 44".
    """

    table: str
    label: Any
    page: tuple[str, str] | None = None
    forms: tuple[type, ...] = ()
    form_aliases: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, ValueTitle] = field(default_factory=dict)
    names: Callable[[], sa.Select[Any]] | None = None


@dataclass(frozen=True)
class AuditWording:
    """One area's words for the audit log (all keys are as stored in ``AuditEvent``).

    :param actions: action code -> title (a lazy string), for every action the area records
        (``tests/admin/test_audit_log.py`` fails when a recorded action has none).
    :param records: the kinds of record the area owns.
    :param key_labels: detail key -> label, for keys no form field names.
    :param action_key_labels: action code -> {detail key -> label}, where a key means
        something else in that action (``demo.seed`` counts records).
    :param id_keys: detail key -> table, for keys holding the id (or ids) of a record.
    :param search_keys: detail key -> endpoint of a list searched with ``q=<value>``
        (certificate serial numbers).
    :param number_keys: keys whose values are amounts, sometimes stored as text ("7.50").
    :param boolean_keys: keys whose values "True"/"False" mean yes or no.
    :param change_pairs: action code -> the keys whose two-item lists are (before, after);
        None for every key.
    """

    actions: Mapping[str, Any]
    records: tuple[RecordWording, ...] = ()
    key_labels: Mapping[str, Any] = field(default_factory=dict)
    action_key_labels: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    id_keys: Mapping[str, str] = field(default_factory=dict)
    search_keys: Mapping[str, str] = field(default_factory=dict)
    number_keys: frozenset[str] = frozenset()
    boolean_keys: frozenset[str] = frozenset()
    change_pairs: Mapping[str, frozenset[str] | None] = field(default_factory=dict)


def enum_titles(kind: type[enum.Enum]) -> ValueTitle:
    """A :data:`ValueTitle` for values stored as ``kind``'s values, shown by the members'
    ``.title`` (translated); None for a value ``kind`` does not have."""

    def title(value: str) -> str | None:
        try:
            return str(kind(value).title)  # type: ignore[attr-defined]
        except (ValueError, KeyError, AttributeError):
            return None

    return title


def status_titles(kind: type[enum.Enum]) -> dict[str, ValueTitle]:
    """The :data:`ValueTitle` of a status enum under the keys a status change is stored with
    (``status``, ``previous_status``, ``from``, ``to``)."""
    title = enum_titles(kind)
    return {key: title for key in ("status", "previous_status", "from", "to")}


class Wording:
    """Every registered area's wording, merged (read by the audit pages).

    :raises ValueError: when two areas declare the same action, table or detail key.
    """

    def __init__(self, wordings: Iterable[AuditWording]) -> None:
        self.action_titles: dict[str, Any] = {}
        self.records: dict[str, RecordWording] = {}
        self.key_labels: dict[str, Any] = {}
        self.action_key_labels: dict[str, Mapping[str, Any]] = {}
        self.id_keys: dict[str, str] = {}
        self.search_keys: dict[str, str] = {}
        self.change_pairs: dict[str, frozenset[str] | None] = {}
        self.number_keys: set[str] = set()
        self.boolean_keys: set[str] = set()
        for wording in wordings:
            _merge(self.action_titles, wording.actions, "action")
            _merge(self.records, {r.table: r for r in wording.records}, "record type")
            _merge(self.key_labels, wording.key_labels, "detail key label")
            _merge(self.action_key_labels, wording.action_key_labels, "action's detail labels")
            _merge(self.id_keys, wording.id_keys, "id key")
            _merge(self.search_keys, wording.search_keys, "search key")
            _merge(self.change_pairs, wording.change_pairs, "change pairs of action")
            self.number_keys |= wording.number_keys
            self.boolean_keys |= wording.boolean_keys

    @cached_property
    def field_labels(self) -> dict[str, dict[str, Any]]:
        """``{table: {detail key: label}}`` read from each record type's forms (lazy strings,
        so they translate when shown)."""
        result: dict[str, dict[str, Any]] = {}
        for table, record in self.records.items():
            labels: dict[str, Any] = {}
            for form_class in record.forms:
                labels.update(_form_labels(form_class))
            for key, name in record.form_aliases.items():
                if name in labels:
                    labels[key] = labels[name]
            result[table] = labels
        return result


def _merge(into: dict[str, Any], new: Mapping[str, Any], what: str) -> None:
    for key, value in new.items():
        if key in into and into[key] is not value:
            raise ValueError(f"audit wording: {what} {key!r} is declared twice")
        into[key] = value


def _form_labels(form_class: type) -> dict[str, Any]:
    """``{field name: label}`` of a WTForms class, read from its unbound fields."""
    from wtforms.fields.core import UnboundField

    labels: dict[str, Any] = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            label = unbound.kwargs.get("label", unbound.args[0] if unbound.args else None)
            if label:
                labels[name] = label
    return labels


_registered: dict[str, AuditWording] = {}
_merged: Wording | None = None


def register(name: str, wording: AuditWording) -> None:
    """Register an area's wording under ``name`` (its module's name; registering the same name
    again replaces it, so creating several applications is harmless)."""
    global _merged
    _registered[name] = wording
    _merged = None


def wording() -> Wording:
    """Every registered area's wording, merged (see :func:`register`)."""
    global _merged
    if _merged is None:
        _merged = Wording(_registered.values())
    return _merged
