"""Forms of the organisations register."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from aljisr.formfields import (
    ADDRESS_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    FilterSelectField,
    PhoneNumber,
    SearchBoxField,
    country_choices,
)
from aljisr.forms import AppForm
from aljisr.i18n import _, _l, ltr
from aljisr.once import OneTimeField
from aljisr.organisations.models import OrganisationKind


def _kind_options() -> list[SelectChoice]:
    return [SelectChoice(kind.value, kind.title) for kind in OrganisationKind]


def _country_options() -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [SelectChoice(c, n) for c, n in country_choices()]


def normalise_website(value: str | None) -> str | None:
    """"example.org/x" -> "https://example.org/x"; None when empty.

    :raises ValueError: when the text is not a web address (no host with a dot, spaces,
        another scheme than http/https).
    """
    value = (value or "").strip()
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or " " in value:
        raise ValueError(_("This is not a web address (e.g. %(example)s).",
                           example=ltr("https://example.org")))
    return value


class OrganisationForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_kind_options)
    country = SelectField(_l("Country"), choices=_country_options, validators=[Optional()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    address = TextAreaField(_l("Address"),
                            validators=[Optional(), Length(max=ADDRESS_MAX_LENGTH)],
                            render_kw={"rows": 2})
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=40), PhoneNumber(region_field="country")],
        render_kw={"dir": "ltr", "inputmode": "tel"},
        description=_l("With the country code, e.g. %(example)s.",
                       example=ltr("+212 5 39 00 00 00")),
    )
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)],
                          render_kw={"dir": "ltr", "inputmode": "url"})
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
                          render_kw={"rows": 3})
    confirm_same_name = BooleanField(
        _l("Save anyway: this is a different organisation from those listed above")
    )
    once = OneTimeField()
    submit = SubmitField(_l("Save"))

    def validate_website(self, field: Any) -> None:
        try:
            field.data = normalise_website(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def values(self) -> dict[str, Any]:
        """Model attribute -> cleaned value, for the services."""
        values = {name: self[name].data for name in (
            "name", "country", "city", "address", "email", "phone", "website",
            "contact_name", "notes")}
        values["kind"] = OrganisationKind(self.kind.data)
        values["country"] = values["country"] or None
        return values


class OrganisationFilterForm(AppForm):
    """The list's filter bar (GET, no CSRF); a bad value shows its error and is ignored."""

    class Meta:
        csrf = False

    q = SearchBoxField(_l("Search"),
                       render_kw={"placeholder": _l("Name or city")})
    kind = FilterSelectField(
        _l("Kind"), choices=lambda: [SelectChoice("", _("Any kind"))] + _kind_options(),
        validators=[Optional()],
    )
    country = FilterSelectField(
        _l("Country"),
        choices=lambda: [SelectChoice("", _("Any"))] + _country_options()[1:],
        validators=[Optional()],
    )
    archived = FilterSelectField(
        _l("Show"),
        choices=[SelectChoice("", _l("Current")), SelectChoice("archived", _l("Archived")),
                 SelectChoice("all", _l("All"))],
        validators=[Optional()],
    )

    def active_filters(self) -> dict[str, Any]:
        return {f.name: f.data for f in self if not f.errors and f.data not in (None, "", [])}
