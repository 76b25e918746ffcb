"""Sites register: list, detail, create, edit, archive and restore (staff only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from aljisr.i18n import _
from aljisr.listing import parse_page, parse_sort
from aljisr.permissions import Permission, require
from aljisr.sites import queries, services
from aljisr.sites.forms import SiteFilterForm, SiteForm
from aljisr.sites.models import Site
from aljisr.web import render_form, run_action, save_form

bp = Blueprint("sites", __name__, url_prefix="/sites")


@bp.route("/")
@require(Permission.MANAGE_REGISTERS)
def index() -> str:
    filters = SiteFilterForm(formdata=request.args)
    filters.organisation.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(i, n) for i, n in queries.host_organisation_options()
    ]
    filters.validate()
    sort = parse_sort(request.args, queries.SORTS, queries.DEFAULT_SORT)
    page = queries.site_page(filters.active_filters(), sort, parse_page(request.args))
    return render_template("sites/index.html", page=page, filters=filters, sort=sort)


@bp.route("/<int:site_id>")
@require(Permission.MANAGE_REGISTERS)
def detail(site_id: int) -> str:
    site = queries.get_site(site_id)
    projects, total = queries.site_projects(site)
    return render_template("sites/detail.html", site=site, projects=projects, total=total,
                           limit=queries.DETAIL_LIMIT)


def _form(site: Site | None) -> SiteForm:
    form = SiteForm(obj=site)
    current = site.organisation_id if site else None
    form.organisation_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(i, n) for i, n in queries.host_organisation_options(current)
    ]
    return form


def _save(form: SiteForm, site: Site | None) -> Any:
    def save() -> Site | tuple[Site, list[str]]:
        if site is None:
            return services.create_site(form.values(), actor=current_user)
        return site, services.update_site(site, form.values(), actor=current_user)

    return save_form(
        form,
        save,
        _("Site registered.") if site is None else _("Changes saved."),
        lambda saved: url_for("sites.detail", site_id=saved.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def new() -> Any:
    form = _form(None)
    if request.method == "GET" and request.args.get("organisation", "").isdigit():
        form.organisation_id.data = int(request.args["organisation"])
    return _save(form, None) or render_form("sites/form.html", form, site=None)


@bp.route("/<int:site_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def edit(site_id: int) -> Any:
    site = queries.get_site(site_id)
    form = _form(site)
    return _save(form, site) or render_form("sites/form.html", form, site=site)


@bp.route("/<int:site_id>/archive", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def archive(site_id: int) -> Any:
    site = queries.get_site(site_id)
    return run_action(
        lambda: services.archive_site(site, actor=current_user),
        _("Site archived."),
        url_for("sites.detail", site_id=site_id),
    )


@bp.route("/<int:site_id>/unarchive", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def unarchive(site_id: int) -> Any:
    site = queries.get_site(site_id)
    return run_action(
        lambda: services.unarchive_site(site, actor=current_user),
        _("Site restored."),
        url_for("sites.detail", site_id=site_id),
    )
