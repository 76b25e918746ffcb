"""Invitations and passwords: one-time signed links, password reset and password change.

A link carries a token signed with the application's ``SECRET_KEY`` by itsdangerous'
``URLSafeTimedSerializer`` (https://itsdangerous.palletsprojects.com/en/stable/url_safe/),
holding the user's id and the user's ``token_version`` at the time the link was sent. The link is
refused when:

- it is older than ``TOKEN_MAX_AGE_HOURS`` (the signed timestamp says so);
- it was used: using a link bumps ``token_version``;
- a newer link was sent: sending a link bumps ``token_version`` too (so an invitation sent again,
  or a reset requested after an invitation, retires every earlier link of that user);
- the password was changed on the account page (which bumps ``token_version`` as well).

Invitation and reset links are signed with different salts, so one cannot stand for the other.
Setting or changing a password also bumps ``session_version`` (see
:func:`aljisr.auth.services.end_all_sessions`), which ends every other session of the user.

Services here flush but never commit. Mail goes through :func:`aljisr.mail.send_mail`, in the
recipient's language (``force_locale``), with absolute links (``PUBLIC_BASE_URL`` when set).
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from aljisr import audit
from aljisr.auth.models import User
from aljisr.auth.services import create_user, end_all_sessions, find_user_by_email
from aljisr.database import utcnow
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.i18n import LANGUAGES, _, force_locale, format_datetime
from aljisr.mail import send_mail
from aljisr.organisations.models import PARTNER_KINDS, Organisation
from aljisr.permissions import Role
from aljisr.volunteers.models import Volunteer

#: Shortest password accepted anywhere (same as the admin's user form).
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200

#: Organisation kinds whose contacts may be invited as partner users (docs/architecture.md
#: §3.2 has a column for sending and for host organisations; funders have no portal).
INVITABLE_KINDS = PARTNER_KINDS


class LinkPurpose(enum.StrEnum):
    """What a one-time link is for; each purpose signs with its own salt."""

    INVITATION = "invitation"
    RESET = "reset"


class InvalidLink(DomainError):
    """A one-time link is malformed, expired, used, or replaced by a newer one."""


def _serializer(purpose: LinkPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"aljisr.auth.{purpose.value}"
    )


def issue_token(user: User, purpose: LinkPurpose) -> str:
    """Return a new one-time token for ``user``; every earlier token of the user stops working.

    Bumps ``user.token_version`` (flush to keep it).
    """
    if user.id is None:
        db.session.flush()
    user.token_version = (user.token_version or 0) + 1
    return _serializer(purpose).dumps({"u": user.id, "v": user.token_version})


def user_for_token(token: str, purpose: LinkPurpose) -> User:
    """Return the active user a valid, unused, newest ``token`` belongs to.

    :raises InvalidLink: the token is malformed or signed for another purpose, older than
        ``TOKEN_MAX_AGE_HOURS`` hours, already used, or replaced by a newer link; or the user
        no longer exists or is deactivated. The message says which, in words a user understands.
    """
    max_age = int(current_app.config["TOKEN_MAX_AGE_HOURS"]) * 3600
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidLink(_("This link has expired.")) from error
    except BadSignature as error:
        raise InvalidLink(_("This link is not valid.")) from error
    if not (isinstance(payload, dict) and isinstance(payload.get("u"), int)
            and isinstance(payload.get("v"), int)):
        raise InvalidLink(_("This link is not valid."))
    user = db.session.get(User, payload["u"])
    if user is None or not user.active:
        raise InvalidLink(_("This link is not valid."))
    if payload["v"] != user.token_version:
        raise InvalidLink(
            _("This link has already been used, or a newer link has been sent since.")
        )
    return user


def check_new_password(password: str, user: User) -> None:
    """Refuse passwords too short, too long, or equal to the account's e-mail address.

    :raises DomainError: field ``password``.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH), field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(
            _("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH), field="password"
        )
    if password.strip().lower() == (user.email or "").lower():
        raise DomainError(_("Do not use your e-mail address as password."), field="password")


def _set_password(user: User, password: str) -> None:
    check_new_password(password, user)
    user.set_password(password)
    user.token_version = (user.token_version or 0) + 1  # every pending link is now spent
    end_all_sessions(user)


def set_password_with_token(token: str, purpose: LinkPurpose, password: str) -> User:
    """Use a one-time link: set the password, spend the link, end the user's other sessions.

    :raises InvalidLink: see :func:`user_for_token`.
    :raises DomainError: the password is refused (field ``password``).
    """
    user = user_for_token(token, purpose)
    _set_password(user, password)
    invited = purpose is LinkPurpose.INVITATION
    audit.record(user, "auth.invitation_accept" if invited else "auth.password_reset", user)
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change ``user``'s password after checking the current one; ends their other sessions
    and spends any pending invitation or reset link.

    :raises DomainError: field ``current_password`` when it does not match; field ``password``
        when the new one is refused.
    """
    if not user.check_password(current_password):
        raise DomainError(_("This is not your current password."), field="current_password")
    _set_password(user, new_password)
    audit.record(user, "auth.password_change", user)
    db.session.flush()


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for links in e-mails: ``PUBLIC_BASE_URL`` + path when it is set, else
    the current request's scheme and host (``url_for(_external=True)``)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def mail_locale(user: User) -> str:
    """The language to write to ``user`` in: theirs, else the association's default."""
    if user.locale in LANGUAGES:
        return user.locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def _send_link(user: User, purpose: LinkPurpose, *, actor: User | None) -> None:
    token = issue_token(user, purpose)
    hours = int(current_app.config["TOKEN_MAX_AGE_HOURS"])
    if purpose is LinkPurpose.INVITATION:
        link = absolute_url("auth.accept_invitation", token=token)
        template, action = "email/invitation.txt", "user.invite"
    else:
        link = absolute_url("auth.reset_password", token=token)
        template, action = "email/password_reset.txt", "auth.password_reset_request"
    with force_locale(mail_locale(user)):
        if purpose is LinkPurpose.INVITATION:
            subject = _("Your account with %(association)s",
                        association=_(current_app.config["ASSOCIATION_NAME"]))
        else:
            subject = _("Choose a new password")
        # the deadline in the recipient's language and the association's time zone
        expires = format_datetime(utcnow() + timedelta(hours=hours), "d MMMM yyyy, HH:mm")
        body = render_template(template, user=user, link=link, hours=hours, inviter=actor,
                               expires=expires,
                               association=_(current_app.config["ASSOCIATION_NAME"]))
    send_mail(user.email, str(subject), body)
    audit.record(actor, action, user)


def send_invitation(user: User, *, actor: User | None) -> None:
    """E-mail ``user`` a link that sets their password; earlier links stop working.

    :raises NotAllowed: the user already has a password (they can reset it instead) or is
        deactivated.
    """
    if user.password_hash:
        raise NotAllowed(
            _("%(email)s already has a password; they can use “Forgot your password?”.",
              email=user.email),
            field="email",
        )
    if not user.active:
        raise NotAllowed(_("This account is deactivated."), field="email")
    _send_link(user, LinkPurpose.INVITATION, actor=actor)


def request_password_reset(email: str) -> bool:
    """E-mail a reset link when an active account has this address; do nothing otherwise.

    The caller must answer the same way in both cases (never reveal whether an address has an
    account). Returns whether a message was sent, for tests and logs only.
    """
    user = find_user_by_email(email or "")
    if user is None or not user.active:
        return False
    _send_link(user, LinkPurpose.RESET, actor=None)
    return True


def _check_locale(locale: str | None) -> str | None:
    return locale if locale in LANGUAGES else None


def invite_volunteer(volunteer: Volunteer, *, locale: str | None, actor: User) -> User:
    """Create (or find) the volunteer's login and e-mail them an invitation.

    The login takes the volunteer's e-mail address, the volunteer role, and is linked to the
    volunteer record. Inviting again before the volunteer set a password sends a new link and
    retires the old one.

    :raises DomainError: field ``email`` when the volunteer has no e-mail address.
    :raises NotAllowed: the volunteer is archived or anonymised, or already has a password.
    :raises Conflict: another login already uses that e-mail address.
    """
    if volunteer.archived_at is not None or volunteer.anonymised_at is not None:
        raise NotAllowed(_("This volunteer is archived."), field="email")
    if not volunteer.email:
        raise DomainError(
            _("This volunteer has no e-mail address; add one to their profile first."),
            field="email",
        )
    user = volunteer.user
    if user is None:
        existing = find_user_by_email(volunteer.email)
        if existing is not None:
            raise Conflict(_("Another account already uses %(email)s.", email=volunteer.email),
                           field="email")
        user = create_user(volunteer.email, Role.VOLUNTEER, display_name=volunteer.full_name,
                           actor=actor)
        volunteer.user = user
    if _check_locale(locale):
        user.locale = locale
    send_invitation(user, actor=actor)
    db.session.flush()
    return user


def invite_partner_contact(
    organisation: Organisation,
    email: str,
    display_name: str,
    *,
    locale: str | None,
    actor: User,
) -> User:
    """Create a partner login for a contact of ``organisation`` and e-mail them an invitation.

    Inviting the same address of the same organisation again, before a password was set, sends
    a new link (retiring the old one).

    :raises NotAllowed: the organisation is archived or not a sending or host organisation.
    :raises Conflict: ``field="email"`` when the address belongs to another account, or to a
        volunteer record (any case; a partner login needs its own address, see
        :func:`aljisr.auth.services.refuse_volunteer_email`).
    """
    if organisation.archived_at is not None:
        raise NotAllowed(_("This organisation is archived."), field="organisation")
    if organisation.kind not in INVITABLE_KINDS:
        raise NotAllowed(
            _("Only sending and host organisations have a partner portal."), field="organisation"
        )
    user = find_user_by_email(email)
    if user is not None:
        if user.role is not Role.PARTNER or user.organisation_id != organisation.id:
            raise Conflict(_("Another account already uses %(email)s.", email=email),
                           field="email")
    else:
        user = create_user(email, Role.PARTNER, display_name=display_name,
                           organisation_id=organisation.id, actor=actor)
    if _check_locale(locale):
        user.locale = locale
    send_invitation(user, actor=actor)
    db.session.flush()
    return user


def pending_invitations(limit: int = 200) -> list[User]:
    """Active non-staff logins that have no password yet (invited, not accepted), newest first."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.password_hash.is_(None), User.active.is_(True),
                   User.role.in_((Role.VOLUNTEER, Role.PARTNER)))
            .order_by(User.created_at.desc(), User.id.desc())
            .limit(limit)
        )
    )
