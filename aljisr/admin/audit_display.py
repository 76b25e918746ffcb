"""How audit events read on the audit log page: a title for each action, details in words.

Services record events as codes and plain values (``"hours.approve"``,
``{"placement_id": 12, "work_date": "2026-09-01"}``, see :func:`aljisr.audit.record`); this
module turns them into text for people: translated titles, translated labels for the detail
keys, the field labels of the forms for the names in a ``changed`` list, dates in the
interface language, numbers, status titles, and links to the records the viewer may open.

Stored details are history: rows written by older code, hand-made rows, ``None``, nested
values. :func:`describe_details` shows whatever it finds (an unknown key under a readable
form of its name) and never raises.
"""

from __future__ import annotations

import enum
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import sqlalchemy as sa
from babel.lists import format_list
from flask import current_app, g, has_request_context
from flask_login import current_user
from markupsafe import Markup, escape

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

#: Readable name of every action a service records (``tests/test_audit_log.py`` fails when a
#: recorded action is missing here). Placement titles are short because the placement page's
#: history shows them under the placement itself.
ACTION_TITLES: dict[str, Any] = {
    "placement.propose": _l("Proposed"),
    "placement.confirm": _l("Confirmed"),
    "placement.start": _l("Started"),
    "placement.complete": _l("Completed"),
    "placement.cancel": _l("Cancelled"),
    "placement.withdraw": _l("Withdrawn"),
    "placement.change_dates": _l("Dates changed"),
    "placement.override_overlap": _l("Overlap allowed"),
    "planner.run": _l("Season planned"),
    "planner.accept": _l("Season plan accepted"),
    "volunteer.create": _l("Volunteer added"),
    "volunteer.update": _l("Volunteer updated"),
    "volunteer.archive": _l("Volunteer archived"),
    "volunteer.unarchive": _l("Volunteer restored"),
    "volunteer.anonymise": _l("Volunteer anonymised"),
    "organisation.create": _l("Organisation added"),
    "organisation.update": _l("Organisation updated"),
    "organisation.archive": _l("Organisation archived"),
    "organisation.unarchive": _l("Organisation restored"),
    "site.create": _l("Site added"),
    "site.update": _l("Site updated"),
    "site.archive": _l("Site archived"),
    "site.unarchive": _l("Site restored"),
    "project.create": _l("Project created"),
    "project.update": _l("Project updated"),
    "project.archive": _l("Project archived"),
    "project.unarchive": _l("Project restored"),
    "hours.log": _l("Hours logged"),
    "hours.approve": _l("Hours approved"),
    "hours.reject": _l("Hours rejected"),
    "hours.withdraw": _l("Hours entry withdrawn"),
    "hours.host_confirm": _l("Hours confirmed by the host"),
    "hours.host_query": _l("Hours queried by the host"),
    "certificate.issue": _l("Certificate issued"),
    "certificate.supersede": _l("Certificate superseded"),
    "certificate.revoke": _l("Certificate revoked"),
    "user.create": _l("User created"),
    "user.update": _l("User updated"),
    "user.invite": _l("Invitation sent"),
    "auth.invitation_accept": _l("Invitation accepted"),
    "auth.login": _l("Signed in"),
    "auth.password_reset_request": _l("Password reset link sent"),
    "auth.password_reset": _l("Password reset"),
    "auth.password_change": _l("Password changed"),
    "demo.seed": _l("Demo data loaded"),
}

#: Record types found in the log (``AuditEvent.subject_type`` is the table name).
SUBJECT_TYPES: dict[str, Any] = {
    "placements": _l("Placement"),
    "volunteers": _l("Volunteer"),
    "projects": _l("Project"),
    "organisations": _l("Organisation"),
    "sites": _l("Site"),
    "hours_entries": _l("Hours entry"),
    "certificates": _l("Certificate"),
    "users": _l("User"),
    "planning_runs": _l("Season plan"),
}

#: Page of each record type: (endpoint, name of its id argument). A link is shown only when
#: the viewer holds the permission that page declares (see :func:`record_url`).
SUBJECT_ENDPOINTS: dict[str, tuple[str, str]] = {
    "placements": ("placements.detail", "placement_id"),
    "volunteers": ("volunteers.detail", "volunteer_id"),
    "projects": ("projects.detail", "project_id"),
    "organisations": ("organisations.detail", "organisation_id"),
    "sites": ("sites.detail", "site_id"),
    "certificates": ("certificates.detail", "certificate_id"),
    "users": ("admin.edit_user", "user_id"),
    "planning_runs": ("planner.run", "run_id"),
}

