"""Reports pages and downloads.

- ``reports.index`` (staff): choose an organisation and a period, or a year for the
  association-wide annual report; redirects to one of the two report URLs.
- ``reports.mine`` (partner users): their own organisation's report.
- ``reports.organisation(organisation_id)``: ``?start=YYYY-MM-DD&end=YYYY-MM-DD&format=``
  ``html|pdf|csv|xlsx``. Staff may ask for any organisation, partner users for their own only:
  the organisation is looked up through :func:`aljisr.scopes.organisation_filter`, so any other
  id is a 404.
- ``reports.annual(year)``: ``?format=``; by theme, SDG and site (staff).

Bad query-string values never fail: the page shows the form with the message beside the field
and the values as typed, with status 422 (the application's answer to a form shown again with
errors), a download format included. Reports hold personal data: responses are not cached.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from aljisr.dates import association_today
from aljisr.downloads import send_download
from aljisr.i18n import _, format_decimal, get_locale, isolated_text, text_direction
from aljisr.organisations.models import Organisation
from aljisr.permissions import Permission, require
from aljisr.reports import exports, queries
from aljisr.reports.forms import AnnualReportForm, OrganisationReportForm, PeriodForm
from aljisr.templating import country_name

bp = Blueprint("reports", __name__, url_prefix="/reports")

_MIMETYPES = {"csv": exports.CSV_MIMETYPE, "xlsx": exports.XLSX_MIMETYPE,
              "pdf": exports.PDF_MIMETYPE}


@bp.before_request
def _private() -> None:
    g.no_store = True


def report_number(value: int) -> str:
    """A count with the locale's grouping, e.g. "1,234"."""
    return format_decimal(value, "#,##0")


def report_hours(value: Any) -> str:
    """Hours with two decimals in the locale's notation, e.g. "1,234.50"."""
    return format_decimal(value, "#,##0.00")


def _direction() -> str:
    return text_direction(str(get_locale() or "en"))


def _download(report: queries.Report, fmt: str) -> Any:
    """Send ``report`` as a PDF, CSV or XLSX attachment named after its subject and period."""
    if fmt == "csv":
        data = exports.report_csv(report)
    elif fmt == "xlsx":
        data = exports.report_xlsx(report, rtl=_direction() == "rtl")
    else:
        from aljisr.reports.pdf import report_pdf  # ReportLab: only when a PDF is asked

        data = report_pdf(report, association=_(current_app.config["ASSOCIATION_NAME"]),
                          generated=association_today(), direction=_direction())
    return send_download(data, exports.filename(report, fmt), _MIMETYPES[fmt],
                         ascii_name=exports.filename(report, fmt, ascii_only=True))


def _scoped_organisation(organisation_id: int) -> Organisation:
    """The organisation if the current user may see it (scoped in SQL), else 404."""
    organisation = queries.scoped_organisation(current_user, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _organisation_page(organisation: Organisation) -> Any:
    if request.args:
        form = PeriodForm(formdata=request.args)
        valid = form.validate()
    else:
        start, end = PeriodForm.default_period(association_today())
        form = PeriodForm(formdata=None, start=start, end=end)
        valid = True
    if not valid:
        return render_template("reports/organisation.html", organisation=organisation,
                               form=form, report=None), 422
    period = queries.Period(form.start.data, form.end.data)
    report = queries.organisation_report(organisation, period, country_name)
    if form.format.data != "html":
        return _download(report, form.format.data)
    return render_template("reports/organisation.html", organisation=organisation, form=form,
                           report=report, downloads=_download_links(period))


def _download_links(period: queries.Period | None = None) -> list[tuple[str, str]]:
    """(label, URL) of the PDF, CSV and XLSX downloads of the report on this page."""
    args = dict(request.view_args or {})
    if period is not None:
        args.update(start=period.start.isoformat(), end=period.end.isoformat())
    return [(label, url_for(request.endpoint, **args, format=fmt))
            for fmt, label in (("pdf", "PDF"), ("csv", "CSV"), ("xlsx", "XLSX"))]


@bp.route("/")
@require(Permission.VIEW_REPORTS_ALL)
def index() -> Any:
    """Staff: pick an organisation and a period, or a year for the annual report."""
    today = association_today()
    start, end = PeriodForm.default_period(today)
    organisations = queries.organisation_options()
    choices = [SelectChoice(o.id, isolated_text(o.name, o.kind.title)) for o in organisations]
    org_form = OrganisationReportForm(formdata=None, start=start, end=end)
    annual_form = AnnualReportForm(formdata=None, year=today.year)
    status = 200
    if "year" in request.args:
        annual_form = AnnualReportForm(formdata=request.args)
        if annual_form.validate():
            return redirect(url_for(".annual", year=annual_form.year.data,
                                    format=annual_form.format.data))
        status = 422
    elif request.args:
        org_form = OrganisationReportForm(formdata=request.args)
        org_form.organisation.choices = choices
        if org_form.validate():
            return redirect(url_for(
                ".organisation", organisation_id=org_form.organisation.data,
                start=org_form.start.data.isoformat(), end=org_form.end.data.isoformat(),
                format=org_form.format.data,
            ))
        status = 422
    org_form.organisation.choices = choices
    return render_template("reports/index.html", org_form=org_form, annual_form=annual_form,
                           has_organisations=bool(choices)), status


@bp.route("/mine")
@require(Permission.VIEW_ORGANISATION_REPORTS)
def mine() -> Any:
    """A partner user's own organisation's report (staff are sent to the index)."""
    if current_user.organisation_id is None:
        return redirect(url_for(".index"))
    return _organisation_page(_scoped_organisation(current_user.organisation_id))


@bp.route("/organisations/<int:organisation_id>")
@require(Permission.VIEW_ORGANISATION_REPORTS)
def organisation(organisation_id: int) -> Any:
    """One organisation's report for a period, as a page or a PDF/CSV/XLSX download."""
    return _organisation_page(_scoped_organisation(organisation_id))


@bp.route("/annual/<int:year>")
@require(Permission.VIEW_REPORTS_ALL)
def annual(year: int) -> Any:
    """The association-wide report of ``year`` by theme, SDG and site."""
    formdata = request.args.copy()
    formdata["year"] = str(year)  # the path decides the year
    form = AnnualReportForm(formdata=formdata)
    if not form.validate():
        return render_template("reports/annual.html", form=form, report=None), 422
    fmt = form.format.data
    association = _(current_app.config["ASSOCIATION_NAME"])  # in the page's language
    report = queries.annual_report(form.year.data, association, country_name,
                                   with_rows=fmt in ("csv", "xlsx"))
    if fmt != "html":
        return _download(report, fmt)
    return render_template("reports/annual.html", form=form, report=report,
                           downloads=_download_links())
