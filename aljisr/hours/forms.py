"""Forms of the hours pages: logging hours for a placement, and the review queue's filters."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from aljisr.errors import DomainError
from aljisr.formfields import FilterSelectField, RangeEnd, SearchBoxField, optional_int
from aljisr.forms import AppForm
from aljisr.hours.models import HoursStatus
from aljisr.hours.services import ACTIVITY_MAX_LENGTH, parse_hours
from aljisr.i18n import _l, isolated_text
from aljisr.once import OneTimeField


class LogHoursForm(AppForm):
    """Date, hours and activity. Formats are checked here; the rules (limits, dates within the
    placement, 24 hours a day) by :func:`aljisr.hours.services.log_hours`."""

    work_date = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Enter the date (YYYY-MM-DD)."))],
        render_kw={"autocomplete": "off"},
    )
    hours = StringField(
        _l("Hours"),
        validators=[DataRequired(message=_l("Enter the hours, for example 3.5."))],
        description=_l("In hours, more than 0 and at most 24: 1.5 for an hour and a half, 0.25 for "
                       "a quarter of an hour."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    activity = TextAreaField(
        _l("Activity"),
        validators=[
            DataRequired(message=_l("Describe the activity in a few words.")),
            Length(max=ACTIVITY_MAX_LENGTH),
        ],
        render_kw={"rows": 2, "maxlength": ACTIVITY_MAX_LENGTH},
    )
    once = OneTimeField()
    #: Shown only when the same hours are already logged (see :func:`without_confirmation`).
    log_anyway = BooleanField(_l("Log them anyway: these are other hours"))
    submit = SubmitField(_l("Log hours"))

    def without_confirmation(self) -> None:
        """Drop the "log them anyway" box, which is shown only beside the warning that the same
        hours are already logged (:class:`aljisr.hours.services.DuplicateHours`), or ticked
        when the form comes back for another error."""
        if "log_anyway" in self and not self.log_anyway.errors and not self.log_anyway.data:
            del self["log_anyway"]

    def validate_hours(self, field: Any) -> None:
        """Read the amount as the service will (:func:`aljisr.hours.services.parse_hours`), so
        that "25" shows its message together with the other fields' errors, not only once
        they are fixed."""
        try:
            parse_hours(field.data)
        except DomainError as error:
            raise ValidationError(error.message) from None


STATUS_ANY = "all"


class QueueFilterForm(AppForm):
    """GET filters of the review queue (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    status = FilterSelectField(_l("Status"), validators=[Optional()],
                               default=HoursStatus.SUBMITTED.value)
    project = FilterSelectField(_l("Project"), coerce=optional_int, validators=[Optional()])
    site = FilterSelectField(_l("Site"), coerce=optional_int, validators=[Optional()])
    #: the answer of the site's host organisation (values: aljisr.hours.queries.HOST_ANSWERS)
    host = FilterSelectField(_l("Host's answer"), validators=[Optional()])
    volunteer = SearchBoxField(_l("Volunteer"))
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional(), RangeEnd()])

    def set_choices(self, projects: list[tuple[Any, ...]], sites: list[tuple[Any, ...]]) -> None:
        """Fill the selects from :func:`aljisr.hours.queries.filter_choices`."""
        anyone = str(_l("Any"))
        self.status.choices = [SelectChoice(s.value, s.title) for s in HoursStatus] + [
            SelectChoice(STATUS_ANY, str(_l("Any status")))
        ]
        self.host.choices = [
            SelectChoice("", anyone),
            SelectChoice("queried", str(_l("Queried"))),
            SelectChoice("confirmed", str(_l("Confirmed"))),
        ]
        self.project.choices = [SelectChoice("", anyone)] + [
            SelectChoice(pid, isolated_text(title, site)) for pid, title, site in projects
        ]
        self.site.choices = [SelectChoice("", anyone)] + [
            SelectChoice(sid, name) for sid, name in sites
        ]