#: Detail keys holding the id (or a list of ids) of a record: key -> record type.
ID_KEYS: dict[str, str] = {
    "placement_id": "placements",
    "volunteer_id": "volunteers",
    "project_id": "projects",
    "organisation_id": "organisations",
    "sending_organisation_id": "organisations",
    "partner_id": "organisations",
    "site_id": "sites",
    "parent_id": "projects",
    "overlapping_placement_ids": "placements",
    "placement_ids": "placements",
    "duplicates_confirmed": "volunteers",
}

#: Labels of detail keys, when the form of the record's type has no field of that name.
KEY_LABELS: dict[str, Any] = {
    "placement_id": _l("Placement"),
    "volunteer_id": _l("Volunteer"),
    "project_id": _l("Project"),
    "organisation_id": _l("Organisation"),
    "site_id": _l("Site"),
    "overlapping_placement_ids": _l("Overlaps with"),
    "duplicates_confirmed": _l("Not a duplicate of"),
    "changed": _l("Fields changed"),
    "serial": _l("Serial number"),
    "replaces": _l("Replaces"),
    "by": _l("Replaced by"),
    "previous_status": _l("Previous status"),
    "status": _l("Status"),
    "role": _l("Role"),
    "kind": _l("Kind"),
    "language": _l("Language"),
    "hours": _l("Hours"),
    "work_date": _l("Date"),
    "start_date": _l("First day"),
    "end_date": _l("Last day"),
    "activity": _l("Activity"),
    "capacity": _l("Capacity"),
    "display_name": _l("Name"),
    "from": _l("Before"),
    "to": _l("After"),
}

#: ``demo.seed`` counts what it created: key -> label.
COUNT_LABELS: dict[str, Any] = {
    "organisations": _l("Organisations"),
    "sites": _l("Sites"),
    "projects": _l("Projects"),
    "volunteers": _l("Volunteers"),
    "users": _l("Users"),
    "placements": _l("Placements"),
    "hours": _l("Hours entries"),
    "certificates": _l("Certificates"),
}

#: Keys holding a certificate's serial number (linked to the certificates list searched for it).
SERIAL_KEYS = frozenset({"serial", "replaces", "by"})

#: Keys whose values "True"/"False" (as stored by ``user.update``) mean yes or no.
BOOLEAN_KEYS = frozenset({"active", "bilingual", "archived"})

#: Keys whose values are amounts, sometimes stored as text ("7.50").
NUMBER_KEYS = frozenset({"hours", "capacity", "phase_number"})

#: Actions whose two-item lists are (before, after): ``None`` for every key but ``changed``.
CHANGE_PAIRS: dict[str, frozenset[str] | None] = {
    "project.update": None,
    "user.update": None,
    "placement.complete": frozenset({"start_date", "end_date"}),
}

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
    title = ACTION_TITLES.get(action or "")
    return str(title) if title else (action or "")


def actions_titled(text: str) -> list[str]:
    """The action codes whose title in the interface language is ``text`` (case and
    surrounding spaces ignored): "hours approved" -> ["hours.approve"]."""
    wanted = text.strip().casefold()
    if not wanted:
        return []
    return [code for code, title in ACTION_TITLES.items() if str(title).casefold() == wanted]


def subject_label(subject_type: str | None) -> str:
    """The translated name of a record type ("placements" -> "Placement"); unknown types as
    stored."""
    label = SUBJECT_TYPES.get(subject_type or "")
    return str(label) if label else (subject_type or "")


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
    target = SUBJECT_ENDPOINTS.get(subject_type or "")
    if number is None or target is None or not may_open(target[0]):
        return None
    endpoint, arg = target
    return url_if_exists(endpoint, **{arg: number})


def serial_url(serial: str) -> str | None:
    """The certificates list searched for ``serial``, when the viewer may open it."""
    from aljisr.urls import url_if_exists

    if not may_open("certificates.index"):
        return None
    return url_if_exists("certificates.index", q=serial)


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


# --- field labels from the forms -------------------------------------------------------------


def _form_labels(form_class: type) -> dict[str, Any]:
    """``{field name: label}`` of a WTForms class, read from its unbound fields (lazy
    strings, so they translate when shown)."""
    from wtforms.fields.core import UnboundField

    labels: dict[str, Any] = {}
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        if isinstance(field, UnboundField):
            label = field.kwargs.get("label", field.args[0] if field.args else None)
            if label:
                labels[name] = label
    return labels


#: Stored key -> form field name, where they differ.
_FIELD_ALIASES: dict[str, dict[str, str]] = {
    "users": {"organisation_id": "organisation"},
    "placements": {"volunteer_id": "volunteer", "project_id": "project"},
}


