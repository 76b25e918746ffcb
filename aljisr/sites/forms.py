"""Forms of the sites register."""

from __future__ import annotations

from typing import Any

from wtforms import (
    DecimalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from aljisr.formfields import (
    ADDRESS_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    FilterSelectField,
    SearchBoxField,
    french_and_arabic_fields,
    optional_int,
)
from aljisr.forms import AppForm
from aljisr.i18n import _, _l, ltr
from aljisr.once import OneTimeField
from aljisr.sites.models import LOGISTICS_FIELDS, SITE_KIND_TITLES, SiteKind


def _kind_options() -> list[SelectChoice]:
    return [SelectChoice(kind.value, str(title)) for kind, title in SITE_KIND_TITLES.items()]


class SiteForm(AppForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=200)],
        description=_l("As the association writes it: shown on staff pages and English "
                       "certificates, and in any language without a name of its own below."),
        render_kw={"dir": "auto"},
    )
    name_fr, name_ar = french_and_arabic_fields(_l("Name in French"), _l("Name in Arabic"), 200)
    kind = SelectField(_l("Kind"), choices=_kind_options)
    organisation_id = SelectField(_l("Host organisation"), coerce=optional_int,
                                  validators=[Optional()])
    address = TextAreaField(_l("Address"),
                            validators=[Optional(), Length(max=ADDRESS_MAX_LENGTH)],
                            render_kw={"rows": 2})
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
                          render_kw={"rows": 3})
    # --- for the pre-arrival infosheet ---
    latitude = DecimalField(
        _l("Latitude"), places=6, validators=[Optional(), NumberRange(min=-90, max=90)],
        description=_l("Decimal degrees, e.g. %(example)s (north is positive).",
                       example=ltr("31.628674")), render_kw={"dir": "ltr", "step": "any"})
    longitude = DecimalField(
        _l("Longitude"), places=6, validators=[Optional(), NumberRange(min=-180, max=180)],
        description=_l("Decimal degrees, e.g. %(example)s (west is negative).",
                       example=ltr("-7.992047")), render_kw={"dir": "ltr", "step": "any"})
    meeting_point = TextAreaField(_l("Meeting point"), validators=[Optional(), Length(max=2000)],
                                  render_kw={"rows": 2})
    transport_points = TextAreaField(
        _l("Nearest airports and stations"), validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
        description=_l("One a line, e.g. Marrakech Menara airport (RAK). Volunteers choose "
                       "their arrival point from this list."))
    accommodation = TextAreaField(_l("Accommodation"), validators=[Optional(), Length(max=2000)],
                                  render_kw={"rows": 2})
    food = TextAreaField(_l("Food"), validators=[Optional(), Length(max=2000)],
                         render_kw={"rows": 2})
    host_contact = TextAreaField(
        _l("Host's contact on site"), validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 2}, description=_l("Name, role and phone number."))
    local_emergency = TextAreaField(
        _l("Local emergency contacts"), validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 2},
        description=_l("Nearest hospital or doctor; the national numbers are always printed."))
    code_of_conduct = TextAreaField(
        _l("Code of conduct"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 4},
        description=_l("One rule a line. Empty: schools print the association's code of "
                       "conduct for working in schools."))
    once = OneTimeField()
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        values = {name: self[name].data for name in (
            "name", "name_fr", "name_ar", "organisation_id", "address", "city", "region", "notes",
            *LOGISTICS_FIELDS)}
        values["kind"] = SiteKind(self.kind.data)
        return values


class SiteFilterForm(AppForm):
    """The list's filter bar (GET, no CSRF); a bad value shows its error and is ignored."""

    class Meta:
        csrf = False

    q = SearchBoxField(_l("Search"),
                       render_kw={"placeholder": _l("Name or city")})
    kind = FilterSelectField(
        _l("Kind"), choices=lambda: [SelectChoice("", _("Any kind"))] + _kind_options(),
        validators=[Optional()],
    )
    organisation = FilterSelectField(_l("Host organisation"), coerce=optional_int,
                               validators=[Optional()])
    archived = FilterSelectField(
        _l("Show"),
        choices=[SelectChoice("", _l("Current")), SelectChoice("archived", _l("Archived")),
                 SelectChoice("all", _l("All"))],
        validators=[Optional()],
    )

    def active_filters(self) -> dict[str, Any]:
        return {f.name: f.data for f in self if not f.errors and f.data not in (None, "", [])}
