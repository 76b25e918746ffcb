"""Writing arrival details: the checks they pass and their audit.

Plain functions; they raise :class:`~aljisr.errors.DomainError` naming the field at fault,
record the change with :func:`aljisr.audit.record`, flush but never commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from aljisr import audit
from aljisr.arrivals.models import ArrivalDetails, TravelMode
from aljisr.database import assign
from aljisr.errors import DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.formfields import normalise_phone
from aljisr.i18n import _, format_date
from aljisr.placements.models import ONGOING_STATUSES, Placement

#: Fields of :class:`ArrivalDetails` a form may set.
DETAIL_FIELDS = (
    "arrival_date", "arrival_time", "arrival_mode", "arrival_number", "arrival_point",
    "pickup_needed", "departure_date", "departure_time", "departure_mode", "departure_number",
    "insurance_provider", "insurance_policy", "insurance_valid_until",
)
#: The volunteer's emergency contact, edited with the arrival details.
CONTACT_FIELDS = ("emergency_contact_name", "emergency_contact_relation",
                  "emergency_contact_phone")

#: How long before the first day a volunteer may arrive (to settle in), and after the last day
#: they may leave (a weekend, a delayed flight), in days.
EARLY_ARRIVAL_DAYS = 14
LATE_DEPARTURE_DAYS = 14

#: Ticket numbers: letters, digits, spaces, "-" and "/" ("AT 801", "TGV-2213").
_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z /-]*$")

#: How a check reports a broken rule: ``refuse(field, message)``.
_Refuse = Callable[[str, str], None]


def _text(value: Any) -> str | None:
    return " ".join(str(value).split()) or None if value is not None else None


def _check_dates(placement: Placement, v: Mapping[str, Any], refuse: _Refuse) -> None:
    first, last = placement.start_date, placement.end_date
    arrival, departure = v.get("arrival_date"), v.get("departure_date")
    earliest = first - timedelta(days=EARLY_ARRIVAL_DAYS)
    latest = last + timedelta(days=LATE_DEPARTURE_DAYS)
    if arrival is not None and not earliest <= arrival <= last:
        refuse("arrival_date", _(
            "The arrival must fall between %(earliest)s (two weeks before the first day) and "
            "the last day, %(last)s.", earliest=format_date(earliest), last=format_date(last)))
    if departure is not None and not first <= departure <= latest:
        refuse("departure_date", _(
            "The departure must fall between the first day, %(first)s, and %(latest)s (two "
            "weeks after the last day).", first=format_date(first), latest=format_date(latest)))
    if arrival and departure:
        if departure < arrival:
            refuse("departure_date", _("The departure cannot come before the arrival."))
        if (departure == arrival and v.get("arrival_time") and v.get("departure_time")
                and v["departure_time"] <= v["arrival_time"]):
            refuse("departure_time", _("On the day of arrival, the departure must come after "
                                       "the arrival."))
    for when in ("arrival", "departure"):
        if v.get(f"{when}_time") and v.get(f"{when}_date") is None and \
                f"{when}_date" not in v.get("_unread", ()):
            refuse(f"{when}_date", _("Give the date too."))


def _check_travel(placement: Placement, v: Mapping[str, Any], current: str | None,
                  refuse: _Refuse) -> None:
    for when in ("arrival", "departure"):
        number = v.get(f"{when}_number")
        if number and not _NUMBER.match(number):
            refuse(f"{when}_number", _("Write the number as on the ticket: letters, digits, "
                                       "spaces and dashes."))
        if (number and v.get(f"{when}_mode") is None
                and f"{when}_mode" not in v.get("_unread", ())):
            refuse(f"{when}_mode", _("Choose how you travel for this number."))
    point = v.get("arrival_point")
    points = placement.project.site.transport_point_list
    if point and point != current and point not in points:
        refuse("arrival_point", _("Choose one of the site's airports and stations."))
    unread = v.get("_unread", ())
    if (v.get("pickup_needed") and (v.get("arrival_date") is None or not point)
            and "arrival_date" not in unread and "arrival_point" not in unread):
        refuse("pickup_needed", _("For a pickup, give the arrival date and the arrival point."))


def _check_insurance(placement: Placement, v: Mapping[str, Any], refuse: _Refuse) -> None:
    until = v.get("insurance_valid_until")
    if until is not None and until < placement.end_date:
        refuse("insurance_valid_until", _(
            "The insurance must cover the whole placement, until %(last)s at least.",
            last=format_date(placement.end_date)))
    unread = v.get("_unread", ())
    if (until is not None and not (v.get("insurance_provider") and v.get("insurance_policy"))
            and "insurance_provider" not in unread and "insurance_policy" not in unread):
        refuse("insurance_policy", _("Give the insurer and the policy number with its end "
                                     "date."))


def arrival_problems(placement: Placement, values: Mapping[str, Any],
                     unread: Iterable[str] = ()) -> dict[str, str]:
    """Every rule of :func:`record_arrival_details` that ``values`` break, at once: the
    first message for each field at fault, keyed by field name (empty when all pass).

    ``unread`` names fields the form could not read (a date that is not a date, text too
    long): their value is missing from ``values``, and rules that would only complain of
    that missing value (a time without its date, a pickup without its date) are skipped, so
    each field says one thing, its own. The placement's status is not checked here.
    """
    problems: dict[str, str] = {}

    def refuse(field: str, message: str) -> None:
        problems.setdefault(field, message)

    read = {k: val for k, val in values.items() if k not in set(unread)}
    try:
        v: dict[str, Any] = clean_values(read)
    except DomainError as error:  # the phone: left out, the rest still checked
        refuse(error.field or "emergency_contact_phone", error.message)
        read.pop("emergency_contact_phone", None)
        v = clean_values(read)
    v["_unread"] = frozenset(unread)
    details = db.session.get(ArrivalDetails, placement.id)
    current_point = details.arrival_point if details else None
    _check_dates(placement, v, refuse)
    _check_travel(placement, v, current_point, refuse)
    _check_insurance(placement, v, refuse)
    return problems


def clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values as stored: text trimmed (runs of spaces made one), "" as None,
    ticket numbers upper-cased, modes as :class:`TravelMode`, the phone in international
    format.

    :raises DomainError: the emergency phone is not a phone number (``field`` names it).
    """
    cleaned: dict[str, Any] = {}
    for name in (*DETAIL_FIELDS, *CONTACT_FIELDS):
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = _text(value)
        if name.endswith("_number") and value:
            value = value.upper()
        if name.endswith("_mode") and value:
            value = TravelMode(value)
        if name == "pickup_needed":
            value = bool(value)
        if name == "emergency_contact_phone" and value:
            try:
                value = normalise_phone(value)
            except ValueError as error:
                raise DomainError(str(error), field=name) from error
        cleaned[name] = value
    return cleaned


