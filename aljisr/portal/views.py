"""The volunteer portal (/me): my placements, my hours, my certificates, my details, my data.

Every page needs :attr:`Permission.VOLUNTEER_PORTAL` and reads through the volunteer's own
scope (:mod:`aljisr.portal.queries`): another volunteer's placement, hours entry or
certificate is a 404.
No form here takes a volunteer id; whose record is written follows from the signed-in user.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
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
from wtforms.fields.choices import SelectChoice

from aljisr.arrivals import queries as arrival_queries
from aljisr.arrivals.views import arrival_form_page, infosheet_response
from aljisr.dates import association_today
from aljisr.downloads import send_download
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.hours import services as hours_services
from aljisr.hours.services import log_hours
from aljisr.i18n import _, current_language, format_date, isolated_text
from aljisr.listing import parse_page
from aljisr.permissions import Permission, require
from aljisr.placements.models import ONGOING_STATUSES, Placement
from aljisr.portal import data_export, queries, services
from aljisr.portal.forms import PortalLogHoursForm, ProfileForm
from aljisr.testimonials import queries as testimonial_queries
from aljisr.testimonials import services as testimonial_services
from aljisr.testimonials.forms import TestimonialForm
from aljisr.testimonials.models import Signature
from aljisr.volunteers.models import Volunteer
from aljisr.web import INVALID, field_error, render_form, run_action, save_form

bp = Blueprint("portal", __name__, url_prefix="/me")


def _me() -> Volunteer:
    """The signed-in volunteer's record; a friendly 404 page when the account has none."""
    volunteer = queries.own_volunteer(current_user)
    if volunteer is None:
        abort(Response(render_template("portal/no_profile.html"), 404))
    return volunteer


def _placement_label(placement: Placement) -> str:
    language = current_language()
    project = placement.project
    return isolated_text(
        project.title_in(language), project.site.name_in(language),
        f"{format_date(placement.start_date)} – {format_date(placement.end_date)}")


def _prepare_log_form(form: PortalLogHoursForm, current: list[Placement], today: Any) -> None:
    form.placement.choices = [SelectChoice(p.id, _placement_label(p)) for p in current]
    if request.method == "GET":
        form.work_date.data = today
        if len(current) == 1:
            form.placement.data = current[0].id
    form.work_date.render_kw = {**(form.work_date.render_kw or {}), "max": today.isoformat()}


def _log(form: PortalLogHoursForm, placement: Placement, target: str) -> Response | None:
    """Log the form's hours on ``placement`` (submitted for review) and go to ``target``;
    None with the error beside its field when a rule refuses them. The same form sent again
    logs nothing (:mod:`aljisr.once`)."""
    return save_form(
        form,
        lambda: log_hours(placement, form.work_date.data, form.hours.data, form.activity.data,
                          actor=current_user, duplicate_ok=form.log_anyway.data),
        _("Hours logged and submitted for review."),
        lambda _entry: target,
    )


def _posted_placement() -> Placement | None:
    """The posted placement when it is one of mine; 404 for anyone else's; None when the
    value is missing or not a number (the form then says so)."""
    try:
        placement_id = int(request.form.get("placement", ""))
    except ValueError:
        return None
    return queries.own_placement(current_user, placement_id) or abort(404)


@bp.route("/hours", methods=["GET", "POST"])
@require(Permission.VOLUNTEER_PORTAL)
def hours() -> Any:
    """My hours entries, and a form to log hours on one of my current placements."""
    _me()
    g.no_store = True
    today = association_today()
    current = queries.current_placements(current_user, today)
    placement = _posted_placement() if request.method == "POST" else None
    form = PortalLogHoursForm()
    _prepare_log_form(form, current, today)
    if form.validate_on_submit():
        if placement is None:
            field_error(form, _("Choose the placement."), "placement")
        elif not queries.is_current(placement, today):
            field_error(form, _("You can log hours only on a current placement."), "placement")
        elif done := _log(form, placement, url_for("portal.hours")):
            return done
    form.without_confirmation()
    return render_form(
        "portal/hours.html",
        form,
        current=current,
        page=queries.hours_page(current_user, parse_page(request.args)),
        totals=queries.hours_totals(current_user),
        today=today,
    )


@bp.route("/hours/<int:entry_id>")
@require(Permission.VOLUNTEER_PORTAL)
def hours_entry(entry_id: int) -> str:
    """One of my hours entries, with its review."""
    _me()
    entry = queries.own_hours_entry(current_user, entry_id) or abort(404)
    return render_template("portal/hours_entry.html", entry=entry)


@bp.route("/hours/<int:entry_id>/withdraw", methods=["POST"])
@require(Permission.VOLUNTEER_PORTAL)
def withdraw_hours(entry_id: int) -> Response:
    """Withdraw one of my entries that still waits for review."""
    _me()
    entry = queries.own_hours_entry(current_user, entry_id) or abort(404)
    return run_action(
        lambda: hours_services.withdraw_hours(entry, actor=current_user),
        _("Entry withdrawn."),
        url_for("portal.hours"),
    )


