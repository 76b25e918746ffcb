"""Forms of the volunteers register: the profile form and the list's filter bar."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from aljisr import dates
from aljisr.formfields import (
    NOTES_MAX_LENGTH,
    ArabicScript,
    CommaListField,
    FilterSelectField,
    MultiCheckboxField,
    PhoneNumber,
    RangeEnd,
    SearchBoxField,
    country_choices,
    grouped_language_options,
    optional_int,
)
from aljisr.forms import AppForm, RowForm
from aljisr.i18n import _, _l, ltr
from aljisr.once import OneTimeField
from aljisr.projects.models import THEME_TITLES
from aljisr.volunteers.models import LanguageLevel, VolunteerStatus

#: CEFR level names (Council of Europe, "Common European Framework of Reference for
#: Languages", global scale), plus native speakers.
LEVEL_NAMES = {
    LanguageLevel.A1: _l("Beginner"),
    LanguageLevel.A2: _l("Elementary"),
    LanguageLevel.B1: _l("Intermediate"),
    LanguageLevel.B2: _l("Upper intermediate"),
    LanguageLevel.C1: _l("Advanced"),
    LanguageLevel.C2: _l("Proficient"),
    LanguageLevel.NATIVE: _l("Native speaker"),
}


def level_label(level: LanguageLevel | str) -> str:
    """"B2 – Upper intermediate", "Native speaker"."""
    level = LanguageLevel(level)
    if level is LanguageLevel.NATIVE:
        return str(LEVEL_NAMES[level])
    return f"{level.value} – {LEVEL_NAMES[level]}"


#: Statuses a coordinator chooses in the form; "archived" is set by the Archive button.
EDITABLE_STATUSES = (VolunteerStatus.APPLICANT, VolunteerStatus.ACTIVE)


def _blank(label: Any = None) -> SelectChoice:
    return SelectChoice("", str(label or "—"))


def _language_options(_form: Any, field: Any) -> list[SelectChoice]:
    return grouped_language_options([field.data] if field.data else (), blank="—")


def _level_options() -> list[SelectChoice]:
    return [_blank()] + [SelectChoice(level.value, level_label(level)) for level in LanguageLevel]


def _country_options() -> list[SelectChoice]:
    return [_blank()] + [SelectChoice(code, name) for code, name in country_choices()]


def _theme_options() -> list[SelectChoice]:
    return [SelectChoice(theme.value, str(title)) for theme, title in THEME_TITLES.items()]


class LanguageRowForm(RowForm):
    """One language a volunteer speaks; a row with neither code nor level is ignored."""

    code = SelectField(_l("Language"), choices=_language_options)
    level = SelectField(_l("Level"), choices=_level_options)

    def validate_code(self, field: Any) -> None:
        if self.level.data and not field.data:
            raise ValidationError(_("Choose the language this level is for."))

    def validate_level(self, field: Any) -> None:
        if self.code.data and not field.data:
            raise ValidationError(_("Choose a level for this language."))


def languages_once(field: Any) -> set[str]:
    """Check a list of language rows (``LanguageRowForm`` entries): each language at most
    once. Returns the codes chosen (a set, empty when no row names one).

    :raises ValidationError: on the list, with the repeated row's code field marked too.
    """
    seen: set[str] = set()
    for row in field:
        code = row.form.code.data
        if code and code in seen:
            row.form.code.errors = [*row.form.code.errors, _("This language is listed twice.")]
            raise ValidationError(_("Each language once, please."))
        if code:
            seen.add(code)
    return seen


class VolunteerForm(AppForm):
    """A volunteer's profile. Names are free Unicode text (no ASCII rule)."""

    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As the person writes it, in any script."),
    )
    name_ar = StringField(
        _l("Name in Arabic script"),
        validators=[Optional(), Length(max=200), ArabicScript()],
        render_kw={"dir": "rtl", "lang": "ar"},
        description=_l("Optional; used on Arabic certificates."),
    )
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    nationality = SelectField(_l("Nationality"), choices=_country_options,
                              validators=[Optional()])
    gender = SelectField(
        _l("Gender"), validators=[Optional()],
        choices=[SelectChoice("", _l("Not given")), SelectChoice("female", _l("Woman")),
                 SelectChoice("male", _l("Man")), SelectChoice("other", _l("Other"))],
        description=_l("As the volunteer gives it; the season planner balances women and men "
                       "where a project asks."))
    application_group = StringField(
        _l("Applied with"), validators=[Optional(), Length(max=60)],
        description=_l("The same word for volunteers who applied together: the season "
                       "planner places them together."))
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=40), PhoneNumber(region_field="nationality")],
        description=_l("With the country code, e.g. %(example)s.",
                       example=ltr("+33 6 12 34 56 78")),
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    sending_organisation_id = SelectField(
        _l("Sending organisation"), coerce=optional_int, validators=[Optional()]
    )
    status = SelectField(
        _l("Status"),
        choices=lambda: [SelectChoice(s.value, s.title) for s in EDITABLE_STATUSES],
        default=VolunteerStatus.APPLICANT.value,
    )
    languages = FieldList(FormField(LanguageRowForm), label=_l("Languages"))
    skills = CommaListField(
        _l("Skills"), description=_l("Separated by commas, e.g. painting, carpentry, teaching.")
    )
    interests = MultiCheckboxField(_l("Interests (project themes)"), choices=_theme_options)
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_to = DateField(_l("Available until"), validators=[Optional()])
    emergency_contact_name = StringField(_l("Emergency contact: name"),
                                         validators=[Optional(), Length(max=200)])
    emergency_contact_phone = StringField(
        _l("Emergency contact: phone"),
        validators=[Optional(), Length(max=40), PhoneNumber(region_field="nationality")],
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    dietary_notes = TextAreaField(_l("Dietary needs"),
                                  validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
                                  render_kw={"rows": 2})
    health_notes = TextAreaField(
        _l("Health notes"), validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
        render_kw={"rows": 2},
        description=_l("Confidential: not shown to sending organisations."),
    )
    consent_date = DateField(
        _l("Consent given on"), validators=[Optional()],
        description=_l("The day the volunteer agreed that the association keeps this data."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
                          render_kw={"rows": 3})
    confirm_duplicates = BooleanField(
        _l("Save anyway: this is a different person from the volunteers listed above")
    )
    once = OneTimeField()
    submit = SubmitField(_l("Save"))

    def validate_date_of_birth(self, field: Any) -> None:
        if field.data and field.data > dates.association_today():
            raise ValidationError(_("Give a date of birth in the past."))
        if field.data and field.data < date(1900, 1, 1):
            raise ValidationError(_("Check the year of birth: it is before 1900."))

    def validate_available_to(self, field: Any) -> None:
        if field.data and self.available_from.data and field.data < self.available_from.data:
            raise ValidationError(_("The end of availability cannot be before its start."))

    def validate_consent_date(self, field: Any) -> None:
        if field.data and field.data > dates.association_today():
            raise ValidationError(_("The consent date cannot be in the future."))

    def validate_languages(self, field: Any) -> None:
        languages_once(field)

    def language_levels(self) -> dict[str, LanguageLevel]:
        """The filled language rows as {ISO 639-1 code: level}."""
        return {
            row.form.code.data: LanguageLevel(row.form.level.data)
            for row in self.languages
            if row.form.code.data and row.form.level.data
        }

    def values(self) -> dict[str, Any]:
        """What the services take: model attribute -> cleaned value (see services.FIELDS)."""
        values = {
            name: self[name].data
            for name in (
                "full_name", "name_ar", "email", "phone", "date_of_birth", "nationality",
                "sending_organisation_id", "skills", "interests", "available_from",
                "available_to", "emergency_contact_name", "emergency_contact_phone",
                "dietary_notes", "health_notes", "consent_date", "notes", "gender",
                "application_group",
            )
        }
        values["nationality"] = values["nationality"] or None
        values["gender"] = values["gender"] or None
        values["application_group"] = (values["application_group"] or "").strip() or None
        if "status" in self:
            values["status"] = VolunteerStatus(self.status.data)
        values["languages"] = self.language_levels()
        return values

    def add_blank_language_rows(self, wanted: int = 2) -> None:
        """Offer ``wanted`` empty rows for more languages (usable without JavaScript)."""
        blanks = sum(1 for row in self.languages if not row.form.code.data)
        for _i in range(max(0, wanted - blanks)):
            self.languages.append_entry()


class VolunteerFilterForm(AppForm):
    """The list's filter bar (GET, no CSRF). A field with a bad value shows its error and is
    left out of the query; the others still apply."""

    class Meta:
        csrf = False

    q = SearchBoxField(_l("Search"),
                       render_kw={"placeholder": _l("Name or e-mail")})
    status = FilterSelectField(
        _l("Status"),
        choices=lambda: [_blank(_l("Any status"))]
        + [SelectChoice(s.value, s.title) for s in VolunteerStatus],
        validators=[Optional()],
    )
    nationality = FilterSelectField(_l("Nationality"), validators=[Optional()])
    sending_organisation = FilterSelectField(_l("Sending organisation"), coerce=optional_int,
                                       validators=[Optional()])
    language = FilterSelectField(_l("Speaks"), validators=[Optional()])
    interest = FilterSelectField(
        _l("Interest"),
        choices=lambda: [_blank(_l("Any theme"))] + _theme_options(),
        validators=[Optional()],
    )
    date_from = DateField(_l("Available from"), validators=[Optional()])
    date_to = DateField(_l("until"), validators=[Optional(), RangeEnd()])
    archived = FilterSelectField(
        _l("Show"),
        choices=[SelectChoice("", _l("Current")), SelectChoice("archived", _l("Archived")),
                 SelectChoice("all", _l("All"))],
        validators=[Optional()],
    )

    def active_filters(self) -> dict[str, Any]:
        """Field name -> value for every filled field without an error."""
        return {
            field.name: field.data
            for field in self
            if not field.errors and field.data not in (None, "", [])
        }



class AnonymiseForm(AppForm):
    """Anonymise a volunteer: why, and an explicit acknowledgement that it cannot be undone."""

    reason = TextAreaField(
        _l("Why"),
        validators=[DataRequired(message=_l("Say why (for example: the volunteer's request).")),
                    Length(max=500)],
        description=_l("Kept in the audit log. Do not write personal details here."),
        render_kw={"rows": 2, "maxlength": 500},
    )
    confirm = BooleanField(
        _l("I understand that the personal data is erased for good and cannot be restored."),
        validators=[DataRequired(message=_l("Tick this box to confirm."))],
    )
    submit = SubmitField(_l("Anonymise"))
