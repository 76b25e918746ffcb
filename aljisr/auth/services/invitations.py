"""Invitations: a volunteer's or a partner contact's login, and the e-mail whose link sets its
password (see :mod:`aljisr.auth.services.passwords` for the link itself). Coordinators send
them from the invitations page; services here flush but never commit."""

from __future__ import annotations

from aljisr.auth.models import User
from aljisr.auth.queries import INVITABLE_KINDS, find_user_by_email
from aljisr.auth.services.accounts import create_user
from aljisr.auth.services.passwords import LinkPurpose, send_link
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.i18n import LANGUAGES, _
from aljisr.organisations.models import Organisation
from aljisr.permissions import Role
from aljisr.volunteers.models import Volunteer


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
    send_link(user, LinkPurpose.INVITATION, actor=actor)


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
        :func:`aljisr.auth.services.accounts.refuse_volunteer_email`).
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
