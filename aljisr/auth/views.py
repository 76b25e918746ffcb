"""Sign in, sign out, and the language switcher."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from aljisr.auth.forms import LanguageForm, LoginForm
from aljisr.auth.models import User
from aljisr.auth.services import authenticate, end_all_sessions
from aljisr.extensions import db, limiter
from aljisr.i18n import _
from aljisr.permissions import Permission, public, require
from aljisr.urls import is_safe_next
from aljisr.web import field_error, render_form

bp = Blueprint("auth", __name__)


def load_user(session_id: str) -> User | None:
    """Flask-Login loader for ``"<id>.<session_version>"``; a stale version logs the user out."""
    user_id, _sep, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.scalar(
        sa.select(User).where(User.id == int(user_id), User.session_version == int(version))
    )
    return user if user is not None and user.active else None


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login() -> Any:
    g.no_store = True
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            field_error(form, _("E-mail or password is wrong."), "password")
        else:
            session.clear()  # a fresh session on sign-in (no fixation)
            login_user(user, remember=form.remember.data)
            db.session.commit()
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("main.home"))
    return render_form("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
@require(Permission.SIGNED_IN)
def logout() -> Response:
    # Sessions live in signed cookies; bumping the version makes every copy of this user's
    # session cookie (and remember-me cookie) worthless, so signing out really ends it.
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def set_language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.language.data
        if current_user.is_authenticated:
            current_user.locale = form.language.data
            db.session.commit()
    target = form.next.data
    return redirect(target if is_safe_next(target) else url_for("main.home"))


# Invitations, password reset and password change join this blueprint (account_views.py).
from aljisr.auth import account_views  # noqa: E402, F401
