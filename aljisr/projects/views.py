"""Projects register: list, detail, create, edit, archive and restore (staff only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from aljisr.i18n import _
from aljisr.listing import parse_page, parse_sort
from aljisr.permissions import Permission, has_permission, require
from aljisr.placements import queries as placement_queries
from aljisr.placements.models import PlacementStatus
from aljisr.projects import queries, services
from aljisr.projects.forms import ProjectFilterForm, ProjectForm
from aljisr.projects.models import SDG_TITLES, Project, Theme
from aljisr.public.queries import PUBLIC_STATUSES
from aljisr.web import render_form, run_action, save_form

bp = Blueprint("projects", __name__, url_prefix="/projects")


def theme_title(value: Any) -> str:
    """The translated title of a project theme ("education" -> "Education")."""
    try:
        return Theme(value).title
    except ValueError:
        return str(value)


def sdg_title(goal: int) -> str:
    """The translated name of Sustainable Development Goal ``goal`` (1-17)."""
    return str(SDG_TITLES.get(goal, goal))


@bp.route("/")
@require(Permission.MANAGE_REGISTERS)
def index() -> str:
    filters = ProjectFilterForm(formdata=request.args)
    filters.site.choices = [SelectChoice("", _("Any site"))] + [  # an archived site if asked
        SelectChoice(i, n) for i, n in queries.site_options(request.args.get("site", type=int))
    ]
    filters.validate()
    sort = parse_sort(request.args, queries.SORTS, queries.DEFAULT_SORT, "desc")
    page = queries.project_page(filters.active_filters(), sort, parse_page(request.args))
    return render_template("projects/index.html", page=page, filters=filters, sort=sort)


@bp.route("/<int:project_id>")
@require(Permission.MANAGE_REGISTERS)
def detail(project_id: int) -> str:
    """The project's record, its placements with their volunteers and its peak occupancy
    (2 queries)."""
    project = queries.get_project(project_id)
    project_placements = placement_queries.placements_on_project(current_user, project.id)
    # certificates are issued to completed placements, and "completed" is final
    certifiable = any(p.status is PlacementStatus.COMPLETED for p in project_placements)
    return render_template(
        "projects/detail.html",
        project=project,
        project_placements=project_placements,
        occupancy=placement_queries.project_occupancy(project.id),
        public_url=(url_for("public.project", project_id=project.id)
                    if project.archived_at is None and project.status in PUBLIC_STATUSES
                    else None),
        # the project's certificates page (issue, download all as a ZIP)
        certificates_url=(url_for("certificates.batch", project_id=project.id)
                          if certifiable
                          and has_permission(current_user, Permission.ISSUE_CERTIFICATES)
                          else None),
    )


def _form(project: Project | None) -> ProjectForm:
    form = ProjectForm(obj=project)
    blank = SelectChoice("", "—")
    form.site_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(i, n) for i, n in queries.site_options(project.site_id if project else None)
    ]
    form.funder_id.choices = [blank] + [
        SelectChoice(i, n)
        for i, n in queries.funder_options(project.funder_id if project else None)
    ]
    form.parent_id.choices = [blank] + [
        SelectChoice(i, n) for i, n in queries.parent_options(project)
    ]
    return form


def _save(form: ProjectForm, project: Project | None) -> Any:
    def save() -> Project | tuple[Project, list[str]]:
        if project is None:
            return services.create_project(form.values(), actor=current_user)
        return project, services.update_project(project, form.values(), actor=current_user)

    return save_form(
        form,
        save,
        _("Project created.") if project is None else _("Changes saved."),
        lambda saved: url_for("projects.detail", project_id=saved.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def new() -> Any:
    form = _form(None)
    if request.method == "GET":
        for arg, field in (("site", form.site_id), ("parent", form.parent_id)):
            if request.args.get(arg, "").isdigit():
                field.data = int(request.args[arg])
    return _save(form, None) or render_form("projects/form.html", form, project=None)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def edit(project_id: int) -> Any:
    project = queries.get_project(project_id)
    form = _form(project)
    return _save(form, project) or render_form("projects/form.html", form, project=project)


@bp.route("/<int:project_id>/archive", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def archive(project_id: int) -> Any:
    project = queries.get_project(project_id)
    return run_action(
        lambda: services.archive_project(project, actor=current_user),
        _("Project archived."),
        url_for("projects.detail", project_id=project_id),
    )


@bp.route("/<int:project_id>/unarchive", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def unarchive(project_id: int) -> Any:
    project = queries.get_project(project_id)
    return run_action(
        lambda: services.unarchive_project(project, actor=current_user),
        _("Project restored."),
        url_for("projects.detail", project_id=project_id),
    )