@cache
def field_labels() -> dict[str, dict[str, Any]]:
    """Labels users see in each record type's form: ``{subject type: {key: label}}``."""
    from aljisr.admin.forms import EditUserForm, UserForm
    from aljisr.certificates.forms import IssueForm
    from aljisr.hours.forms import LogHoursForm
    from aljisr.organisations.forms import OrganisationForm
    from aljisr.placements.forms import PlacementForm
    from aljisr.projects.forms import ProjectForm
    from aljisr.sites.forms import SiteForm
    from aljisr.volunteers.forms import VolunteerForm

    forms: dict[str, list[type]] = {
        "volunteers": [VolunteerForm],
        "projects": [ProjectForm],
        "sites": [SiteForm],
        "organisations": [OrganisationForm],
        "users": [UserForm, EditUserForm],
        "placements": [PlacementForm],
        "hours_entries": [LogHoursForm],
        "certificates": [IssueForm],
    }
    result: dict[str, dict[str, Any]] = {}
    for subject_type, classes in forms.items():
        labels: dict[str, Any] = {}
        for form_class in classes:
            labels.update(_form_labels(form_class))
        for key, name in _FIELD_ALIASES.get(subject_type, {}).items():
            if name in labels:
                labels[key] = labels[name]
        result[subject_type] = labels
    return result


def _humanised(key: str) -> str:
    """An unknown key made readable: "some_key" -> "Some key"."""
    text = re.sub(r"[_\.]+", " ", key).strip()
    return text[:1].upper() + text[1:] if text else "—"


# --- values ----------------------------------------------------------------------------------


def _status_enums() -> dict[str, type[enum.Enum]]:
    from aljisr.certificates.models import CertificateStatus
    from aljisr.hours.models import HoursStatus
    from aljisr.placements.models import PlacementStatus
    from aljisr.projects.models import ProjectStatus
    from aljisr.volunteers.models import VolunteerStatus

    return {
        "placements": PlacementStatus,
        "projects": ProjectStatus,
        "hours_entries": HoursStatus,
        "volunteers": VolunteerStatus,
        "certificates": CertificateStatus,
    }


@cache
def _enums() -> dict[tuple[str, str], type[enum.Enum]]:
    """``{(subject type, key): enum with a .title}`` for values stored as enum values."""
    from aljisr.certificates.models import CertificateKind
    from aljisr.organisations.models import OrganisationKind
    from aljisr.permissions import Role
    from aljisr.projects.models import Theme
    from aljisr.sites.models import SiteKind

    table: dict[tuple[str, str], type[enum.Enum]] = {}
    for subject_type, status in _status_enums().items():
        for key in ("status", "previous_status", "from", "to"):
            table[subject_type, key] = status
    table["users", "role"] = Role
    table["certificates", "kind"] = CertificateKind
    table["sites", "kind"] = SiteKind
    table["organisations", "kind"] = OrganisationKind
    table["projects", "theme"] = Theme
    return table


