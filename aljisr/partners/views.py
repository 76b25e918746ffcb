"""The partner portal (/partner): our volunteers, and hours at our sites (host organisations).

Reads go through :mod:`aljisr.partners.queries`, built on :mod:`aljisr.scopes`: a volunteer
or an hours entry outside the organisation's scope is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from aljisr.arrivals import queries as arrival_queries
from aljisr.arrivals.views import infosheet_response
from aljisr.dates import association_today
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.hours.models import HoursStatus
from aljisr.i18n import _, ngettext
from aljisr.listing import parse_page
from aljisr.partners import queries, services
from aljisr.partners.forms import ConfirmHoursForm, QueryHoursForm
from aljisr.permissions import Permission, require
from aljisr.web import render_form, save_form

bp = Blueprint("partners", __name__, url_prefix="/partner")


def partner_sees_volunteer(placement: Any, today: date | None = None) -> bool:
    """Whether the signed-in partner may open the page of ``placement``'s volunteer."""
    return queries.sees_volunteer(current_user, placement, today or association_today())


@bp.route("/volunteers")
@require(Permission.PARTNER_PORTAL)
def volunteers() -> str:
    """The volunteers the organisation sent (sending) or hosts right now (host)."""
    g.no_store = True
    today = association_today()
    q = (request.args.get("q") or "").strip()[:200]
    page = queries.volunteer_page(current_user, q, parse_page(request.args), today)
    placements = queries.placements_by_volunteer(current_user, [v.id for v in page.items])
    return render_template(
        "partners/volunteers.html", page=page, placements=placements, q=q, today=today,
    )


@bp.route("/volunteers/<int:volunteer_id>")
@require(Permission.PARTNER_PORTAL)
def volunteer(volunteer_id: int) -> str:
    """One volunteer, showing only what the organisation may see."""
    g.no_store = True
    today = association_today()
    found = queries.volunteer_for_partner(current_user, volunteer_id, today) or abort(404)
    detail = queries.volunteer_detail(current_user, found, today)
    # a host sees the travel of the placements at its sites while the volunteer is placed
    # there (docs/architecture.md §6.1); the sending organisation does not
    travel = ([p.id for p in detail.placements if queries.host_sees(p, today)]
              if current_user.is_host_partner else [])
    return render_template(
        "partners/volunteer.html", detail=detail, v=detail.volunteer, today=today,
        can_download="certificates.download" in current_app.view_functions,
        travel_ids=travel, arrivals=arrival_queries.details_for(travel),
        relation=found.emergency_contact_relation if detail.volunteer.practical_visible
        else None,
    )


@bp.route("/placements/<int:placement_id>/infosheet.pdf")
@require(Permission.ARRIVALS_BOARD)
def infosheet(placement_id: int) -> Any:
    """The infosheet of a volunteer coming to one of our sites (host organisations, while
    the volunteer is placed with us), in the volunteer's language (``?language=`` for
    another)."""
    found = arrival_queries.placement_for_host(current_user, placement_id,
                                               association_today()) or abort(404)
    return infosheet_response(found)


def _hours_state() -> str:
    state = request.args.get("state", "to_confirm")
    return state if state in queries.HOURS_STATES else "to_confirm"


@bp.route("/imports", methods=["GET", "POST"])
@require(Permission.SEND_VOLUNTEERS)
def imports() -> Any:
    """Send a volunteer list (a sending organisation): it waits for a coordinator's check."""
    from aljisr.imports import queries as import_queries
    from aljisr.imports import services as import_services
    from aljisr.imports.forms import UploadForm
    from aljisr.imports.reading import read_upload

    form = UploadForm()
    del form.organisation_id  # always the partner's own organisation
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            limit = int(current_app.config["IMPORT_MAX_BYTES"])
            name, data, size = read_upload(form.file.data, limit)
            try:
                import_services.receive_from_partner(name, data, partner=current_user,
                                                     max_bytes=limit, size=size)
            except DomainError as error:
                db.session.rollback()
                form.file.errors.append(error.message)
            else:
                db.session.commit()
                flash(_("Thank you: the association will check the list before adding the "
                        "volunteers."), "success")
                return redirect(url_for("partners.imports"))
    batches = import_queries.recent_batches(
        sent_by_organisation=current_user.organisation_id)
    return render_template("partners/imports.html", form=form, batches=batches), status


@bp.route("/hours")
@require(Permission.HOST_HOURS)
def hours() -> str:
    """Hours logged at our sites: confirm them, or query them."""
    g.no_store = True
    state = _hours_state()
    return render_template(
        "partners/hours.html",
        page=queries.host_hours_page(current_user, state, parse_page(request.args)),
        state=state,
        counts=queries.count_host_hours(current_user),
        form=ConfirmHoursForm(),
        today=association_today(),
    )


def _ids(values: list[str]) -> list[int]:
    try:
        return sorted({int(v) for v in values})
    except ValueError:
        abort(404)


@bp.route("/hours/confirm", methods=["POST"])
@require(Permission.HOST_HOURS)
def confirm_hours() -> Any:
    """Confirm one entry (``only``) or the ticked ones (``entry_ids``) at our sites."""
    form = ConfirmHoursForm()
    back = url_for("partners.hours", state=request.args.get("state") or None,
                   page=request.args.get("page") or None)
    if not form.validate_on_submit():
        abort(400)
    wanted = _ids(request.form.getlist("only") or request.form.getlist("entry_ids"))
    if not wanted:
        flash(_("Tick the entries to confirm first."), "warning")
        return redirect(back)
    entries = queries.hours_entries_for_host(current_user, wanted)
    if len(entries) != len(wanted):
        abort(404)  # an id outside our sites: never confirm part of a tampered list
    done, refused = 0, []
    for entry in entries:
        try:
            done += services.confirm_hours(entry, actor=current_user)
        except DomainError as error:
            refused.append(f"{entry.work_date.isoformat()}: {error.message}")
    db.session.commit()
    if done:
        flash(ngettext("%(num)d entry confirmed.", "%(num)d entries confirmed.", done), "success")
    for message in refused:
        flash(message, "danger")
    if not done and not refused:
        flash(_("These entries were already confirmed."), "info")
    return redirect(back)


def _query_sent_message(entry: Any) -> str:
    """What happens to a query just saved, told to the host who wrote it."""
    if entry.status is HoursStatus.APPROVED:
        return _("Query saved. These hours were already approved: the association's "
                 "coordinators see your message beside the entry in their hours review.")
    return _("Query saved. The association's coordinators see your message beside the entry "
             "in their hours review before they approve or reject it.")


@bp.route("/hours/<int:entry_id>/query", methods=["GET", "POST"])
@require(Permission.HOST_HOURS)
def query_hours(entry_id: int) -> Any:
    """Query one entry at our sites with a message to the coordinators."""
    entries = queries.hours_entries_for_host(current_user, [entry_id])
    if not entries:
        abort(404)
    entry = entries[0]
    form = QueryHoursForm()
    if request.method == "GET" and entry.host_query:
        form.message.data = entry.host_query
    done = save_form(
        form,
        lambda: services.query_hours(entry, form.message.data, actor=current_user),
        _query_sent_message(entry),
        lambda _result: url_for("partners.hours", state="queried"),
    )
    return done or render_form("partners/query_hours.html", form, entry=entry)
