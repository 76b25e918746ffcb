"""Volunteers register: list, detail, create, edit, archive, restore and anonymise (staff
only)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from aljisr import once
from aljisr.certificates import queries as certificate_queries
from aljisr.dates import association_today
from aljisr.downloads import send_download
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.formfields import country_choices, grouped_language_options
from aljisr.i18n import _
from aljisr.listing import parse_page, parse_sort
from aljisr.permissions import Permission, has_permission, require
from aljisr.placements import queries as placement_queries
from aljisr.volunteers import queries, services
from aljisr.volunteers.forms import (
    AnonymiseForm,
    VolunteerFilterForm,
    VolunteerForm,
    level_label,
)
from aljisr.volunteers.models import Volunteer
from aljisr.web import field_error, render_form, run_action, save_form

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")


def anonymous_name(volunteer_id: int) -> str:
    """The name an anonymised volunteer is shown with ("#12")."""
    return services.anonymous_name(volunteer_id)


def language_level(level: Any) -> str:
    """"B2 – Upper intermediate" for a LanguageLevel (CEFR)."""
    return level_label(level)


def _filter_form() -> VolunteerFilterForm:
    """The register's filter bar read from the URL and validated (a bad value is left out)."""
    filters = VolunteerFilterForm(formdata=request.args)
    any_choice = SelectChoice("", _("Any"))
    filters.nationality.choices = [any_choice] + [SelectChoice(c, n) for c, n in country_choices()]
    filters.language.choices = grouped_language_options(blank=_("Any"))
    # an archived organisation stays selectable when a link asks for it (its volunteers remain)
    chosen = request.args.get("sending_organisation", type=int)
    filters.sending_organisation.choices = [any_choice] + [
        SelectChoice(i, n) for i, n in queries.sending_organisation_options(chosen)
    ]
    filters.validate()
    return filters


@bp.route("/")
@require(Permission.MANAGE_REGISTERS)
def index() -> str:
    filters = _filter_form()
    sort = parse_sort(request.args, queries.SORTS, queries.DEFAULT_SORT)
    page = queries.volunteer_page(filters.active_filters(), sort, parse_page(request.args))
    return render_template("volunteers/index.html", page=page, filters=filters, sort=sort)


@bp.route("/export.<any(csv, xlsx):fmt>")
@require(Permission.MANAGE_REGISTERS)
def export(fmt: str) -> Any:
    """The register as filtered, in the import's columns (CSV or XLSX), to edit and import
    back (:mod:`aljisr.imports.exports`)."""
    from aljisr.imports import exports
    from aljisr.imports.queries import volunteers_for_export

    volunteers = volunteers_for_export(_filter_form().active_filters())
    if fmt == "csv":
        return send_download(exports.register_csv(volunteers), "volunteers.csv",
                             exports.CSV_MIMETYPE)
    return send_download(exports.register_xlsx(volunteers), "volunteers.xlsx",
                         exports.XLSX_MIMETYPE)


@bp.route("/<int:volunteer_id>")
@require(Permission.MANAGE_REGISTERS)
def detail(volunteer_id: int) -> str:
    """The volunteer's record, placements (1 query) and, for a user who issues certificates,
    certificates and completed placements awaiting one (2 queries)."""
    volunteer = queries.get_volunteer(volunteer_id)
    certificates = (
        certificate_queries.for_volunteer(volunteer.id)
        if has_permission(current_user, Permission.ISSUE_CERTIFICATES)
        else None
    )
    return render_template(
        "volunteers/detail.html",
        volunteer=volunteer,
        volunteer_placements=placement_queries.placements_of_volunteer(current_user, volunteer.id),
        volunteer_certificates=certificates,
    )


@bp.route("/<int:volunteer_id>/data.json")
@require(Permission.MANAGE_REGISTERS)
def data_export(volunteer_id: int) -> Response:
    """Everything the association holds about one volunteer, as the JSON file the volunteer
    gets from the portal (the right of access, Law 09-08 art. 7 and GDPR art. 15), for a
    volunteer with or without a login; each download is audited."""
    volunteer = queries.get_volunteer(volunteer_id)
    data = services.data_export(volunteer, actor=current_user)
    db.session.commit()
    g.no_store = True
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return send_download(body.encode("utf-8"),
                         f"aljisr-volunteer-{volunteer.id}-{association_today().isoformat()}"
                         ".json", "application/json; charset=utf-8")


