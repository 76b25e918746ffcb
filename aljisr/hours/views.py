"""Hours pages for staff: the review queue (single and bulk review) and logging hours for a
placement. The rules live in :mod:`aljisr.hours.services`; these views parse, call, commit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from aljisr.dates import association_today
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.hours import queries, services
from aljisr.hours.forms import STATUS_ANY, LogHoursForm, QueueFilterForm
from aljisr.hours.models import HoursStatus
from aljisr.i18n import _, format_decimal, ngettext
from aljisr.listing import Sort, parse_page, parse_sort
from aljisr.permissions import Permission, require
from aljisr.placements.models import Placement
from aljisr.text import replace_unstorable
from aljisr.web import INVALID, render_form, save_form

bp = Blueprint("hours", __name__, url_prefix="/hours")

#: Query-string keys of the queue's filters (kept across review POSTs).
FILTER_KEYS = ("status", "host", "project", "site", "volunteer", "date_from", "date_to", "page")
#: Query-string keys of the queue's sort (kept across review POSTs, filtering and pages).
SORT_KEYS = ("sort", "dir")


def format_hours(amount: Decimal | None) -> str:
    """Hours in the interface language: 3.5 -> "3.5" (en) or "3,5" (fr); 4.00 -> "4"."""
    return format_decimal(amount or 0, format="#,##0.##")


# --- the review queue -------------------------------------------------------------------------


def _filters(form: QueueFilterForm) -> queries.QueueFilters:
    """Filters from the validated GET form; a field with an error is ignored (and shown)."""
    form.validate()

    def value(name: str) -> Any:
        field = form[name]
        return None if field.errors else field.data

    status_value = value("status") or HoursStatus.SUBMITTED.value
    status = None if status_value == STATUS_ANY else HoursStatus(status_value)
    volunteer_id = request.args.get("volunteer_id", type=int)
    return queries.QueueFilters(
        status=status,
        project_id=value("project"),
        site_id=value("site"),
        volunteer=(value("volunteer") or "").strip() or None,
        volunteer_id=volunteer_id,
        date_from=value("date_from"),
        date_to=value("date_to"),
        host=value("host") or None,
    )


def _filter_args() -> dict[str, str]:
    """The queue's current filters, page and sort as query-string values (for links and form
    actions)."""
    keys = (*FILTER_KEYS, "volunteer_id", *SORT_KEYS)
    return {k: v for k in keys if (v := request.args.get(k, "").strip())}


def _sort_args(sort: Sort) -> dict[str, str]:
    """The queue's sort as query-string values when one was asked for (kept by the filter
    form and by "Clear filters"); empty for the default order."""
    if not any(request.args.get(k) for k in SORT_KEYS):
        return {}
    return {"sort": sort.key, "dir": sort.direction}


def _render_queue(
    errors: dict[int, str] | None = None, status: int = 200, general_error: str | None = None
) -> tuple[str, int]:
    form = QueueFilterForm(request.args)
    projects, sites = queries.filter_choices()
    form.set_choices(projects, sites)
    filters = _filters(form)
    sort = parse_sort(request.args, queries.SORTS, queries.DEFAULT_SORT)
    page = queries.queue(filters, parse_page(request.args), sort=sort)
    errors = errors or {}
    # an entry no longer on the page asked for (the queue moved since it was shown, or the
    # URL names another page) has its message above the list, not beside a row not drawn
    shown = {entry.id for entry in page.items}
    hidden = [message for entry_id, message in errors.items() if entry_id not in shown]
    if hidden and general_error is None:
        general_error = " ".join(dict.fromkeys(hidden))
    return (
        render_template(
            "hours/queue.html",
            form=form,
            filters=filters,
            page=page,
            day_totals=queries.day_totals(page.items),
            queried_elsewhere=queries.queried_hidden_by_status(filters),
            errors=errors,
            general_error=general_error,
            # shown again as typed, U+FFFD in place of what no page nor database can hold
            typed=MultiDict([(key, replace_unstorable(value))
                             for key, value in request.form.items(multi=True)])
            if request.method == "POST" else MultiDict(),
            filter_args=_filter_args(),
            filtered=any(request.args.get(k, "").strip() for k in (*FILTER_KEYS, "volunteer_id")),
            sort=sort,
            sort_args=_sort_args(sort),
            max_hours=services.MAX_HOURS_PER_DAY,
        ),
        status,
    )


def _selected_ids() -> list[int]:
    ids = []
    for raw in request.form.getlist("entry"):
        try:
            ids.append(int(raw))
        except ValueError:
            continue
    return ids


@bp.route("/", methods=["GET", "POST"])
@require(Permission.REVIEW_HOURS)
def queue() -> Any:
    """Submitted hours to review, with filters; POST approves or rejects the selected rows."""
    if request.method == "GET":
        return _render_queue()
    action = request.form.get("action", "")
    entries = queries.entries_by_id(_selected_ids())
    try:
        result = services.bulk_review(
            entries, action, actor=current_user, reason=request.form.get("reason")
        )
    except DomainError as error:
        db.session.rollback()
        return _render_queue(general_error=error.message, status=INVALID)
    db.session.commit()
    if result.done:
        count = len(result.done)
        message = (
            ngettext("%(num)d entry approved.", "%(num)d entries approved.", count)
            if action == "approve"
            else ngettext("%(num)d entry rejected.", "%(num)d entries rejected.", count)
        )
        flash(message, "success")
    if not result.errors:
        return redirect(url_for("hours.queue", **_filter_args()))
    flash(
        ngettext(
            "%(num)d entry could not be changed: see the message beside it.",
            "%(num)d entries could not be changed: see the message beside each.",
            len(result.errors),
        ),
        "danger",
    )
    return _render_queue(errors=result.errors, status=INVALID)


@bp.route("/<int:entry_id>/review", methods=["GET", "POST"])
@require(Permission.REVIEW_HOURS)
def review(entry_id: int) -> Any:
    """Approve or reject one entry (``action`` = approve | reject, ``reason-<id>`` or
    ``reason`` for a rejection); errors are shown beside the entry's row in the queue.

    A failed review re-renders the queue at this URL, so the browser may ask for it again with
    GET (a reload, Enter in the address bar, switching the interface language): GET redirects
    to the queue with the same query arguments (filters, sort, page), whatever the entry.

    :raises NotFound: (404) on POST, no entry has this id.
    """
    if request.method == "GET":
        return redirect(url_for("hours.queue", **request.args.to_dict(flat=False)))
    entry = queries.entry(entry_id) or abort(404)
    action = request.form.get("action", "")
    reason = request.form.get(f"reason-{entry_id}") or request.form.get("reason")
    try:
        if action == "approve":
            services.approve_hours(entry, actor=current_user)
        elif action == "reject":
            services.reject_hours(entry, reason, actor=current_user)
        else:
            raise DomainError(_("Choose approve or reject."), "action")
    except DomainError as error:
        db.session.rollback()
        return _render_queue(errors={entry_id: error.message}, status=INVALID)
    db.session.commit()
    flash(_("Entry approved.") if action == "approve" else _("Entry rejected."), "success")
    return redirect(url_for("hours.queue", **_filter_args()))


# --- logging hours for a placement -------------------------------------------------------------


def _placement_or_404(placement_id: int) -> Placement:
    return queries.placement_to_log(current_user, placement_id) or abort(404)


@bp.route("/placement/<int:placement_id>/log", methods=["GET", "POST"])
@require(Permission.REVIEW_HOURS)
def log_for_placement(placement_id: int) -> Any:
    """Log hours for a placement (approved at once: a coordinator logs them)."""
    placement = _placement_or_404(placement_id)
    form = LogHoursForm()
    today = association_today()
    latest = min(placement.end_date, today)
    form.work_date.render_kw = {
        **(form.work_date.render_kw or {}),
        "min": placement.start_date.isoformat(),
        "max": latest.isoformat(),
    }
    if request.method == "GET" and placement.start_date <= latest:
        form.work_date.data = latest
    done = save_form(
        form,
        lambda: services.log_hours(
            placement, form.work_date.data, form.hours.data, form.activity.data,
            actor=current_user, duplicate_ok=form.log_anyway.data,
        ),
        _("Hours logged and approved."),
        lambda _entry: url_for("hours.log_for_placement", placement_id=placement.id),
    )
    if done:
        return done
    form.without_confirmation()
    return render_form(
        "hours/log.html",
        form,
        placement=placement,
        placement_hours=queries.placement_hours(placement.id),
        today=today,
    )


__all__ = ["bp"]
