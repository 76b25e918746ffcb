"""Forms of arrival details, the board's filter, and nothing else (the logistics fields live
on the site and project forms)."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from aljisr.arrivals.models import TRAVEL_MODE_TITLES
from aljisr.arrivals.services import CONTACT_FIELDS, DETAIL_FIELDS
from aljisr.formfields import FilterSelectField, PhoneNumber, RangeEnd, optional_int
from aljisr.forms import AppForm
from aljisr.i18n import _, _l, ltr


def _mode_options() -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [
        SelectChoice(mode.value, str(title)) for mode, title in TRAVEL_MODE_TITLES.items()]


def _mode(label: Any) -> SelectField:
    return SelectField(label, choices=_mode_options, validators=[Optional()])


def _number(label: Any) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=40)],
                       render_kw={"dir": "ltr", "autocapitalize": "characters"},
                       description=_l("Flight, train or bus number, e.g. %(example)s.",
                                      example=ltr("AT 801")))


class ArrivalForm(AppForm):
    """Travel in and out, pickup, insurance and the emergency contact; all optional.

    ``arrival_point``'s choices are the site's airports and stations (set by the view).
    """

    arrival_date = DateField(_l("Arrival date"), validators=[Optional()])
    arrival_time = TimeField(_l("Arrival time"), validators=[Optional()],
                             description=_l("Local time, as on the ticket."))
    arrival_mode = _mode(_l("Arriving by"))
    arrival_number = _number(_l("Arrival: number"))
    arrival_point = SelectField(_l("Arrival point"), validators=[Optional()],
                                validate_choice=False)
    pickup_needed = BooleanField(_l("I need to be picked up at the arrival point"))
    departure_date = DateField(_l("Departure date"), validators=[Optional()])
    departure_time = TimeField(_l("Departure time"), validators=[Optional()])
    departure_mode = _mode(_l("Leaving by"))
    departure_number = _number(_l("Departure: number"))
    insurance_provider = StringField(_l("Insurer"), validators=[Optional(), Length(max=200)])
    insurance_policy = StringField(_l("Policy number"), validators=[Optional(), Length(max=100)],
                                   render_kw={"dir": "ltr"})
    insurance_valid_until = DateField(
        _l("Insurance valid until"), validators=[Optional()],
        description=_l("It must cover the whole placement, up to its last day."))
    emergency_contact_name = StringField(_l("Emergency contact: name"),
                                         validators=[Optional(), Length(max=200)])
    emergency_contact_relation = StringField(
        _l("Emergency contact: relation"), validators=[Optional(), Length(max=100)],
        description=_l("Who they are to you, e.g. mother, partner, friend."))
    emergency_contact_phone = StringField(
        _l("Emergency contact: phone"), validators=[Optional(), Length(max=40), PhoneNumber()],
        description=_l("With the country code, e.g. %(example)s.",
                       example=ltr("+33 6 12 34 56 78")),
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    submit = SubmitField(_l("Save arrival details"))

    def set_points(self, points: list[str], current: str | None) -> None:
        """Offer the site's airports and stations (and a value recorded earlier that the
        site's list no longer holds)."""
        options = list(points)
        if current and current not in options:
            options.append(current)
        self.arrival_point.choices = [SelectChoice("", "—")] + [
            SelectChoice(p, p) for p in options]

    def values(self) -> dict[str, Any]:
        """The fields as :func:`aljisr.arrivals.services.record_arrival_details` takes them."""
        return {name: self[name].data for name in (*DETAIL_FIELDS, *CONTACT_FIELDS)}


class BoardFilterForm(AppForm):
    """The board's filter bar (GET, no CSRF): a date range and a site."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional(), RangeEnd()])
    site = FilterSelectField(_l("Site"), coerce=optional_int, validators=[Optional()])

    def set_sites(self, sites: list[tuple[int, str]]) -> None:
        """Offer ``sites`` (``(id, name)`` pairs, those the reader sees) besides every site."""
        self.site.choices = [SelectChoice("", _("Every site"))] + [
            SelectChoice(i, n) for i, n in sites]
