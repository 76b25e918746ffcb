"""Forms of applications: the public application form, and the coordinators' inbox filters,
acceptance and decline. The public form reuses the volunteer form's fields and checks
(:mod:`aljisr.volunteers.forms`), so an accepted applicant is a volunteer as a coordinator
would have typed them."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from aljisr import dates
from aljisr.applications.models import (
    APPLICATION_STATUS_TITLES,
    HEARD_FROM_TITLES,
    MAX_PREFERENCES,
)
from aljisr.formfields import (
    NOTES_MAX_LENGTH,
    ArabicScript,
    CommaListField,
    FilterSelectField,
    MultiCheckboxField,
    PhoneNumber,
    RangeEnd,
    SearchBoxField,
    optional_int,
)
from aljisr.forms import AppForm, RowForm
from aljisr.i18n import _, _l, ltr
from aljisr.volunteers.forms import (
    LanguageRowForm,
    _country_options,
    _theme_options,
    languages_once,
)

#: Value of the sending organisation choice "not in the list".
OTHER_ORGANISATION = -1
#: Longest motivation accepted (characters).
MOTIVATION_MAX_LENGTH = 4000


# --- the fill-time stamp ----------------------------------------------------------------------


def _stamp_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="aljisr.apply.started")


def new_stamp(at: float | None = None) -> str:
    """A signed note of when the form was shown (``at``: seconds since the epoch, now by
    default); the form posts it back, and :func:`filled_too_fast` reads it."""
    return _stamp_serializer().dumps({"t": at if at is not None else time.time()})


def filled_too_fast(stamp: str | None) -> bool:
    """Whether the form came back sooner than ``APPLICATION_MIN_FILL_SECONDS`` after it was
    shown, or without a valid stamp (forged, damaged, missing): what a script does, not a
    person. A stamp older than a day is still a person (a tab left open)."""
    try:
        payload = _stamp_serializer().loads(stamp or "")
    except (BadSignature, TypeError, ValueError):
        return True
    shown = payload.get("t") if isinstance(payload, dict) else None
    if not isinstance(shown, int | float):
        return True
    return time.time() - shown < float(current_app.config["APPLICATION_MIN_FILL_SECONDS"])


# --- the public form -------------------------------------------------------------------------


def _heard_options() -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [
        SelectChoice(h.value, str(title)) for h, title in HEARD_FROM_TITLES.items()
    ]


class PreferenceForm(RowForm):
    """One chosen project (choices set by the view: the open projects)."""

    project = SelectField(_l("Project"), coerce=optional_int, validators=[Optional()],
                          validate_choice=False)


class ApplyForm(AppForm):
    """The public application form. The view sets the choices of ``projects-N-project`` and
    ``sending_organisation_id`` (open projects, sending organisations)."""

    full_name = StringField(
        _l("Full name"), validators=[DataRequired(message=_l("Give your name.")),
                                     Length(max=200)],
        description=_l("As you write it, in any script."),
        render_kw={"autocomplete": "name"},
    )
    name_ar = StringField(
        _l("Name in Arabic script"),
        validators=[Optional(), Length(max=200), ArabicScript()],
        render_kw={"dir": "rtl", "lang": "ar"},
        description=_l("Optional; used on Arabic certificates."),
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(message=_l("Give your e-mail address.")),
                    Email(message=_l("This is not an e-mail address.")), Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l("We send a link to this address: your application counts once you "
                       "open it."),
        render_kw={"autocomplete": "email", "dir": "ltr"},
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=40), PhoneNumber(region_field="nationality")],
        description=_l("With the country code, e.g. %(example)s.",
                       example=ltr("+33 6 12 34 56 78")),
        render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"},
    )
    nationality = SelectField(_l("Nationality"), choices=_country_options,
                              validators=[DataRequired(message=_l("Choose your nationality."))])
    date_of_birth = DateField(
        _l("Date of birth"), validators=[DataRequired(message=_l("Give your date of birth."))])
    languages = FieldList(FormField(LanguageRowForm), label=_l("Languages"), min_entries=1,
                          max_entries=8)
    skills = CommaListField(
        _l("Skills"), description=_l("Separated by commas, e.g. painting, carpentry, teaching.")
    )
    interests = MultiCheckboxField(_l("Interests (project themes)"), choices=_theme_options)
    available_from = DateField(
        _l("Available from"),
        validators=[DataRequired(message=_l("Give the first day you are available."))])
    available_to = DateField(
        _l("Available until"),
        validators=[DataRequired(message=_l("Give the last day you are available."))])
    projects = FieldList(FormField(PreferenceForm), label=_l("Projects you would like to join"),
                         min_entries=MAX_PREFERENCES, max_entries=MAX_PREFERENCES)
    sending_organisation_id = SelectField(
        _l("Sending organisation"), coerce=optional_int, validators=[Optional()],
        validate_choice=False,
        description=_l("The organisation in your country that sends you, if any."),
    )
    sending_organisation_other = StringField(
        _l("Its name, if it is not in the list"), validators=[Optional(), Length(max=200)])
    motivation = TextAreaField(
        _l("Why would you like to volunteer with us?"),
        validators=[DataRequired(message=_l("Tell us in a few lines.")),
                    Length(max=MOTIVATION_MAX_LENGTH)],
        render_kw={"rows": 5, "maxlength": MOTIVATION_MAX_LENGTH},
    )
    heard_from = SelectField(_l("How did you hear of us?"), choices=_heard_options,
                             validators=[Optional()])
    heard_from_detail = StringField(_l("Tell us more (optional)"),
                                    validators=[Optional(), Length(max=200)])
    consent = BooleanField(
        _l("I agree that the association keeps and uses these data to handle my application, "
           "as the privacy notice says (Moroccan Law 09-08 and the EU GDPR)."),
        validators=[DataRequired(message=_l("Without this agreement we cannot handle your "
                                            "application."))],
    )
    testimonial_consent = BooleanField(
        _l("Optional: after my stay, the association may ask me for a testimonial and publish "
           "it as I choose (I can withdraw it at any time)."),
    )
    #: The honeypot: hidden from people (CSS, aria-hidden, not focusable); a script fills it.
    website = StringField(_l("Leave this field empty"), validators=[Optional()],
                          render_kw={"tabindex": "-1", "autocomplete": "off"})
    #: When the form was shown (signed): a form sent back too fast is a script.
    started = HiddenField()
    submit = SubmitField(_l("Send my application"))

    def validate_date_of_birth(self, field: Any) -> None:
        today = dates.association_today()
        if field.data and field.data > today:
            raise ValidationError(_("Give a date of birth in the past."))
        if field.data and field.data < date(1900, 1, 1):
            raise ValidationError(_("Check the year of birth: it is before 1900."))
        if field.data and field.data > today.replace(year=today.year - 16, day=min(today.day, 28)):
            raise ValidationError(_("Volunteers are at least 16 years old."))

    def validate_available_to(self, field: Any) -> None:
        if field.data and self.available_from.data and field.data < self.available_from.data:
            raise ValidationError(_("The end of availability cannot be before its start."))

    def validate_available_from(self, field: Any) -> None:
        if field.data and field.data < dates.association_today():
            raise ValidationError(_("Give a day from today on."))

    def validate_languages(self, field: Any) -> None:
        if not languages_once(field):
            raise ValidationError(_("Give at least one language you speak, with its level."))

    def validate_projects(self, field: Any) -> None:
        chosen = [row.form.project.data for row in field if row.form.project.data]
        if not chosen:
            raise ValidationError(_("Choose at least one project."))
        if len(set(chosen)) != len(chosen):
            raise ValidationError(_("Choose each project once."))

    def validate_sending_organisation_other(self, field: Any) -> None:
        if self.sending_organisation_id.data == OTHER_ORGANISATION and not (field.data or
                                                                            "").strip():
            raise ValidationError(_("Give the name of your sending organisation."))

    def language_levels(self) -> dict[str, str]:
        """The filled language rows as {ISO 639-1 code: CEFR level value}."""
        return {
            row.form.code.data: row.form.level.data
            for row in self.languages
            if row.form.code.data and row.form.level.data
        }

    def project_ids(self) -> list[int]:
        """The chosen projects' ids, first choice first."""
        return [row.form.project.data for row in self.projects if row.form.project.data]

    def values(self) -> dict[str, Any]:
        """What :func:`aljisr.applications.services.submit_application` takes."""
        org = self.sending_organisation_id.data
        return {
            "full_name": self.full_name.data, "name_ar": self.name_ar.data,
            "email": self.email.data, "phone": self.phone.data,
            "nationality": self.nationality.data or None,
            "date_of_birth": self.date_of_birth.data,
            "languages": self.language_levels(),
            "skills": self.skills.data or [], "interests": self.interests.data or [],
            "available_from": self.available_from.data, "available_to": self.available_to.data,
            "project_ids": self.project_ids(),
            "sending_organisation_id": org if org and org > 0 else None,
            "sending_organisation_other": (self.sending_organisation_other.data
                                           if org == OTHER_ORGANISATION else None),
            "motivation": self.motivation.data,
            "heard_from": self.heard_from.data or None,
            "heard_from_detail": self.heard_from_detail.data,
            "testimonial_consent": bool(self.testimonial_consent.data),
        }


