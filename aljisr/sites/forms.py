"""Forms of the sites register."""

from __future__ import annotations

from typing import Any

from wtforms import SearchField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from aljisr.formfields import (
    ADDRESS_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    FilterSelectField,
    french_and_arabic_fields,
    optional_int,
)
from aljisr.forms import AppForm
from aljisr.i18n import _, _l
from aljisr.once import OneTimeField
from aljisr.sites.models import SITE_KIND_TITLES, SiteKind


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
    once = OneTimeField()
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        values = {name: self[name].data for name in (
            "name", "name_fr", "name_ar", "organisation_id", "address", "city", "region", "notes")}
        values["kind"] = SiteKind(self.kind.data)
        return values


class SiteFilterForm(AppForm):
    """The list's filter bar (GET, no CSRF); a bad value shows its error and is ignored."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional()],
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