def record_arrival_details(placement: Placement, values: Mapping[str, Any], *,
                           actor: Any) -> tuple[ArrivalDetails, list[str]]:
    """Record (or change) the travel, pickup and insurance of ``placement`` and its
    volunteer's emergency contact. Every value is optional; see :data:`DETAIL_FIELDS` and
    :data:`CONTACT_FIELDS` (dates as ``date``, times as ``time``, modes as
    :class:`TravelMode` or their value).

    Rules: the arrival between :data:`EARLY_ARRIVAL_DAYS` before the first day and the last
    day; the departure between the first day and :data:`LATE_DEPARTURE_DAYS` after the last,
    not before the arrival; a time needs its date; the arrival point is one of the site's
    airports and stations (or the one already recorded); a pickup needs the arrival date and
    point; insurance valid until the last day at least; phone numbers valid (libphonenumber).

    :returns: the details and the names of the fields that changed (audited as
        ``arrival.update`` on the placement when any did).
    :raises NotAllowed: the placement is completed, cancelled or withdrawn.
    :raises DomainError: a value breaks a rule (``field`` says which; the first of
        :func:`arrival_problems`, which the form shows all of).
    """
    if placement.status not in ONGOING_STATUSES:
        raise NotAllowed(_("Arrival details can be recorded only for a proposed, confirmed or "
                           "active placement."))
    problems = arrival_problems(placement, values)
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=field)
    details = db.session.get(ArrivalDetails, placement.id)
    v = clean_values(values)
    created = details is None
    if details is None:
        details = ArrivalDetails(placement_id=placement.id, pickup_needed=False)
        db.session.add(details)
    changed = [name for name in DETAIL_FIELDS if name in v and assign(details, name, v[name])]
    volunteer = placement.volunteer
    changed += [name for name in CONTACT_FIELDS
                if name in v and assign(volunteer, name, v[name])]
    if changed:
        db.session.flush()
        audit.record(actor, "arrival.update", placement,
                     details={"changed": changed, "first_record": created})
    elif created:
        db.session.expunge(details)
        details = ArrivalDetails(placement_id=placement.id, pickup_needed=False)
    return details, changed


def insurance_warning(details: ArrivalDetails | None, placement: Placement,
                      today: date) -> str | None:
    """A warning for the pages when the placement is near (30 days) and no insurance is
    recorded; None otherwise."""
    if details is not None and details.insurance_valid_until is not None:
        return None
    if placement.status in ONGOING_STATUSES and placement.start_date - today <= timedelta(30):
        return _("No insurance is recorded for this placement yet.")
    return None
