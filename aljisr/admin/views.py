"""User management for administrators."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from aljisr.admin.forms import EditUserForm, UserForm
from aljisr.auth.models import User
from aljisr.auth.services.accounts import create_user, update_user
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.i18n import _
from aljisr.notifications import queries as outbox_queries
from aljisr.notifications.models import OutboxStatus
from aljisr.organisations.models import Organisation
from aljisr.permissions import Permission, Role, require
from aljisr.web import field_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@require(Permission.MANAGE_USERS)
def users() -> str:
    rows = db.session.scalars(
        sa.select(User).options(joinedload(User.organisation)).order_by(User.role, User.email)
    ).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def new_user() -> Any:
    form = UserForm()
    form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            create_user(
                form.email.data,
                Role(form.role.data),
                display_name=form.display_name.data,
                password=form.password.data or None,
                organisation_id=form.organisation.data or None,
                actor=current_user,
            )
        except DomainError as error:
            field_error(form, error)
        else:
            db.session.commit()
            flash(_("User created."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form)


def _organisation_choices() -> list[SelectChoice]:
    organisations = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.archived_at.is_(None))
        .order_by(Organisation.name)
    ).all()
    return [SelectChoice(0, "—")] + [SelectChoice(o.id, o.name) for o in organisations]


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def edit_user(user_id: int) -> Any:
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user)
    form.organisation.choices = _organisation_choices()
    if request.method == "GET":
        form.role.data = user.role.value
        form.organisation.data = user.organisation_id or 0
    if form.validate_on_submit():
        try:
            changed = update_user(
                user,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                organisation_id=form.organisation.data or None,
                active=form.active.data,
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user)


@bp.route("/outbox")
@require(Permission.READ_OUTBOX)
def outbox() -> str:
    """The newest 200 messages with their delivery status, attempts and last error."""
    return render_template("admin/outbox.html", messages=outbox_queries.outbox_page(),
                           counts=outbox_queries.outbox_counts(), statuses=list(OutboxStatus))
