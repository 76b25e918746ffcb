"""Report request forms. They are read from the query string (GET): a report changes nothing,
so it needs no CSRF token, and its URL can be bookmarked or shared with colleagues who have
the same access. Build them with ``formdata=request.args``."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

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


class _ReadOnlyForm(FlaskForm):
    class Meta:
        csrf = False  # GET forms that change nothing


class PeriodForm(_ReadOnlyForm):
    """An inclusive period and an output format."""

    start = IsoDateField(_l("From"), validators=[InputRequired(_l("Enter the first day."))])
    end = IsoDateField(_l("To (included)"), validators=[InputRequired(_l("Enter the last day."))])
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="html")
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

    organisation = SelectField(_l("Organisation"), coerce=int,
                               validators=[InputRequired(_l("Choose an organisation."))])


class AnnualReportForm(_ReadOnlyForm):
    """The association-wide report of one calendar year."""

    year = IntegerField(
        _l("Year"),
        validators=[InputRequired(_l("Enter a year.")),
                    NumberRange(FIRST_YEAR, LAST_YEAR,
                                _l("Enter a year between %(min)s and %(max)s."))],
    )
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="html")
    submit = SubmitField(_l("Show annual report"))
