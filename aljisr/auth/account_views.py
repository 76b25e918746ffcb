"""Invitations, password reset and password change (routes of the ``auth`` blueprint).

Imported at the end of :mod:`aljisr.auth.views`, so these routes join its blueprint.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from aljisr.auth import invitations
from aljisr.auth.account_forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    InvitePartnerForm,
    InviteVolunteerForm,
    ResendInvitationForm,
    SetPasswordForm,
)
from aljisr.auth.invitations import InvalidLink, LinkPurpose
from aljisr.auth.models import User
from aljisr.auth.views import bp
from aljisr.errors import DomainError
from aljisr.extensions import db, limiter
from aljisr.i18n import LANGUAGES, _, get_locale
from aljisr.listing import search_clause
from aljisr.organisations.models import Organisation
from aljisr.permissions import Permission, Role, public, require
from aljisr.volunteers.models import Volunteer
from aljisr.web import field_error, render_form


def _login_limit() -> str:
    """Guesses of a password allowed per client address (config ``LOGIN_RATE_LIMIT``)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    """Requests per client address for password resets and one-time links (config)."""
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _sign_in_again(user: User) -> None:
    """Start a fresh session for ``user`` under their new session version (keeps remember-me)."""
    remember = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME",
                                                                "remember_token")))
    session.clear()
    login_user(user, remember=remember)


# --- one-time links -------------------------------------------------------------------------

def _use_link(token: str, purpose: LinkPurpose, template: str) -> Any:
    g.no_store = True
    try:
        user = invitations.user_for_token(token, purpose)
    except InvalidLink as error:
        return render_template("auth/invalid_link.html", message=error.message,
                               purpose=purpose.value), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.set_password_with_token(token, purpose, form.password.data)
        except InvalidLink as error:
            db.session.rollback()
            return render_template("auth/invalid_link.html", message=error.message,
                                   purpose=purpose.value), 410
        except DomainError as error:
            db.session.rollback()
            field_error(form, error, "password")
        else:
            session.clear()
            login_user(user)
            db.session.commit()
            flash(_("Your password is saved. Welcome!") if purpose is LinkPurpose.INVITATION
                  else _("Your password is changed."), "success")
            return redirect(url_for("main.home"))
    return render_form(template, form, user=user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def accept_invitation(token: str) -> Any:
    """Set a password from an invitation link (works once, expires, retired by a newer one)."""
    return _use_link(token, LinkPurpose.INVITATION, "auth/accept_invitation.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def reset_password(token: str) -> Any:
    """Set a new password from a reset link."""
    return _use_link(token, LinkPurpose.RESET, "auth/reset_password.html")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def forgot_password() -> Any:
    """Ask for a reset link. Answers the same whether or not the address has an account."""
    g.no_store = True
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        invitations.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses this address, we have sent it a link to choose a new "
                "password. The link works once, for %(hours)d hours.",
                hours=int(current_app.config["TOKEN_MAX_AGE_HOURS"])), "info")
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot_password.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])  # the current password must not be guessable
@require(Permission.SIGNED_IN)
def change_password() -> Any:
    """Change one's password; every other session of the account ends, this one continues."""
    g.no_store = True
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            invitations.change_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            field_error(form, error, "password")
        else:
            db.session.commit()
            _sign_in_again(user)
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("main.home"))
    return render_form("auth/change_password.html", form)


# --- invitations (coordinators) -----------------------------------------------------------

def _default_language() -> str:
    locale = str(get_locale() or "en")
    return locale if locale in LANGUAGES else "en"


@bp.route("/invitations")
@require(Permission.MANAGE_REGISTERS)
def invitations_index() -> str:
    """Pending invitations, and volunteers with an e-mail address but no login yet."""
    q = (request.args.get("q") or "").strip()[:200]
    size = current_app.config["PAGE_SIZE"]
    query = (
        sa.select(Volunteer)
        .where(Volunteer.user_id.is_(None), Volunteer.email.is_not(None),
               Volunteer.archived_at.is_(None), Volunteer.anonymised_at.is_(None))
        .order_by(Volunteer.search_key, Volunteer.id)
        .limit(size + 1)
    )
    if q:
        query = query.where(search_clause(Volunteer.search_key, q))
    volunteers = db.session.scalars(query).all()
    return render_template(
        "auth/invitations.html",
        pending=invitations.pending_invitations(),
        volunteers=volunteers[:size],
        more=len(volunteers) > size,
        q=q,
        resend_form=ResendInvitationForm(),
        invite_form=InviteVolunteerForm(language=_default_language()),
    )


@bp.route("/invitations/volunteer/<int:volunteer_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def invite_volunteer(volunteer_id: int) -> Any:
    """Invite one volunteer (creates their login, linked to the volunteer record)."""
    volunteer = db.session.get(Volunteer, volunteer_id) or abort(404)
    form = InviteVolunteerForm()
    if request.method == "GET":
        form.language.data = (volunteer.user.locale if volunteer.user and volunteer.user.locale
                              else _default_language())
    if form.validate_on_submit():
        try:
            invitations.invite_volunteer(volunteer, locale=form.language.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=volunteer.email), "success")
            return redirect(url_for("auth.invitations_index"))
    return render_form("auth/invite_volunteer.html", form, volunteer=volunteer)


@bp.route("/invitations/partner", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def invite_partner() -> Any:
    """Invite a contact of a sending or host organisation (``?organisation_id=`` preselects)."""
    form = InvitePartnerForm()
    organisations = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.archived_at.is_(None),
               Organisation.kind.in_(invitations.INVITABLE_KINDS))
        .order_by(Organisation.name)
    ).all()
    form.organisation.choices = [SelectChoice(0, "—")] + [
        SelectChoice(o.id, f"{o.name} ({o.kind.title})") for o in organisations
    ]
    if request.method == "GET":
        form.organisation.data = request.args.get("organisation_id", 0, type=int)
        form.language.data = _default_language()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation.data) or abort(404)
        try:
            invitations.invite_partner_contact(
                organisation, form.email.data, form.display_name.data,
                locale=form.language.data, actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            field_error(form, error, "email")
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("auth.invitations_index"))
    return render_form("auth/invite_partner.html", form)


@bp.route("/invitations/<int:user_id>/resend", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def resend_invitation(user_id: int) -> Response:
    """Send a pending invitation again; the previous link stops working."""
    user = db.session.scalar(
        sa.select(User).where(User.id == user_id, User.role.in_((Role.VOLUNTEER, Role.PARTNER)))
    ) or abort(404)
    form = ResendInvitationForm()
    if form.validate_on_submit():
        try:
            invitations.send_invitation(user, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Invitation sent again to %(email)s; the previous link no longer works.",
                    email=user.email), "success")
    return redirect(url_for("auth.invitations_index"))
