"""Writing arrival details: the checks they pass and their audit.

Plain functions; they raise :class:`~aljisr.errors.DomainError` naming the field at fault,
record the change with :func:`aljisr.audit.record`, flush but never commit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def _text(value: Any) -> str | None:
    return " ".join(str(value).split()) or None if value is not None else None


def _check_dates(placement: Placement, v: Mapping[str, Any]) -> None:
    first, last = placement.start_date, placement.end_date
    arrival, departure = v.get("arrival_date"), v.get("departure_date")
    earliest = first - timedelta(days=EARLY_ARRIVAL_DAYS)
    latest = last + timedelta(days=LATE_DEPARTURE_DAYS)
    if arrival is not None and not earliest <= arrival <= last:
        raise DomainError(_(
            "The arrival must fall between %(earliest)s (two weeks before the first day) and "
            "the last day, %(last)s.", earliest=format_date(earliest), last=format_date(last)),
            field="arrival_date")
    if departure is not None and not first <= departure <= latest:
        raise DomainError(_(
            "The departure must fall between the first day, %(first)s, and %(latest)s (two "
            "weeks after the last day).", first=format_date(first), latest=format_date(latest)),
            field="departure_date")
    if arrival and departure:
        if departure < arrival:
            raise DomainError(_("The departure cannot come before the arrival."),
                              field="departure_date")
        if (departure == arrival and v.get("arrival_time") and v.get("departure_time")
                and v["departure_time"] <= v["arrival_time"]):
            raise DomainError(_("On the day of arrival, the departure must come after the "
                                "arrival."), field="departure_time")
    for when in ("arrival", "departure"):
        if v.get(f"{when}_time") and v.get(f"{when}_date") is None:
            raise DomainError(_("Give the date too."), field=f"{when}_date")


def _check_travel(placement: Placement, v: Mapping[str, Any], current: str | None) -> None:
    for when in ("arrival", "departure"):
        number = v.get(f"{when}_number")
        if number and not _NUMBER.match(number):
            raise DomainError(_("Write the number as on the ticket: letters, digits, spaces "
                                "and dashes."), field=f"{when}_number")
        if number and v.get(f"{when}_mode") is None:
            raise DomainError(_("Choose how you travel for this number."), field=f"{when}_mode")
    point = v.get("arrival_point")
    points = placement.project.site.transport_point_list
    if point and point != current and point not in points:
        raise DomainError(_("Choose one of the site's airports and stations."),
                          field="arrival_point")
    if v.get("pickup_needed") and (v.get("arrival_date") is None or not point):
        raise DomainError(_("For a pickup, give the arrival date and the arrival point."),
                          field="pickup_needed")


def _check_insurance(placement: Placement, v: Mapping[str, Any]) -> None:
    until = v.get("insurance_valid_until")
    if until is not None and until < placement.end_date:
        raise DomainError(_(
            "The insurance must cover the whole placement, until %(last)s at least.",
            last=format_date(placement.end_date)), field="insurance_valid_until")
    if until is not None and not (v.get("insurance_provider") and v.get("insurance_policy")):
        raise DomainError(_("Give the insurer and the policy number with its end date."),
                          field="insurance_policy")


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
    :raises DomainError: a value breaks a rule (``field`` says which).
    """
    if placement.status not in ONGOING_STATUSES:
        raise NotAllowed(_("Arrival details can be recorded only for a proposed, confirmed or "
                           "active placement."))
    details = db.session.get(ArrivalDetails, placement.id)
    v = clean_values(values)
    current_point = details.arrival_point if details else None
    _check_dates(placement, v)
    _check_travel(placement, v, current_point)
    _check_insurance(placement, v)
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
