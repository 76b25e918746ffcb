"""Forms of the volunteer portal: logging hours, and the part of the profile a volunteer edits."""

from __future__ import annotations

from typing import Any

from wtforms import FieldList, FormField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from aljisr.formfields import CommaListField, normalise_phone
from aljisr.forms import AppForm
from aljisr.hours.forms import LogHoursForm
from aljisr.i18n import _, _l, ltr
from aljisr.volunteers.forms import LanguageRowForm
from aljisr.volunteers.models import LanguageLevel


class PortalLogHoursForm(LogHoursForm):
    """Date, hours and activity, plus which of my current placements they are for.

    The placement's choices are the volunteer's own loggable placements; the view also looks the
    posted id up in the volunteer's scope first (another volunteer's placement is a 404, not a
    form error). There is no volunteer field: whose hours they are follows from the placement.
    """

    placement = SelectField(_l("Placement"), coerce=int, validate_choice=False)


class ProfileForm(AppForm):
    """What a volunteer may change about themselves: contact details, languages and skills.

    Never their name, e-mail (it is their login), status or sending organisation.
    ``region`` (ISO 3166-1 alpha-2, the volunteer's nationality) is assumed for phone numbers
    written without their country code.
    """

    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=40)],
        description=_l("With the country code, e.g. %(example)s.",
                       example=ltr("+33 6 12 34 56 78")),
        render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"},
    )
    emergency_contact_name = StringField(_l("Emergency contact: name"),
                                         validators=[Optional(), Length(max=200)])
    emergency_contact_phone = StringField(
        _l("Emergency contact: phone"), validators=[Optional(), Length(max=40)],
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    dietary_notes = TextAreaField(
        _l("Dietary needs"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2},
        description=_l("Shown to the host organisation while you are placed with it."),
    )
    languages = FieldList(FormField(LanguageRowForm), label=_l("Languages"))
    skills = CommaListField(
        _l("Skills"), description=_l("Separated by commas, e.g. painting, carpentry, teaching.")
    )
    submit = SubmitField(_l("Save my details"))

    region: str | None = None

    def _phone(self, field: Any) -> None:
        try:
            field.data = normalise_phone(field.data, self.region)
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def validate_phone(self, field: Any) -> None:
        self._phone(field)

    def validate_emergency_contact_phone(self, field: Any) -> None:
        self._phone(field)

    def validate_languages(self, field: Any) -> None:
        seen: set[str] = set()
        for row in field:
            code = row.form.code.data
            if code and code in seen:
                row.form.code.errors = [*row.form.code.errors, _("This language is listed twice.")]
                raise ValidationError(_("Each language once, please."))
            if code:
                seen.add(code)

    def language_levels(self) -> dict[str, LanguageLevel]:
        """The filled language rows as {ISO 639-1 code: level}."""
        return {
            row.form.code.data: LanguageLevel(row.form.level.data)
            for row in self.languages
            if row.form.code.data and row.form.level.data
        }

    def values(self) -> dict[str, Any]:
        """The cleaned values, keyed as :data:`aljisr.portal.services.PROFILE_FIELDS`."""
        return {
            "phone": self.phone.data or None,
            "emergency_contact_name": self.emergency_contact_name.data or None,
            "emergency_contact_phone": self.emergency_contact_phone.data or None,
            "dietary_notes": (self.dietary_notes.data or "").strip() or None,
            "skills": self.skills.data or [],
            "languages": self.language_levels(),
        }

    def add_blank_language_rows(self, wanted: int = 2) -> None:
        """Offer ``wanted`` empty rows for more languages (works without JavaScript)."""
        blanks = sum(1 for row in self.languages if not row.form.code.data)
        for _i in range(max(0, wanted - blanks)):
            self.languages.append_entry()
