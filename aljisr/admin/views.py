"""User management for administrators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from aljisr.admin import queries
from aljisr.admin.forms import EditUserForm, UserForm
from aljisr.auth.services.accounts import create_user, update_user
from aljisr.i18n import _
from aljisr.notifications import queries as outbox_queries
from aljisr.notifications.models import OutboxStatus
from aljisr.permissions import Permission, Role, require
from aljisr.web import render_form, save_form

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@require(Permission.MANAGE_USERS)
def users() -> str:
    return render_template("admin/users.html", users=queries.users())


@bp.route("/users/new", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def new_user() -> Any:
    form = UserForm()
    form.organisation.choices = _organisation_choices()
    done = save_form(
        form,
        lambda: create_user(
            form.email.data,
            Role(form.role.data),
            display_name=form.display_name.data,
            password=form.password.data or None,
            organisation_id=form.organisation.data or None,
            actor=current_user,
        ),
        _("User created."),
        lambda _user: url_for("admin.users"),
    )
    return done or render_form("admin/user_form.html", form)


def _organisation_choices() -> list[SelectChoice]:
    return [SelectChoice(0, "—")] + [
        SelectChoice(o.id, o.name) for o in queries.partner_organisation_rows()
    ]


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def edit_user(user_id: int) -> Any:
    user = queries.user(user_id) or abort(404)
    form = EditUserForm(obj=user)
    form.organisation.choices = _organisation_choices()
    if request.method == "GET":
        form.role.data = user.role.value
        form.organisation.data = user.organisation_id or 0
    done = save_form(
        form,
        lambda: (user, update_user(
            user,
            display_name=form.display_name.data,
            role=Role(form.role.data),
            organisation_id=form.organisation.data or None,
            active=form.active.data,
            actor=current_user,
        )),
        _("Changes saved."),
        lambda _user: url_for("admin.users"),
    )
    return done or render_form("admin/user_edit.html", form, user=user)


@bp.route("/outbox")
@require(Permission.READ_OUTBOX)
def outbox() -> str:
    """The newest 200 messages with their delivery status, attempts and last error."""
    return render_template("admin/outbox.html", messages=outbox_queries.outbox_page(),
                           counts=outbox_queries.outbox_counts(), statuses=list(OutboxStatus))