def _prepare(form: VolunteerForm, volunteer: Volunteer | None) -> None:
    current = volunteer.sending_organisation_id if volunteer else None
    form.sending_organisation_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(i, n) for i, n in queries.sending_organisation_options(current)
    ]
    if volunteer is not None and volunteer.archived_at is not None:
        del form.status  # archived: restore with the button, not by editing the status


def _name_email_clash(form: VolunteerForm, volunteer: Volunteer | None) -> None:
    """With other fields in error, still name an address that belongs to a staff or partner
    login beside the e-mail now, not on the next try."""
    if form.email.errors:
        return
    try:
        services.refuse_account_email(form.email.data, volunteer)
    except DomainError as error:
        field_error(form, error, "email")


def _save(form: VolunteerForm, volunteer: Volunteer | None) -> Any:
    """Validate and save; return a redirect, or the duplicates found (to show) or None."""
    if not form.validate_on_submit():
        if request.method == "POST":
            _name_email_clash(form, volunteer)
        return None
    earlier = once.claim(form)
    if earlier is not None:
        return earlier
    try:
        if volunteer is None:
            volunteer = services.create_volunteer(
                form.values(), actor=current_user, confirm_duplicates=form.confirm_duplicates.data
            )
            message = _("Volunteer registered.")
        else:
            changed = services.update_volunteer(
                volunteer, form.values(), actor=current_user,
                confirm_duplicates=form.confirm_duplicates.data,
            )
            message = _("Changes saved.") if changed else _("Nothing was changed.")
    except services.DuplicateSuspected as error:
        db.session.rollback()
        field_error(form, error)
        return error
    except DomainError as error:
        db.session.rollback()
        field_error(form, error)
        return None
    url = url_for("volunteers.detail", volunteer_id=volunteer.id)
    once.settle(form, url)
    db.session.commit()
    flash(message, "success")
    return redirect(url)


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def new() -> Any:
    form = VolunteerForm()
    _prepare(form, None)
    outcome = _save(form, None)
    if outcome is not None and not isinstance(outcome, services.DuplicateSuspected):
        return outcome
    form.add_blank_language_rows()
    return render_form("volunteers/form.html", form, volunteer=None,
                           duplicates=getattr(outcome, "duplicates", None),
                           blocking=getattr(outcome, "blocking", False))


@bp.route("/<int:volunteer_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def edit(volunteer_id: int) -> Any:
    volunteer = queries.get_volunteer(volunteer_id)
    if volunteer.anonymised_at is not None:
        flash(_("This volunteer's personal data has been erased; it cannot be edited."),
              "warning")
        return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))
    form = VolunteerForm(obj=volunteer)
    _prepare(form, volunteer)
    outcome = _save(form, volunteer)
    if outcome is not None and not isinstance(outcome, services.DuplicateSuspected):
        return outcome
    form.add_blank_language_rows()
    return render_form("volunteers/form.html", form, volunteer=volunteer,
                           duplicates=getattr(outcome, "duplicates", None),
                           blocking=getattr(outcome, "blocking", False))


@bp.route("/<int:volunteer_id>/archive", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def archive(volunteer_id: int) -> Any:
    volunteer = queries.get_volunteer(volunteer_id)
    return run_action(
        lambda: services.archive_volunteer(volunteer, actor=current_user),
        _("Volunteer archived."),
        url_for("volunteers.detail", volunteer_id=volunteer_id),
    )


@bp.route("/<int:volunteer_id>/unarchive", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def unarchive(volunteer_id: int) -> Any:
    volunteer = queries.get_volunteer(volunteer_id)
    return run_action(
        lambda: services.unarchive_volunteer(volunteer, actor=current_user),
        _("Volunteer restored."),
        url_for("volunteers.detail", volunteer_id=volunteer_id),
    )


@bp.route("/<int:volunteer_id>/anonymise", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def anonymise(volunteer_id: int) -> Any:
    """Confirm, then erase the volunteer's personal data (see
    :func:`aljisr.volunteers.services.anonymise_volunteer`)."""
    volunteer = queries.get_volunteer(volunteer_id)
    form = AnonymiseForm()
    if volunteer.anonymised_at is None:
        done = save_form(
            form,
            lambda: services.anonymise_volunteer(volunteer, actor=current_user,
                                                 reason=form.reason.data),
            _("The volunteer's personal data has been erased."),
            lambda _result: url_for("volunteers.detail", volunteer_id=volunteer_id),
        )
        if done is not None:
            return done
    return render_form("volunteers/anonymise.html", form, volunteer=volunteer)
