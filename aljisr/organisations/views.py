"""Organisations register: list, detail, create, edit, archive and restore (staff only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from aljisr.i18n import _
from aljisr.listing import parse_page, parse_sort
from aljisr.organisations import queries, services
from aljisr.organisations.forms import OrganisationFilterForm, OrganisationForm
from aljisr.organisations.models import Organisation
from aljisr.permissions import Permission, require
from aljisr.web import render_form, run_action, save_form

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.route("/")
@require(Permission.MANAGE_REGISTERS)
def index() -> str:
    filters = OrganisationFilterForm(formdata=request.args)
    filters.validate()
    sort = parse_sort(request.args, queries.SORTS, queries.DEFAULT_SORT)
    page = queries.organisation_page(filters.active_filters(), sort, parse_page(request.args))
    return render_template("organisations/index.html", page=page, filters=filters, sort=sort)


@bp.route("/<int:organisation_id>")
@require(Permission.MANAGE_REGISTERS)
def detail(organisation_id: int) -> str:
    organisation = queries.get_organisation(organisation_id)
    return render_template("organisations/detail.html", organisation=organisation,
                           links=queries.organisation_links(organisation),
                           limit=queries.DETAIL_LIMIT)


def _save(form: OrganisationForm, organisation: Organisation | None,
          same_name: list[Organisation]) -> Any:
    """Validate and save; return a redirect, or None to show the form again (with the
    organisations of the same name, put in ``same_name``, when that stopped the save)."""
    confirm = form.confirm_same_name.data

    def save() -> Organisation | tuple[Organisation, list[str]]:
        try:
            if organisation is None:
                return services.create_organisation(form.values(), actor=current_user,
                                                    confirm_same_name=confirm)
            changed = services.update_organisation(organisation, form.values(),
                                                   actor=current_user, confirm_same_name=confirm)
        except services.SameNameSuspected as error:
            same_name.extend(error.organisations)
            raise
        return organisation, changed

    return save_form(
        form,
        save,
        _("Organisation registered.") if organisation is None else _("Changes saved."),
        lambda saved: url_for("organisations.detail", organisation_id=saved.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def new() -> Any:
    form = OrganisationForm()
    if request.method == "GET" and request.args.get("kind"):
        form.kind.data = request.args["kind"]
    same_name: list[Organisation] = []
    return _save(form, None, same_name) or render_form(
        "organisations/form.html", form, organisation=None, same_name=same_name)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def edit(organisation_id: int) -> Any:
    organisation = queries.get_organisation(organisation_id)
    form = OrganisationForm(obj=organisation)
    same_name: list[Organisation] = []
    return _save(form, organisation, same_name) or render_form(
        "organisations/form.html", form, organisation=organisation, same_name=same_name)


@bp.route("/<int:organisation_id>/archive", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def archive(organisation_id: int) -> Any:
    organisation = queries.get_organisation(organisation_id)
    return run_action(
        lambda: services.archive_organisation(organisation, actor=current_user),
        _("Organisation archived."),
        url_for("organisations.detail", organisation_id=organisation_id),
    )


@bp.route("/<int:organisation_id>/unarchive", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def unarchive(organisation_id: int) -> Any:
    organisation = queries.get_organisation(organisation_id)
    return run_action(
        lambda: services.unarchive_organisation(organisation, actor=current_user),
        _("Organisation restored."),
        url_for("organisations.detail", organisation_id=organisation_id),
    )