class _Describer:
    """Formats the details of one event (its action and record type give keys their sense)."""

    def __init__(self, action: str, subject_type: str) -> None:
        self.action = action
        self.subject_type = subject_type
        self.fields = field_labels().get(subject_type, {})
        self.arrow = "←" if text_direction(str(get_locale() or "en")) == "rtl" else "→"

    # labels

    def label(self, key: Any) -> str:
        if not isinstance(key, str):
            return str(key)
        if self.action == "demo.seed" and key in COUNT_LABELS:
            return str(COUNT_LABELS[key])
        label = self.fields.get(key) or KEY_LABELS.get(key)
        return str(label) if label else _humanised(key)

    # values

    def value(self, key: Any, value: Any, depth: int = 0) -> Markup:
        if value is None or value == "" or value == []:
            return _DASH
        if depth > _MAX_DEPTH:
            return escape(json.dumps(value, ensure_ascii=False, default=str))
        if isinstance(key, str) and key in ID_KEYS:
            links = self._links(ID_KEYS[key], value)
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
        if len(value) != 2 or key == "changed" or self.action not in CHANGE_PAIRS:
            return False
        if any(isinstance(item, Mapping | list | tuple) for item in value):
            return False
        keys = CHANGE_PAIRS[self.action]
        return keys is None or key in keys

    def _field_name(self, name: Any) -> Markup:
        if isinstance(name, str):
            return escape(self.label(name))
        return self.value(None, name, _MAX_DEPTH)

    def _links(self, subject_type: str, value: Any) -> Markup | None:
        """Ids as links (or plain numbers when the viewer may not open them); None when the
        value is not one id or a list of ids."""
        items = list(value) if isinstance(value, list | tuple) else [value]
        ids = [_as_id(item) for item in items]
        if not items or any(number is None for number in ids):
            return None
        kind = subject_label(subject_type)
        parts = []
        for number in ids:
            url = record_url(subject_type, number)
            if url:
                parts.append(Markup('<a href="{}" title="{} {}">{}</a>').format(
                    url, kind, number, number))
            else:
                parts.append(escape(str(number)))
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
        if isinstance(key, str) and key in BOOLEAN_KEYS and value in ("True", "False"):
            return escape(_("Yes") if value == "True" else _("No"))
        if value == "None":  # str(None) in some "before → after" pairs
            return _DASH
        if isinstance(value, str) and isinstance(key, str):
            title = self._enum_title(key, value)
            if title is not None:
                return escape(title)
            if key == "language" and self.subject_type == "certificates":
                from aljisr.templating import language_name

                return escape(language_name(value))
            if key in SERIAL_KEYS:
                url = serial_url(value)
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
            if key in NUMBER_KEYS:
                try:
                    return escape(_number(Decimal(value)))
                except (InvalidOperation, ValueError):
                    pass
            return Markup("<bdi>{}</bdi>").format(value)
        return escape(str(value))

    def _enum_title(self, key: str, value: str) -> str | None:
        kind = _enums().get((self.subject_type, key))
        if kind is None:
            return None
        try:
            return str(kind(value).title)  # type: ignore[attr-defined]
        except (ValueError, KeyError, AttributeError):
            return None


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
    action: str | None, subject_type: str | None, details: Any
) -> list[DetailLine]:
    """The details of an audit event as labelled lines, in the interface language.

    ``from``/``to`` become one line ("Status: Proposed → Cancelled", "Dates: 1–30 Sep →
    5 Sep–4 Oct"); ids link to their pages when the viewer may open them; anything else is
    shown under a label (the key made readable when unknown). Never raises: a value that
    cannot be read as expected is shown as stored (JSON) and logged.

    :param details: the stored JSON, normally a dict; None, a list or text are shown too.
    """
    describer = _Describer(action or "", subject_type or "")
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


def record_names(events: Iterable[Any]) -> dict[tuple[str, int], str]:
    """``{(subject_type, id): what the record is called}`` for the events' records, so the
    log reads "Volunteer: Léa Fontaine" instead of "Volunteer 44". One query (a UNION of one
    SELECT per record type present), whatever the number of events; records deleted since
    are simply absent. Placements are named "volunteer · project", hours entries by their
    volunteer, certificates by serial number, users by display name."""
    from aljisr.auth.models import User
    from aljisr.certificates.models import Certificate
    from aljisr.extensions import db
    from aljisr.hours.models import HoursEntry
    from aljisr.organisations.models import Organisation
    from aljisr.placements.models import Placement
    from aljisr.projects.models import Project
    from aljisr.sites.models import Site
    from aljisr.volunteers.models import Volunteer

    ids: dict[str, set[int]] = {}
    for event in events:
        if event.subject_type and event.subject_id is not None:
            ids.setdefault(event.subject_type, set()).add(event.subject_id)
    if not ids:
        return {}
    label = sa.String()
    named = {
        "volunteers": (Volunteer.id, Volunteer.full_name, None),
        "projects": (Project.id, Project.title, None),
        "organisations": (Organisation.id, Organisation.name, None),
        "sites": (Site.id, Site.name, None),
        "certificates": (Certificate.id, Certificate.serial, None),
        "users": (User.id, User.display_name, None),
        "hours_entries": (HoursEntry.id, Volunteer.full_name,
                          (Volunteer, Volunteer.id == HoursEntry.volunteer_id)),
    }
    selects = []
    for kind, wanted in ids.items():
        if kind == "placements":
            selects.append(
                sa.select(sa.literal(kind, label), Placement.id,
                          sa.type_coerce(Volunteer.full_name + " · " + Project.title, label))
                .join(Volunteer, Volunteer.id == Placement.volunteer_id)
                .join(Project, Project.id == Placement.project_id)
                .where(Placement.id.in_(wanted))
            )
        elif kind in named:
            key, name, join = named[kind]
            select = sa.select(sa.literal(kind, label), key, sa.type_coerce(name, label))
            if join is not None:
                select = select.join(*join)
            selects.append(select.where(key.in_(wanted)))
    if not selects:
        return {}
    rows = db.session.execute(sa.union_all(*selects)).all()
    return {(kind, int(record_id)): str(name) for kind, record_id, name in rows}