@bp.route("/placements/<int:placement_id>", methods=["GET", "POST"])
@require(Permission.VOLUNTEER_PORTAL)
def placement(placement_id: int) -> Any:
    """One of my placements: where, when, my role, my coordinator; my hours on it, and a form to
    log more while it is current."""
    _me()
    g.no_store = True
    found = queries.own_placement(current_user, placement_id) or abort(404)
    today = association_today()
    current = queries.is_current(found, today)
    form = PortalLogHoursForm()
    _prepare_log_form(form, [found] if current else [], today)
    form.placement.data = found.id
    status = 200
    if request.method == "POST":
        status = INVALID  # shown again: the placement is over, or the form has errors
        if not current:
            flash(_("You can log hours only on a current placement."), "danger")
        elif done := _log(form, found, url_for("portal.placement", placement_id=found.id)):
            return done
    form.without_confirmation()
    return render_template(
        "portal/placement.html",
        placement=found,
        current=current,
        form=form,
        page=queries.hours_page(current_user, parse_page(request.args), found.id),
        totals=queries.hours_totals(current_user, found.id),
        certificates=queries.own_certificates(current_user, found.id),
        can_download="certificates.download" in current_app.view_functions,
        today=today,
        arrival=arrival_queries.details(found.id),
        can_edit_arrival=found.status in ONGOING_STATUSES,
    ), status


@bp.route("/placements/<int:placement_id>/arrival", methods=["GET", "POST"])
@require(Permission.VOLUNTEER_PORTAL)
def arrival(placement_id: int) -> Any:
    """My travel to and from one of my placements, my insurance and my emergency contact."""
    _me()
    found = queries.own_placement(current_user, placement_id) or abort(404)
    return arrival_form_page(found, url_for("portal.placement", placement_id=found.id),
                             "portal/arrival.html")


@bp.route("/placements/<int:placement_id>/infosheet.pdf")
@require(Permission.VOLUNTEER_PORTAL)
def infosheet(placement_id: int) -> Any:
    """The pre-arrival infosheet of one of my placements, in my interface language."""
    _me()
    found = queries.own_placement(current_user, placement_id) or abort(404)
    return infosheet_response(found, current_language())


@bp.route("/certificates")
@require(Permission.VOLUNTEER_PORTAL)
def certificates() -> str:
    """My certificates, with download links once certificates can be downloaded."""
    _me()
    return render_template(
        "portal/certificates.html",
        certificates=queries.own_certificates(current_user),
        can_download="certificates.download" in current_app.view_functions,
    )


@bp.route("/profile", methods=["GET", "POST"])
@require(Permission.VOLUNTEER_PORTAL)
def profile() -> Any:
    """My details: what I may change (contact, languages, skills) and what only the
    association changes (name, e-mail, status, sending organisation)."""
    volunteer = _me()
    g.no_store = True
    form = ProfileForm(obj=volunteer)
    form.region = volunteer.nationality
    if form.validate_on_submit():
        try:
            changed = services.update_own_profile(volunteer, form.values(), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            db.session.commit()
            flash(_("Your details are saved.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(url_for("portal.profile"))
    form.add_blank_language_rows()
    return render_form("portal/profile.html", form, volunteer=volunteer)


@bp.route("/export")
@require(Permission.VOLUNTEER_PORTAL)
def export() -> Response:
    """Everything the association holds about me, as a JSON file (UTF-8, characters kept)."""
    volunteer = _me()
    g.no_store = True
    data = data_export.export_data(current_user, volunteer)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return send_download(body.encode("utf-8"),
                         f"aljisr-my-data-{association_today().isoformat()}.json",
                         "application/json; charset=utf-8")


@bp.route("/testimonials", methods=["GET", "POST"])
@require(Permission.VOLUNTEER_PORTAL)
def testimonials() -> Any:
    """My testimonials (their review, a way to withdraw each) and a form to write one about a
    completed placement. A posted placement that is not one of my completed ones is refused
    beside the field (422, what was typed kept; the same answer whoever's it is)."""
    _me()
    g.no_store = True
    completed = testimonial_queries.completed_placements(current_user)
    form = TestimonialForm()
    form.placement.choices = [SelectChoice(p.id, _placement_label(p)) for p in completed]
    if request.method == "GET" and request.args.get("placement", "").isdigit():
        form.placement.data = int(request.args["placement"])
    if request.method == "POST":
        posted = _posted_testimonial_placement()
        if posted is None:
            if form.validate() or not form.placement.errors:
                field_error(form, _("Choose the placement."), "placement")
        elif done := save_form(
            form,
            lambda: testimonial_services.write_testimonial(
                posted, body=form.body.data, language=form.language.data,
                signature=Signature(form.signature.data), actor=current_user),
            _("Thank you. Your testimonial waits for a coordinator's review."),
            lambda _t: url_for("portal.testimonials"),
        ):
            return done
    return render_form("portal/testimonials.html", form, completed=completed,
                       testimonials=testimonial_queries.own_testimonials(current_user))


def _posted_testimonial_placement() -> Placement | None:
    """The posted placement when it is one of my completed ones; None otherwise (missing, not
    a number, unknown or anyone else's: the form then says so beside the field)."""
    try:
        placement_id = int(request.form.get("placement", ""))
    except ValueError:
        return None
    return testimonial_queries.own_completed_placement(current_user, placement_id)


@bp.route("/testimonials/<int:testimonial_id>/withdraw", methods=["POST"])
@require(Permission.VOLUNTEER_PORTAL)
def withdraw_testimonial(testimonial_id: int) -> Response:
    """Withdraw one of my testimonials, whatever its review: it leaves the public site."""
    _me()
    found = testimonial_queries.own_testimonial(current_user, testimonial_id) or abort(404)
    return run_action(
        lambda: testimonial_services.withdraw_testimonial(found, actor=current_user),
        _("Testimonial withdrawn."),
        url_for("portal.testimonials"),
    )
