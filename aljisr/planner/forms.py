"""Forms of the season planner: a run (who, where, weights, time limit, pins) and acceptance."""

from __future__ import annotations

import re
from typing import Any

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from aljisr.formfields import MultiCheckboxField, SearchBoxField, optional_int
from aljisr.forms import AppForm
from aljisr.i18n import _, _l, ngettext
from aljisr.once import OneTimeField
from aljisr.volunteers.models import VolunteerStatus

#: Seconds a run may take at most: the request waits for it, and gunicorn's sync workers are
#: stopped after 60 s (``timeout`` in gunicorn.conf.py); building the model and the page take
#: the rest.
MAX_TIME_LIMIT = 25

# two whole numbers, any separator that is not a digit, a sign or a decimal point between them
# ("12, -5" or "12, 4.5" is malformed, never read as "12, 5" or "12, 4")
_PAIR = re.compile(r"^\s*(\d+)[^\d+\-.]+(\d+)\s*$")


class MalformedPins(ValueError):
    """Lines of a pins text that are not two whole numbers; ``lines`` their numbers (1 the
    first line)."""

    def __init__(self, lines: list[int]) -> None:
        super().__init__(lines)
        self.lines = lines


def parse_pins(text: str | None) -> list[tuple[int, int]]:
    """Pins written one a line as "volunteer id, project id" (any separator between the two
    numbers), e.g. "12, 4" or "12 → 4"; blank lines skipped, a pin written twice kept once
    (in the order first written). Negative or non-integer numbers ("12, -5", "12, 4.5") are
    malformed lines.

    :raises MalformedPins: naming every line that is not two numbers.
    """
    pins: list[tuple[int, int]] = []
    bad: list[int] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        found = _PAIR.match(line)
        if not found:
            bad.append(number)
            continue
        pin = (int(found.group(1)), int(found.group(2)))
        if pin not in pins:
            pins.append(pin)
    if bad:
        raise MalformedPins(bad)
    return pins


class PinsField(TextAreaField):
    """A text area of pins (see :func:`parse_pins`); ``pins`` holds the parsed pairs."""

    pins: list[tuple[int, int]]

    def pre_validate(self, form: Any) -> None:
        try:
            self.pins = parse_pins(self.data)
        except MalformedPins as error:
            self.pins = []
            raise ValidationError(ngettext(
                "Line %(lines)s is not “volunteer number, project number”.",
                "Lines %(lines)s are not “volunteer number, project number”.",
                len(error.lines), lines=_(", ").join(str(n) for n in error.lines))) from None


class WholeNumberField(IntegerField):
    """An integer field that shows one message for text that is not a whole number ("1e9"):
    the parse error, not also the range's."""

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()  # the parse error is enough


def _weight(label: Any, default: int, description: Any) -> IntegerField:
    return WholeNumberField(label, default=default, description=description, validators=[
        InputRequired(), NumberRange(min=0, max=10, message=_l("From 0 to 10."))])


class PlanForm(AppForm):
    """A planning run: the volunteers (register filters), the projects, the weights of the
    objective, the time limit, and the coordinator's pins."""

    q = SearchBoxField(_l("Volunteers: search"),
                       render_kw={"placeholder": _l("Name or e-mail")})
    status = SelectField(
        _l("Volunteers: status"),
        choices=lambda: [SelectChoice("", _l("Any status"))]
        + [SelectChoice(s.value, s.title) for s in VolunteerStatus
           if s is not VolunteerStatus.ARCHIVED],
        default="", validators=[Optional()],
    )
    nationality = SelectField(_l("Volunteers: nationality"), validators=[Optional()])
    sending_organisation = SelectField(_l("Volunteers: sending organisation"),
                                       coerce=optional_int, validators=[Optional()])
    projects = MultiCheckboxField(_l("Projects"), coerce=int, validators=[Optional()])
    weight_match = _weight(_l("Weight of the match score"), 1,
                           _l("The explained match score, 0-100 points a volunteer."))
    weight_wishes = _weight(_l("Weight of the volunteers' wishes"), 1, _l(
        "30, 20 or 10 points for a first, second or third wish: the volunteer's Project "
        "wishes (on their page), else the projects chosen on their application."))
    weight_org_wishes = _weight(_l("Weight of the sending organisations' wishes"), 1, _l(
        "The same points, for the wishes recorded for their sending organisation (Project "
        "wishes, on the volunteer's page)."))
    weight_mixing = _weight(_l("Weight of mixing nationalities"), 5,
                            _l("Points for each nationality a project's team gains."))
    time_limit = WholeNumberField(
        _l("Time limit (seconds)"), default=10,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_TIME_LIMIT,
                                                 message=_l("From 1 to 25 seconds."))],
        description=_l("The page waits for the planner's answer: at most 25 seconds."))
    one_project_each = BooleanField(_l("At most one project for each volunteer"),
                                    default=True)
    must = PinsField(
        _l("Must go"), render_kw={"rows": 2, "dir": "ltr"},
        description=_l("One a line: volunteer number, project number (as in the page "
                       "addresses), e.g. 12, 4."))
    must_not = PinsField(_l("Must not go"), render_kw={"rows": 2, "dir": "ltr"},
                         description=_l("The same, for pairs the plan must avoid."))
    #: a double click, or a resend, stores one run (docs/architecture.md §6.13)
    once = OneTimeField()
    submit = SubmitField(_l("Plan"))

    def filters(self) -> dict[str, Any]:
        """The register filters of the volunteers chosen."""
        return {name: self[name].data for name in ("q", "status", "nationality",
                                                   "sending_organisation")
                if self[name].data not in (None, "")}


class AcceptForm(AppForm):
    """Accept the ticked rows (``rows`` read from the request's "row" values), each placement
    with ``role`` (as the placement form's)."""

    role = StringField(_l("Role of each placement"), default=_l("Volunteer"),
                       validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Accept the chosen placements"))


def _wish(label: Any) -> SelectField:
    return SelectField(label, coerce=optional_int, validators=[Optional()])


class WishesForm(AppForm):
    """A volunteer's project wishes, first choice first: their own (``own_1``..``own_3``) and
    their sending organisation's (``org_1``..``org_3``). The choices are set by the view."""

    own_1 = _wish(_l("Their first choice"))
    own_2 = _wish(_l("Their second choice"))
    own_3 = _wish(_l("Their third choice"))
    org_1 = _wish(_l("The organisation's first choice"))
    org_2 = _wish(_l("The organisation's second choice"))
    org_3 = _wish(_l("The organisation's third choice"))
    submit = SubmitField(_l("Save the wishes"))

    def wishes(self, kind: str) -> list[int | None]:
        """The projects chosen for ``kind`` ("own" or "org"), by rank (None: none chosen)."""
        return [self[f"{kind}_{rank}"].data for rank in range(1, 4)]
