"""Reads for notifications: who to write to, opt-outs, reminder markers, the admin outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.notifications.models import NotificationOptOut, OutboxMessage
from aljisr.organisations.models import Organisation
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project

#: Placements that still happen: those whose arrival is reminded.
REMINDED_STATUSES = (PlacementStatus.CONFIRMED,)


def partner_logins(organisation_id: int | None) -> Sequence[User]:
    """The active partner logins of an organisation (its contacts), by id; none for None."""
    if organisation_id is None:
        return []
    return db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation_id,
                              User.role == Role.PARTNER, User.active.is_(True))
        .order_by(User.id)
    ).all()


def organisation(organisation_id: int | None) -> Organisation | None:
    """The organisation with this id, or None."""
    return db.session.get(Organisation, organisation_id) if organisation_id else None


def is_opted_out(email: str, kind: str) -> bool:
    """Whether ``email`` (any case) turned off notifications of ``kind``."""
    return db.session.get(NotificationOptOut, (email.strip().lower(), kind)) is not None


def already_written(dedup_key: str) -> bool:
    """Whether a message with this unique marker is already in the outbox."""
    return db.session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)
    ) is not None


def placements_starting_between(first: date, last: date) -> Sequence[Placement]:
    """Confirmed placements whose first day falls in ``first``..``last`` (inclusive), with
    their volunteer, project and site loaded, by first day."""
    return db.session.scalars(
        sa.select(Placement)
        .where(Placement.status.in_(REMINDED_STATUSES),
               Placement.start_date >= first, Placement.start_date <= last)
        .options(selectinload(Placement.volunteer),
                 selectinload(Placement.project).selectinload(Project.site))
        .order_by(Placement.start_date, Placement.id)
    ).all()


def outbox_page(limit: int = 200) -> Sequence[OutboxMessage]:
    """The newest ``limit`` outbox messages, newest first, with their attachments."""
    return db.session.scalars(
        sa.select(OutboxMessage).options(selectinload(OutboxMessage.attachments))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ).all()


def outbox_counts() -> dict[str, int]:
    """How many messages are in each status (``{"queued": 3, …}``)."""
    return {
        str(status): count
        for status, count in db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        )
    }
