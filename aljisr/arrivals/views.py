"""Arrivals: the arrivals and departures board (staff, and host organisations for their
sites), its CSV and XLSX, and the staff pages of one placement's arrival details and
infosheet. The volunteer's own pages are in the portal, the host's download of an infosheet
in the partner pages; all write through :mod:`aljisr.arrivals.services`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from aljisr.arrivals import queries, services
from aljisr.arrivals.forms import ArrivalForm, BoardFilterForm
from aljisr.dates import association_today
from aljisr.downloads import send_download
from aljisr.i18n import LANGUAGES, _, current_language, text_direction
from aljisr.mail import mail_locale
from aljisr.permissions import Permission, require
from aljisr.placements.models import Placement
from aljisr.web import field_error, render_form, save_form

bp = Blueprint("arrivals", __name__, url_prefix="/arrivals")

#: Days the board covers when no range is chosen: today and the 13 days after.
DEFAULT_DAYS = 14


def _board() -> tuple[BoardFilterForm, queries.Board | None]:
    """The filter bar (from the query string) and the board it selects, or None when the
    dates are refused (not dates, backwards, more than :data:`queries.MAX_BOARD_DAYS`): the
    form then carries the message beside the dates and nothing is shown for other dates. An
    unknown site is said beside it and ignored (the filter bars' rule). Without dates, the
    next :data:`DEFAULT_DAYS` days, filled into the form's date fields."""
    language = current_language()
    today = association_today()
    form = BoardFilterForm(formdata=request.args)
    form.set_sites(queries.board_sites(current_user, language))
    form.validate()
    site_id = form.site.data if not form.site.errors else None
    if form.date_from.errors or form.date_to.errors:
        return form, None
    first = form.date_from.data or today
    last = form.date_to.data
    if last is None:
        try:
            last = first + timedelta(days=DEFAULT_DAYS - 1)
        except OverflowError:  # 9999-12-31: no days after it
            form.date_from.errors = [_("Choose an earlier date.")]
            return form, None
    if (last - first).days >= queries.MAX_BOARD_DAYS:
        form.date_to.errors = [*form.date_to.errors, _(
            "At most %(num)d days at once.", num=queries.MAX_BOARD_DAYS)]
        return form, None
    form.date_from.data, form.date_to.data = first, last
    board = queries.board(current_user, first, last, language=language, today=today,
                          site_id=site_id)
    return form, board


def _args(board: queries.Board | None) -> dict[str, Any]:
    if board is None:
        return {}
    return {"date_from": board.first.isoformat(), "date_to": board.last.isoformat(),
            "site": board.site_id or None}


def _board_page(form: BoardFilterForm, found: queries.Board | None) -> Any:
    status = 422 if form.errors or found is None else 200
    return render_template("arrivals/board.html", filters=form, board=found,
                           args=_args(found), today=association_today(),
                           staff=current_user.is_staff), status


@bp.route("/")
@require(Permission.ARRIVALS_BOARD)
def board() -> Any:
    """Arrivals and departures in a date range (default: the next 14 days), by site."""
    g.no_store = True
    return _board_page(*_board())


@bp.route("/board.<any(csv, xlsx):fmt>")
@require(Permission.ARRIVALS_BOARD)
def board_download(fmt: str) -> Any:
    """The board of the same filters as CSV or XLSX, in the reader's language. Dates the
    board refuses are never cut to fit: the reader is sent to the board with the same query
    (303), which shows the message beside the dates (422) and whose filter bar then comes
    back to the board."""
    # openpyxl loads with the first download, not with the app (bench/README.md, "Lean
    # workers")
    from aljisr.arrivals import exports

    g.no_store = True
    _form, found = _board()
    if found is None:
        return redirect(url_for("arrivals.board", **request.args), 303)
    if fmt == "csv":
        return send_download(exports.board_csv(found), exports.filename(found, "csv"),
                             exports.CSV_MIMETYPE)
    rtl = text_direction(current_language()) == "rtl"
    return send_download(exports.board_xlsx(found, rtl=rtl), exports.filename(found, "xlsx"),
                         exports.XLSX_MIMETYPE)


def _placement_or_404(placement_id: int) -> Placement:
    return queries.any_placement(placement_id) or abort(404)


@bp.route("/placements/<int:placement_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_PLACEMENTS)
def edit(placement_id: int) -> Any:
    """A coordinator records a placement's arrival details."""
    placement = _placement_or_404(placement_id)
    return arrival_form_page(placement, url_for("placements.detail",
                                                placement_id=placement.id),
                             "arrivals/edit.html")


def _every_problem_shown(form: ArrivalForm, placement: Placement) -> bool:
    """Validate ``form`` and check the service's rules on every field it could read, putting
    each message beside its field; True when nothing was found (the form may then be saved)."""
    valid = form.validate()
    unread = {name for name, errors in form.errors.items() if errors}
    problems = services.arrival_problems(placement, form.values(), unread)
    for name, message in problems.items():
        if not form[name].errors:
            field_error(form, message, name)
    return valid and not problems


def arrival_form_page(placement: Placement, back: str, template: str) -> Any:
    """The arrival details form of ``placement`` (shared by the staff page and the portal):
    shown filled in, saved through the service, then back to ``back``; 422 with what was
    typed when a rule refuses it."""
    g.no_store = True
    details = queries.details(placement.id)
    volunteer = placement.volunteer
    form = ArrivalForm(obj=details if request.method == "GET" else None)
    if request.method == "GET":
        for name in ("emergency_contact_name", "emergency_contact_relation",
                     "emergency_contact_phone"):
            form[name].data = getattr(volunteer, name)
        for name in ("arrival_mode", "departure_mode"):
            value = getattr(details, name, None)
            form[name].data = value.value if value else ""
    form.set_points(placement.project.site.transport_point_list,
                    details.arrival_point if details else None)
    if form.is_submitted() and not _every_problem_shown(form, placement):
        done = None  # every field at fault is marked at once (docs/architecture.md §6.14)
    else:
        done = save_form(
            form,
            lambda: services.record_arrival_details(placement, form.values(),
                                                    actor=current_user),
            _("Arrival details saved."),
            lambda _saved: back,
        )
    return done or render_form(template, form, placement=placement, back=back,
                               warning=services.insurance_warning(
                                   details, placement, association_today()))


def infosheet_response(placement: Placement, language: str | None = None) -> Any:
    """The infosheet PDF of ``placement`` as a download, in ``language`` (``?language=``
    when it is one of ours), else the volunteer's."""
    from aljisr.arrivals import infosheet  # ReportLab loads with the first sheet drawn

    g.no_store = True
    wanted = language or request.args.get("language")
    if wanted not in LANGUAGES:
        wanted = mail_locale(placement.volunteer.user)

    name, data = infosheet.render_placement(placement, wanted, association_today())
    return send_download(data, name, "application/pdf",
                         ascii_name=infosheet.ascii_filename(placement))


@bp.route("/placements/<int:placement_id>/infosheet.pdf")
@require(Permission.MANAGE_PLACEMENTS)
def sheet(placement_id: int) -> Any:
    """A placement's pre-arrival infosheet (staff)."""
    return infosheet_response(_placement_or_404(placement_id))

