"""Reads of the auth area: logins by e-mail, pending invitations, who can be invited."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.listing import search_clause
from aljisr.organisations.models import PARTNER_KINDS, Organisation
from aljisr.permissions import Role
from aljisr.text import clean_email
from aljisr.volunteers.models import Volunteer

#: Organisation kinds whose contacts may be invited as partner users (docs/architecture.md
#: §3.2 has a column for sending and for host organisations; funders have no portal).
INVITABLE_KINDS = PARTNER_KINDS


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail (case-insensitive, trimmed), or None."""
    return db.session.scalar(sa.select(User).where(User.email == clean_email(email)))


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


def volunteers_without_login(q: str, limit: int) -> list[Volunteer]:
    """Up to ``limit`` current volunteers with an e-mail address and no login yet, by name,
    whose name matches the search text ``q`` (all of them when ``q`` is empty)."""
    query = (
        sa.select(Volunteer)
        .where(Volunteer.user_id.is_(None), Volunteer.email.is_not(None),
               Volunteer.archived_at.is_(None), Volunteer.anonymised_at.is_(None))
        .order_by(Volunteer.search_key, Volunteer.id)
        .limit(limit)
    )
    if q:
        query = query.where(search_clause(Volunteer.search_key, q))
    return list(db.session.scalars(query))


def invitable_organisations() -> list[Any]:
    """``(id, name, kind)`` rows of the current organisations whose contacts may be invited
    (:data:`INVITABLE_KINDS`), by name."""
    return list(db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.archived_at.is_(None), Organisation.kind.in_(INVITABLE_KINDS))
        .order_by(Organisation.name)
    ).all())


def session_user(user_id: int, session_version: int) -> User | None:
    """The user with id ``user_id`` whose session version is still ``session_version`` (active
    or not: the loader decides), or None when there is none or the version moved on."""
    return db.session.scalar(
        sa.select(User).where(User.id == user_id, User.session_version == session_version)
    )


def volunteer(volunteer_id: int) -> Volunteer | None:
    """The volunteer with id ``volunteer_id`` (any state), or None."""
    return db.session.get(Volunteer, volunteer_id)


def organisation(organisation_id: int) -> Organisation | None:
    """The organisation with id ``organisation_id`` (any kind), or None."""
    return db.session.get(Organisation, organisation_id)


def invited_login(user_id: int) -> User | None:
    """The volunteer or partner login with id ``user_id`` (an invitation may be sent to it),
    or None: staff logins are never invited."""
    return db.session.scalar(
        sa.select(User).where(User.id == user_id, User.role.in_((Role.VOLUNTEER, Role.PARTNER)))
    )
