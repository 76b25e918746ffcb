"""Logins created and changed by administrators (the admin pages and the ``create-user``
command); a volunteer's or partner's own login is created by an invitation
(:mod:`aljisr.auth.services.invitations`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr import audit
from aljisr.auth.models import User
from aljisr.auth.queries import find_user_by_email
from aljisr.auth.services.signin import end_all_sessions
from aljisr.errors import Conflict
from aljisr.extensions import db
from aljisr.i18n import _
from aljisr.organisations.models import PARTNER_KINDS, Organisation
from aljisr.permissions import Role
from aljisr.text import clean_email
from aljisr.volunteers.models import Volunteer


def create_user(
    email: str,
    role: Role,
    *,
    display_name: str | None = None,
    password: str | None = None,
    organisation_id: int | None = None,
    actor: User | None = None,
) -> User:
    """Create a user; flushes, never commits.

    :raises Conflict: ``field="email"`` when the e-mail (case-insensitive) is already taken, or
        when a staff or partner login would take a volunteer's address (see
        :func:`refuse_volunteer_email`); ``field="organisation"`` when a partner user has no
        organisation, or one that is not a sending or host organisation (a funder).
    """
    if find_user_by_email(email) is not None:
        raise Conflict(_("A user with this e-mail already exists."), field="email")
    if role is not Role.VOLUNTEER:
        refuse_volunteer_email(email, role)
    _check_organisation(role, organisation_id)
    user = User(
        email=email,
        role=role,
        display_name=display_name or email.split("@")[0],
        organisation_id=organisation_id,
    )
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user, details={"role": role.value})
    return user


def refuse_volunteer_email(email: str | None, role: Role) -> None:
    """Refuse an e-mail address that belongs to a volunteer record (any case, archived
    volunteers included) for a new staff or partner login with ``role``.

    A volunteer's own login takes their address when they are invited; a staff or partner login
    holding it first would make that invitation impossible (logins are unique on the address).
    The reverse rule, a volunteer given a login's address, is refused by the volunteers service.

    :raises Conflict: ``field="email"``.
    """
    email = clean_email(email)
    if not email:
        return
    # volunteers store their address trimmed and lower-cased (Volunteer._clean_email)
    taken = db.session.scalar(sa.select(Volunteer.id).where(Volunteer.email == email).limit(1))
    if taken is None:
        return
    if role is Role.PARTNER:
        message = _("This e-mail address belongs to a volunteer. A partner login needs its own "
                    "address.")
    else:
        message = _("This e-mail address belongs to a volunteer. A staff login needs its own "
                    "address.")
    raise Conflict(message, field="email")


def _check_organisation(role: Role, organisation_id: int | None) -> None:
    if role is Role.PARTNER and organisation_id is None:
        raise Conflict(_("A partner user must belong to an organisation."), field="organisation")
    if role is Role.PARTNER:
        kind = db.session.scalar(
            sa.select(Organisation.kind).where(Organisation.id == organisation_id))
        if kind not in PARTNER_KINDS:  # a partner is a sending or host organisation's login
            raise Conflict(_("Only sending and host organisations have a partner portal."),
                           field="organisation")
    if role is not Role.PARTNER and organisation_id is not None:
        raise Conflict(
            _("Only partner users belong to an organisation; choose none for this role."),
            field="organisation",
        )


def update_user(
    user: User,
    *,
    display_name: str,
    role: Role,
    organisation_id: int | None,
    active: bool,
    actor: User,
) -> list[str]:
    """Change a user's name, role, organisation or whether they may sign in; flushes.

    A change of role or organisation, or deactivation, ends the user's sessions (what they may
    see changed). Admins cannot demote or deactivate themselves (someone must stay in charge).

    :returns: the names of the fields that changed (audited as ``user.update``).
    :raises Conflict: ``field="organisation"`` as :func:`create_user`; ``field="role"`` or
        ``"active"`` when an admin would lock themselves out; ``field="role"`` when a login
        whose address belongs to a volunteer would become a staff or partner login (the rule
        :func:`refuse_volunteer_email` applies to new logins).
    """
    _check_organisation(role, organisation_id)
    if user.id == actor.id and role is not Role.ADMIN:
        raise Conflict(_("You cannot take away your own administrator role."), field="role")
    if user.id == actor.id and not active:
        raise Conflict(_("You cannot deactivate your own account."), field="active")
    if role is not Role.VOLUNTEER and role != user.role:
        try:
            refuse_volunteer_email(user.email, role)
        except Conflict:
            raise Conflict(_("This login's e-mail address belongs to a volunteer, so it cannot "
                             "become a staff or partner login."), field="role") from None
    new = {"display_name": display_name, "role": role, "organisation_id": organisation_id,
           "active": active}
    changed = [name for name, value in new.items() if getattr(user, name) != value]
    if not changed:
        return []
    before = {name: str(getattr(getattr(user, name), "value", getattr(user, name)))
              for name in changed}
    for name in changed:
        setattr(user, name, new[name])
    if set(changed) & {"role", "organisation_id", "active"}:
        end_all_sessions(user)
    db.session.flush()
    audit.record(actor, "user.update", user, details={
        name: [before[name], str(getattr(new[name], "value", new[name]))] for name in changed})
    return changed