class LinkForm(AppForm):
    """The button of a confirmation or withdrawal page (a GET shows it: mail scanners that
    open links must not confirm or withdraw)."""

    submit = SubmitField(_l("Confirm"))


# --- the inbox ---------------------------------------------------------------------------------


def _status_options() -> list[SelectChoice]:
    return [SelectChoice("", str(_l("Any status")))] + [
        SelectChoice(s.value, str(title)) for s, title in APPLICATION_STATUS_TITLES.items()
    ]


class InboxFilterForm(AppForm):
    """The inbox's filter bar (GET, no CSRF); the view sets project and nationality choices."""

    class Meta:
        csrf = False

    q = SearchBoxField(_l("Search"),
                       render_kw={"placeholder": _l("Name or e-mail")})
    status = FilterSelectField(_l("Status"), choices=_status_options, validators=[Optional()])
    project = FilterSelectField(_l("Project"), coerce=optional_int, validators=[Optional()])
    nationality = FilterSelectField(_l("Nationality"), validators=[Optional()])
    date_from = DateField(_l("Sent from"), validators=[Optional()])
    date_to = DateField(_l("until"), validators=[Optional(), RangeEnd()])

    def active_filters(self) -> dict[str, Any]:
        """Field name -> value for every filled field without an error."""
        return {field.name: field.data for field in self
                if not field.errors and field.data not in (None, "", [])}


