"""The auth blueprint: signing in and out, the language, passwords, invitations.

One blueprint; its routes are grouped by use case below, and the services each use case calls
live in the module of the same name under :mod:`aljisr.auth.services`. Each rate limit is
defined once, at the top of this module.
"""

from __future__ import annotations

import hashlib
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
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from aljisr.auth import queries
from aljisr.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    InvitePartnerForm,
    InviteVolunteerForm,
    LanguageForm,
    LoginForm,
    ResendInvitationForm,
    SetPasswordForm,
)
from aljisr.auth.models import User
from aljisr.auth.services import invitations, passwords
from aljisr.auth.services.passwords import InvalidLink, LinkPurpose
from aljisr.auth.services.signin import authenticate, end_all_sessions, keep_language
from aljisr.errors import DomainError, error_page, too_many_attempts_message
from aljisr.extensions import db, limiter
from aljisr.i18n import LANGUAGES, _, get_locale, isolated_text
from aljisr.permissions import Permission, public, require
from aljisr.text import clean_email
from aljisr.urls import is_safe_next
from aljisr.web import field_error, render_form

bp = Blueprint("auth", __name__)


# --- rate limits (each defined once) ---------------------------------------------------------
#
# Password guesses are limited per client address and per account; see _guess_failed.

def _login_limit() -> str:
    """Failed password guesses allowed per client address (config ``LOGIN_RATE_LIMIT``)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    """Failed password guesses allowed per account (config ``LOGIN_ACCOUNT_RATE_LIMIT``)."""
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _reset_limit() -> str:
    """Requests per client address for password resets and one-time links (config
    ``PASSWORD_RESET_RATE_LIMIT``)."""
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _typed_account() -> str:
    """Key of the per-account limit: ``"account:"`` and a SHA-256 of the e-mail address typed,
    normalised as accounts store it (trimmed, lower-case), so the limiter's storage (Redis in
    production) holds no address; empty when no address was typed (Flask-Limiter then skips
    the limit, and the form refuses the request)."""
    email = clean_email(request.form.get("email"))
    return f"account:{hashlib.sha256(email.encode()).hexdigest()}" if email else ""


def _guess_failed(response: Response) -> bool:
    """``deduct_when`` of the two guess limits: whether the view found a password wrong.

    Password guesses are limited twice, and only failed guesses count:

    - per client address (``LOGIN_RATE_LIMIT``), generously, because a school or an office
      signs in from one shared address: one person's typos, or one account under attack, must
      not lock out everyone else there;
    - per account (``LOGIN_ACCOUNT_RATE_LIMIT``), keyed by the address typed (see
      :func:`_typed_account`), so guessing one account's password from many addresses stays
      limited. An address without an account counts like one with (no enumeration).

    Flask-Limiter's ``deduct_when`` makes a limit count only the requests it approves: before
    the view runs, each limit is tested without counting (a request over either answers 429,
    even with the right password); after the view, the request is counted when this returns
    True. The view sets ``g.password_guess_failed`` rather than this reading the response's
    status: it says exactly "a password was checked and was wrong", whereas a form refused for
    a missing field or an expired CSRF token checked none, and successful sign-ins (a class
    signing in at 9:00) must cost nothing. Two wrong guesses sent in the same instant may both
    pass the test, so a limit can be exceeded by at most the number of concurrent requests.
    """
    return bool(g.get("password_guess_failed"))


#: Failed password guesses (signing in, the current password on the account page), per address.
limit_guesses_per_address = limiter.limit(_login_limit, methods=["POST"],
                                          deduct_when=_guess_failed)
#: Failed sign-ins per account, whatever the address.
limit_guesses_per_account = limiter.limit(_account_limit, methods=["POST"],
                                          key_func=_typed_account, deduct_when=_guess_failed)
#: Reset requests and one-time link submissions, per address.
limit_link_requests = limiter.limit(_reset_limit, methods=["POST"])


#: The forms that answer their own 429: endpoint -> (template, form class).
_LIMITED_FORMS = {
    "auth.login": ("auth/login.html", LoginForm),
    "auth.forgot_password": ("auth/forgot_password.html", ForgotPasswordForm),
}


@bp.errorhandler(429)
def too_many_attempts(error: Any) -> Any:
    """A sign-in or a reset request over its limit shows its form again: the e-mail address
    typed kept (never the password), the real wait in words above it (in the user's language),
    status 429 (``Retry-After`` added by :func:`aljisr.errors.retry_after_rounded_up`). Other
    pages of the blueprint answer the app's 429 page."""
    if request.method != "POST" or request.endpoint not in _LIMITED_FORMS:
        return error_page(error)
    g.no_store = True
    template, form_class = _LIMITED_FORMS[request.endpoint]
    form = form_class()  # filled from what was sent, not validated: nothing is checked
    field_error(form, too_many_attempts_message())
    return render_template(template, form=form), 429


# --- sessions ---------------------------------------------------------------------------------

def load_user(session_id: str) -> User | None:
    """Flask-Login loader for ``"<id>.<session_version>"``; a stale version logs the user out."""
    user_id, _sep, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = queries.session_user(int(user_id), int(version))
    return user if user is not None and user.active else None


#: Session key of a language chosen from the language menu while signed out (this visit).
CHOSEN_SIGNED_OUT = "locale_chosen"


def chosen_language() -> str | None:
    """The language chosen from the language menu while signed out in this session (on the
    sign-in page, say), else None: it becomes the account's language at sign-in
    (:func:`keep_language`, docs/architecture.md §4.7)."""
    language = session.get("locale")
    return language if session.get(CHOSEN_SIGNED_OUT) and language in LANGUAGES else None


def start_session(user: User, *, remember: bool) -> None:
    """Sign ``user`` in on a fresh session (none of the old session's data, so no fixation),
    keeping only the language chosen before signing in."""
    language = session.get("locale")
    session.clear()
    if language in LANGUAGES:
        session["locale"] = language
    login_user(user, remember=remember)


# --- signing in and out, the language ---------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
@limit_guesses_per_address
@limit_guesses_per_account
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
            g.password_guess_failed = True
            field_error(form, _("E-mail or password is wrong."), "password")
        else:
            keep_language(user, chosen_language())
            start_session(user, remember=form.remember.data)
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
        else:
            session[CHOSEN_SIGNED_OUT] = True
    target = form.next.data
    return redirect(target if is_safe_next(target) else url_for("main.home"))


# --- passwords: one-time links, forgotten and changed passwords -------------------------------

def _use_link(token: str, purpose: LinkPurpose, template: str) -> Any:
    g.no_store = True
    try:
        user = passwords.user_for_token(token, purpose)
    except InvalidLink as error:
        return render_template("auth/invalid_link.html", message=error.message,
                               purpose=purpose.value), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = passwords.set_password_with_token(token, purpose, form.password.data)
        except InvalidLink as error:
            db.session.rollback()
            return render_template("auth/invalid_link.html", message=error.message,
                                   purpose=purpose.value), 410
        except DomainError as error:
            db.session.rollback()
            field_error(form, error, "password")
        else:
            keep_language(user, chosen_language())
            start_session(user, remember=False)
            db.session.commit()
            flash(_("Your password is saved. Welcome!") if purpose is LinkPurpose.INVITATION
                  else _("Your password is changed."), "success")
            return redirect(url_for("main.home"))
    return render_form(template, form, user=user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limit_link_requests
@public
def accept_invitation(token: str) -> Any:
    """Set a password from an invitation link (works once, expires, retired by a newer one)."""
    return _use_link(token, LinkPurpose.INVITATION, "auth/accept_invitation.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limit_link_requests
@public
def reset_password(token: str) -> Any:
    """Set a new password from a reset link."""
    return _use_link(token, LinkPurpose.RESET, "auth/reset_password.html")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limit_link_requests
@public
def forgot_password() -> Any:
    """Ask for a reset link. Answers the same whether or not the address has an account."""
    g.no_store = True
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses this address, we have sent it a link to choose a new "
                "password. The link works once, for %(hours)d hours.",
                hours=int(current_app.config["TOKEN_MAX_AGE_HOURS"])), "info")
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot_password.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@limit_guesses_per_address  # the current password must not be guessable
@require(Permission.SIGNED_IN)
def change_password() -> Any:
    """Change one's password; every other session of the account ends, this one continues."""
    g.no_store = True
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            passwords.change_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            g.password_guess_failed = error.field == "current_password"
            field_error(form, error, "password")
        else:
            db.session.commit()
            # a fresh session under the new session version (keeps remember-me)
            remember = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME",
                                                                        "remember_token")))
            start_session(user, remember=remember)
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("main.home"))
    return render_form("auth/change_password.html", form)


# --- invitations (coordinators) ---------------------------------------------------------------

def _default_language() -> str:
    locale = str(get_locale() or "en")
    return locale if locale in LANGUAGES else "en"


@bp.route("/invitations")
@require(Permission.MANAGE_REGISTERS)
def invitations_index() -> str:
    """Pending invitations, and volunteers with an e-mail address but no login yet."""
    q = (request.args.get("q") or "").strip()[:200]
    size = current_app.config["PAGE_SIZE"]
    volunteers = queries.volunteers_without_login(q, limit=size + 1)
    return render_template(
        "auth/invitations.html",
        pending=queries.pending_invitations(),
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
    volunteer = queries.volunteer(volunteer_id) or abort(404)
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
    form.organisation.choices = [SelectChoice(0, "—")] + [
        SelectChoice(o.id, isolated_text(o.name, o.kind.title))
        for o in queries.invitable_organisations()
    ]
    if request.method == "GET":
        form.organisation.data = request.args.get("organisation_id", 0, type=int)
        form.language.data = _default_language()
    if form.validate_on_submit():
        organisation = queries.organisation(form.organisation.data) or abort(404)
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
    user = queries.invited_login(user_id) or abort(404)
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
