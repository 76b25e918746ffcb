"""Forms of the projects register."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from aljisr.formfields import (
    NOTES_MAX_LENGTH,
    CommaListField,
    FilterSelectField,
    MultiCheckboxField,
    RangeEnd,
    SearchBoxField,
    french_and_arabic_fields,
    grouped_language_options,
    optional_int,
)
from aljisr.forms import AppForm
from aljisr.i18n import _, _l
from aljisr.once import OneTimeField
from aljisr.projects.models import (
    PROJECT_STATUS_TITLES,
    SDG_TITLES,
    THEME_TITLES,
    ProjectStatus,
    Theme,
)

#: Most volunteers a project may take a day: far above any real project, far below what the
#: ``capacity`` column (an integer) holds.
MAX_CAPACITY = 10_000


def _theme_options() -> list[SelectChoice]:
    return [SelectChoice(t.value, str(title)) for t, title in THEME_TITLES.items()]


def _status_options() -> list[SelectChoice]:
    return [SelectChoice(s.value, str(title)) for s, title in PROJECT_STATUS_TITLES.items()]


def _sdg_options() -> list[SelectChoice]:
    return [SelectChoice(goal, f"{goal}. {title}") for goal, title in SDG_TITLES.items()]


def _language_options(_form: Any, field: Any) -> list[SelectChoice]:
    return grouped_language_options(field.data or ())


class ProjectForm(AppForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(max=300)],
        description=_l("As the association writes it: shown on staff pages and English "
                       "certificates, and in any language without a title of its own below."),
        render_kw={"dir": "auto"},
    )
    title_fr, title_ar = french_and_arabic_fields(_l("Title in French"), _l("Title in Arabic"),
                                                  300)
    description = TextAreaField(_l("Description"),
                                validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
                                render_kw={"rows": 4})
    public_description = TextAreaField(
        _l("Public description in English"),
        validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
        render_kw={"rows": 4, "lang": "en", "dir": "ltr"},
        description=_l("Shown on the public site to would-be volunteers. Leave a blank line "
                       "between paragraphs."))
    public_description_fr = TextAreaField(
        _l("Public description in French"),
        validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
        render_kw={"rows": 4, "lang": "fr", "dir": "ltr"})
    public_description_ar = TextAreaField(
        _l("Public description in Arabic"),
        validators=[Optional(), Length(max=NOTES_MAX_LENGTH)],
        render_kw={"rows": 4, "lang": "ar", "dir": "rtl"},
        description=_l("A language left empty shows the description of another language, "
                       "marked as such."))
    site_id = SelectField(_l("Site"), coerce=optional_int, validators=[InputRequired()])
    funder_id = SelectField(
        _l("Funder"), coerce=optional_int, validators=[Optional()],
        description=_l("The organisation that finances or supports the project, if any."),
    )
    funder_public = BooleanField(
        _l("Name the funder on the public site"),
        description=_l("Leave unticked when the funder prefers not to be named publicly."))
    parent_id = SelectField(
        _l("Phase of"), coerce=optional_int, validators=[Optional()],
        description=_l("When this project is a step of a larger one."),
    )
    phase_number = IntegerField(
        _l("Phase number"),
        validators=[Optional(), NumberRange(min=1, max=99,
                                            message=_l("Phases are numbered from 1 to 99."))],
        description=_l("1 for the first step, 2 for the second…"),
    )
    theme = SelectField(_l("Theme"), choices=_theme_options)
    sdgs = MultiCheckboxField(_l("Sustainable Development Goals"), coerce=int,
                              choices=_sdg_options)
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    capacity = IntegerField(
        _l("Capacity"),
        validators=[InputRequired(),
                    NumberRange(min=1, max=MAX_CAPACITY,
                                message=_l("The capacity is at least 1 and at most %(max)s."))],
        description=_l("Most volunteers on the project on any single day."),
    )
    status = SelectField(_l("Status"), choices=_status_options,
                         default=ProjectStatus.DRAFT.value)
    required_skills = CommaListField(
        _l("Required skills"), description=_l("Separated by commas, e.g. masonry, painting.")
    )
    required_languages = SelectMultipleField(
        _l("Required languages"), choices=_language_options, validators=[Optional()],
        render_kw={"size": 10},
        description=_l("Hold Ctrl (or ⌘) to choose several."),
    )
    once = OneTimeField()
    min_age = IntegerField(
        _l("Minimum age"), validators=[Optional(), NumberRange(min=1, max=99)],
        description=_l("On the placement's first day; leave empty when there is none."))
    min_stay_days = IntegerField(
        _l("Minimum stay (days)"), validators=[Optional(), NumberRange(min=1, max=999)],
        description=_l("Empty: the season planner places volunteers for the whole project."))
    max_per_nationality = IntegerField(
        _l("Most volunteers of one nationality"),
        validators=[Optional(), NumberRange(min=1, max=999)])
    gender_margin = IntegerField(
        _l("Gender balance margin"), validators=[Optional(), NumberRange(min=0, max=999)],
        description=_l("Most women over men, or men over women, where gender is known."))
    working_days = StringField(
        _l("Working days"), validators=[Optional(), Length(max=200)],
        description=_l("Printed on the infosheet, e.g. Monday to Friday."))
    working_hours = StringField(
        _l("Working hours"), validators=[Optional(), Length(max=200)],
        description=_l("e.g. 9:00 to 12:30 and 14:30 to 17:00."))
    what_to_bring = TextAreaField(
        _l("What to bring"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 4},
        description=_l("One item a line, printed as a list on the infosheet."))
    submit = SubmitField(_l("Save"))

    def validate_end_date(self, field: Any) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("The last day cannot be before the first day."))

    def values(self) -> dict[str, Any]:
        """Model attribute -> cleaned value, for the services."""
        values = {name: self[name].data for name in (
            "title", "title_fr", "title_ar", "description", "public_description",
            "public_description_fr", "public_description_ar", "site_id", "funder_id",
            "funder_public", "parent_id",
            "phase_number", "start_date", "end_date", "capacity", "required_skills",
            "required_languages", "sdgs", "min_age", "min_stay_days", "max_per_nationality",
            "gender_margin", "working_days", "working_hours", "what_to_bring")}
        values["theme"] = Theme(self.theme.data)
        values["status"] = ProjectStatus(self.status.data)
        return values


class ProjectFilterForm(AppForm):
    """The list's filter bar (GET, no CSRF); a bad value shows its error and is ignored."""

    class Meta:
        csrf = False

    q = SearchBoxField(_l("Search"),
                       render_kw={"placeholder": _l("Title")})
    status = FilterSelectField(
        _l("Status"), choices=lambda: [SelectChoice("", _("Any status"))] + _status_options(),
        validators=[Optional()],
    )
    site = FilterSelectField(_l("Site"), coerce=optional_int, validators=[Optional()])
    theme = FilterSelectField(
        _l("Theme"), choices=lambda: [SelectChoice("", _("Any theme"))] + _theme_options(),
        validators=[Optional()],
    )
    date_from = DateField(_l("Running from"), validators=[Optional()])
    date_to = DateField(_l("until"), validators=[Optional(), RangeEnd()])
    archived = FilterSelectField(
        _l("Show"),
        choices=[SelectChoice("", _l("Current")), SelectChoice("archived", _l("Archived")),
                 SelectChoice("all", _l("All"))],
        validators=[Optional()],
    )


    def active_filters(self) -> dict[str, Any]:
        return {f.name: f.data for f in self if not f.errors and f.data not in (None, "", [])}
