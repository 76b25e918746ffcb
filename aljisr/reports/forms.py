"""Report request forms. They are read from the query string (GET): a report changes nothing,
so it needs no CSRF token, and its URL can be bookmarked or shared with colleagues who have
the same access. Build them with ``formdata=request.args``.

A hand-edited or outdated URL (``organisation=abc``, ``year=abc``, ``format=docx``) gets a
plain message beside its field in the interface language, never WTForms' own wording
("Invalid Choice: could not coerce.") nor a 500. The staff index shows the organisation form
and the annual form on one page: the annual form's format and submit controls carry their
own ids (``annual-format``, ``annual-submit``) so every id on the page is unique; the query
parameter names stay ``format`` and ``submit``."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from wtforms import DateField, IntegerField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, StopValidation, ValidationError

from aljisr.formfields import FilterSelectField
from aljisr.forms import AppForm
from aljisr.i18n import _, _l

#: Years a report may cover (guards against typos such as 20226).
FIRST_YEAR, LAST_YEAR = 2000, 2100

#: YYYY-MM-DD only (``date.fromisoformat`` alone would also take "20260131" or "2026-W05-1").
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

FORMAT_CHOICES = [
    SelectChoice("html", _l("Web page")),
    SelectChoice("pdf", _l("PDF")),
    SelectChoice("csv", _l("CSV (spreadsheet, UTF-8)")),
    SelectChoice("xlsx", _l("Excel workbook (XLSX)")),
]


class IsoDateField(DateField):
    """A date typed as YYYY-MM-DD (what ``<input type="date">`` sends), with a clear message
    when it cannot be read and a year limited to FIRST_YEAR..LAST_YEAR."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        try:
            self.data = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
            if self.data is None:
                raise ValueError(text)
        except ValueError:
            self.data = None
            # A date input cannot show what it cannot parse: show the typed text instead.
            self.render_kw = {**(self.render_kw or {}), "type": "text",
                              "placeholder": "YYYY-MM-DD"}
            raise ValueError(_("Enter a date as YYYY-MM-DD, for example 2026-01-31.")) from None
        if not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            raise ValueError(_("Enter a date between %(first)s and %(last)s.",
                               first=FIRST_YEAR, last=LAST_YEAR))


class YearField(IntegerField):
    """A year typed as digits. Text that is not a whole number gets one clear message (not
    WTForms' "Not a valid integer value.", which its Arabic catalogue renders as "invalid
    real number") and is shown as typed in a text input; the range validators then stay
    quiet, so the field shows that one message only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message",
                          _l("Enter the year in digits, for example 2026."))
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            # a number input cannot show what it cannot parse: show the typed text instead
            self.render_kw = {**(self.render_kw or {}), "type": "text", "inputmode": "numeric"}
            raise

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()  # the message above is enough


def format_field(**kwargs: Any) -> FilterSelectField:
    """The output format select (web page, PDF, CSV, XLSX); a value not in the list gets
    "Choose one of the formats in the list." beside the field."""
    message = _l("Choose one of the formats in the list.")
    return FilterSelectField(_l("Format"), choices=FORMAT_CHOICES, default="html",
                             invalid_value_message=message, invalid_choice_message=message,
                             **kwargs)


class _ReadOnlyForm(AppForm):
    class Meta:
        csrf = False  # GET forms that change nothing


class PeriodForm(_ReadOnlyForm):
    """An inclusive period and an output format."""

    start = IsoDateField(_l("From"), validators=[InputRequired(_l("Enter the first day."))])
    end = IsoDateField(_l("To (included)"), validators=[InputRequired(_l("Enter the last day."))])
    format = format_field()
    submit = SubmitField(_l("Show report"))

    def validate_end(self, field: IsoDateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_("The last day must be on or after the first day."))

    @staticmethod
    def default_period(today: date) -> tuple[date, date]:
        """The current calendar year."""
        return date(today.year, 1, 1), date(today.year, 12, 31)


class OrganisationReportForm(PeriodForm):
    """Staff: an organisation (choices filled by the view), a period and a format."""

    organisation = FilterSelectField(
        _l("Organisation"), coerce=int,
        validators=[InputRequired(_l("Choose an organisation."))],
        invalid_value_message=_l("Choose an organisation from the list."),
        invalid_choice_message=_l("Choose an organisation from the list."),
    )


class AnnualReportForm(_ReadOnlyForm):
    """The association-wide report of one calendar year."""

    year = YearField(
        _l("Year"),
        validators=[InputRequired(_l("Enter a year.")),
                    NumberRange(FIRST_YEAR, LAST_YEAR,
                                _l("Enter a year between %(min)s and %(max)s."))],
    )
    format = format_field(id="annual-format")
    submit = SubmitField(_l("Show annual report"), id="annual-submit")
