"""Forms of the placement pages. Formats are checked here; the rules (dates inside the
project, overlap, capacity, status path) by :mod:`aljisr.placements.services`."""

from __future__ import annotations

from typing import Any

from wtforms import (
    DateField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from aljisr.formfields import FilterSelectField, PickerField, RangeEnd, SearchBoxField
from aljisr.forms import AppForm
from aljisr.i18n import _, _l
from aljisr.once import OneTimeField
from aljisr.placements.models import PlacementStatus

REASON_MAX_LENGTH = 2000


def optional_int(value: Any) -> int | None:
    """Coerce a select's value: "" or None -> None, "12" -> 12 (ValueError otherwise)."""
    if value in (None, "", "None"):
        return None
    return int(value)


class _DatesMixin:
    def validate_end_date(self, field: Any) -> None:
        start = self.start_date.data  # type: ignore[attr-defined]
        if start and field.data and field.data < start:
            raise ValidationError(_("The last day cannot be before the first day."))


class PlacementForm(_DatesMixin, AppForm):
    """Propose a placement: who, where, from when to when (both days included)."""

    volunteer = PickerField(
        _l("Volunteer"),
        validators=[InputRequired(message=_l("Choose a volunteer."))],
        search_label=_l("Search volunteers by name or e-mail"),
    )
    project = PickerField(
        _l("Project"),
        validators=[InputRequired(message=_l("Choose a project."))],
        search_label=_l("Search projects by title"),
    )
    start_date = DateField(
        _l("First day"), validators=[InputRequired(message=_l("Enter the first day (YYYY-MM-DD)."))]
    )
    end_date = DateField(
        _l("Last day"),
        validators=[InputRequired(message=_l("Enter the last day (YYYY-MM-DD)."))],
        description=_l("Both days are included."),
    )
    role = StringField(_l("Role"), validators=[Optional(), Length(max=200)])
    override_reason = TextAreaField(
        _l("Reason to override"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        description=_l(
            "Only if the volunteer already has a placement on some of these days, or breaks "
            "one of the project's rules (minimum stay, languages, minimum age, most of one "
            "nationality), and should still be placed. Recorded in the audit log."
        ),
        render_kw={"rows": 2},
    )
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2}
    )
    once = OneTimeField()
    submit = SubmitField(_l("Propose placement"))

    def validate_volunteer(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(_("Choose a volunteer."))

    def validate_project(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(_("Choose a project."))


class DatesForm(_DatesMixin, AppForm):
    """Move a placement's dates."""

    start_date = DateField(
        _l("First day"), validators=[InputRequired(message=_l("Enter the first day (YYYY-MM-DD)."))]
    )
    end_date = DateField(
        _l("Last day"),
        validators=[InputRequired(message=_l("Enter the last day (YYYY-MM-DD)."))],
        description=_l("Both days are included."),
    )
    reason = TextAreaField(
        _l("Why the dates change"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    override_reason = TextAreaField(
        _l("Reason to override"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        description=_l("Only if the volunteer has another placement on some of these days, "
                       "or the new dates break the project's minimum stay or minimum age."),
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Save dates"))


class TransitionForm(AppForm):
    """One status change (the buttons on the detail page)."""

    status = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=REASON_MAX_LENGTH)], render_kw={"rows": 2}
    )

    def target(self) -> PlacementStatus | None:
        try:
            return PlacementStatus(self.status.data)
        except ValueError:
            return None


STATUS_ANY = ""


class PlacementFilterForm(AppForm):
    """GET filters of the placement list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchBoxField(_l("Volunteer"),
                       render_kw={"placeholder": _l("Name or e-mail")})
    status = FilterSelectField(_l("Status"), validators=[Optional()])
    project = FilterSelectField(_l("Project"), coerce=optional_int, validators=[Optional()])
    site = FilterSelectField(_l("Site"), coerce=optional_int, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional(), RangeEnd()])


    def set_choices(self, projects: list[tuple[Any, ...]], sites: list[tuple[Any, ...]]) -> None:
        anyone = _("Any")
        self.status.choices = [(STATUS_ANY, _("Any status"))] + [
            (s.value, s.title) for s in PlacementStatus
        ]
        self.project.choices = [("", anyone)] + [(pid, title) for pid, title in projects]
        self.site.choices = [("", anyone)] + [(sid, name) for sid, name in sites]