class ReviewForm(AppForm):
    """The "Start review" button."""

    submit = SubmitField(_l("Start review"))


class PlacementRowForm(RowForm):
    """One preferred project the coordinator may propose a placement on."""

    project_id = HiddenField()
    propose = BooleanField(_l("Propose a placement"))
    start_date = DateField(_l("First day"), validators=[Optional()])
    end_date = DateField(_l("Last day"), validators=[Optional()])


class AcceptForm(AppForm):
    """Accept an application: the volunteer it becomes (new, or a likely duplicate), the
    placements to propose on preferred projects, and the invitation."""

    volunteer = SelectField(_l("Volunteer"), coerce=optional_int, validators=[Optional()],
                            validate_choice=False)
    placements = FieldList(FormField(PlacementRowForm), max_entries=MAX_PREFERENCES)
    role = StringField(_l("Role on the placements"), validators=[Optional(), Length(max=200)],
                       default=_l("Volunteer"))
    without_placement = BooleanField(
        _l("Accept without proposing a placement"),
        description=_l("Tick it only when no placement is ticked above on purpose."))
    invite = BooleanField(_l("Invite the volunteer to sign in"), default=True)
    submit = SubmitField(_l("Accept"))

    def validate_without_placement(self, field: Any) -> None:
        """No placement ticked: accepted only when the coordinator says so."""
        if not field.data and not any(row.form.propose.data for row in self.placements):
            raise ValidationError(_("Tick a placement to propose, or confirm that you accept "
                                    "without one."))

    def validate_placements(self, field: Any) -> None:
        for row in field:
            if not row.form.propose.data:
                continue
            start, end = row.form.start_date.data, row.form.end_date.data
            if not start:
                row.form.start_date.errors = [*row.form.start_date.errors, _("Give the first day.")]
            if not end:
                row.form.end_date.errors = [*row.form.end_date.errors, _("Give the last day.")]
            if start and end and end < start:
                row.form.end_date.errors = [*row.form.end_date.errors,
                                            _("The last day cannot be before the first day.")]
            if row.form.start_date.errors or row.form.end_date.errors:
                raise ValidationError(_("Check the dates of the placements."))


class DeclineForm(AppForm):
    """Decline an application, with the reason the applicant will read."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why: the applicant reads it.")),
                    Length(max=NOTES_MAX_LENGTH)],
        description=_l("Sent to the applicant, in their e-mail."),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Decline"))

