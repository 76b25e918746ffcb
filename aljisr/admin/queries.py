"""Reads of the admin area: users, the organisations a partner user may belong to, the
outbox, and the audit log's events (filtered in SQL)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from aljisr.admin.audit_display import detail_ids
from aljisr.audit import AuditEvent, wording
from aljisr.auth.models import User
from aljisr.dates import association_zone
from aljisr.extensions import db
from aljisr.organisations.models import PARTNER_KINDS, Organisation
from aljisr.text import unstorable


def users() -> list[User]:
    """Every user, by role then e-mail, each with its organisation loaded (one query)."""
    return list(db.session.scalars(
        sa.select(User).options(joinedload(User.organisation)).order_by(User.role, User.email)
    ).all())


def user(user_id: int) -> User | None:
    """The user with id ``user_id`` (any role, active or not), or None."""
    return db.session.get(User, user_id)


def partner_organisation_rows() -> list[Any]:
    """``(id, name)`` rows of the current sending and host organisations (those a partner user
    may belong to), by name."""
    return list(db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.archived_at.is_(None), Organisation.kind.in_(PARTNER_KINDS))
        .order_by(Organisation.name)
    ).all())


# --- the audit log ----------------------------------------------------------------------------

@dataclass
class AuditFilters:
    """What the audit log page was asked for; a None or empty value filters nothing."""

    subject_type: str | None = None
    subject_id: int | None = None
    #: Part of the actor's e-mail or name (case-insensitive).
    actor: str | None = None
    #: An action code, a prefix of codes (``placement``), or typed text matched by title.
    action: str | None = None
    #: Codes whose title is the typed ``action``
    #: (:func:`aljisr.admin.audit_display.actions_titled`).
    action_codes: tuple[str, ...] = ()
    #: Inclusive days in the association's time zone.
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in the association's time zone."""
    return datetime.combine(day, time.min, tzinfo=association_zone()).astimezone(UTC)


def audit_events(filters: AuditFilters) -> sa.Select[Any]:
    """A ``SELECT`` of the audit events matching ``filters``, without ORDER BY (the page
    paginates it newest first). Text no record can hold (a NUL...) matches nothing."""
    query = sa.select(AuditEvent)
    if filters.subject_type:
        query = query.where(AuditEvent.subject_type == filters.subject_type)
    if filters.subject_id is not None:
        query = query.where(AuditEvent.subject_id == filters.subject_id)
    if unstorable(filters.actor) or unstorable(filters.action):
        return query.where(sa.false())
    if filters.actor:
        text = filters.actor.strip()
        folded = text.lower()
        query = query.where(
            AuditEvent.actor_id.in_(
                sa.select(User.id).where(
                    sa.or_(
                        User.email.contains(folded, autoescape=True),
                        sa.func.lower(User.display_name).contains(folded, autoescape=True),
                        User.display_name.contains(text, autoescape=True),
                    )
                )
            )
        )
    if filters.action:
        action = filters.action.strip()
        query = query.where(
            sa.or_(
                AuditEvent.action == action,
                AuditEvent.action.startswith(action.rstrip(".") + ".", autoescape=True),
                *([AuditEvent.action.in_(filters.action_codes)] if filters.action_codes else []),
            )
        )
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= _local_midnight_utc(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + timedelta(days=1)
        query = query.where(AuditEvent.occurred_at < _local_midnight_utc(next_day))
    return query


def audit_action_codes() -> list[str]:
    """The distinct action codes found in the audit log, in no particular order (one query)."""
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct()))


def record_names(events: Iterable[Any]) -> dict[tuple[str, int], str]:
    """``{(subject_type, id): what the record is called}`` for the events' records, so the
    log reads "Volunteer: Léa Fontaine" instead of "Volunteer 44", with the records their
    details name by id too (:func:`~aljisr.admin.audit_display.detail_ids`). One query (a
    UNION of one SELECT per record type present, each declared by the type's area as
    :attr:`aljisr.audit.RecordWording.names`), whatever the number of events; records deleted
    since, and types whose area names none, are simply absent."""
    ids: dict[str, set[int]] = {}
    for event in events:
        if event.subject_type and event.subject_id is not None:
            ids.setdefault(event.subject_type, set()).add(event.subject_id)
        for kind, number in detail_ids(event.details):
            ids.setdefault(kind, set()).add(number)
    records = wording().records
    label = sa.String()
    selects = []
    for kind, wanted in ids.items():
        record = records.get(kind)
        if record is None or record.names is None:
            continue
        named = record.names()
        id_column, name = named.selected_columns
        selects.append(
            named.with_only_columns(sa.literal(kind, label), id_column,
                                    sa.type_coerce(name, label), maintain_column_froms=True)
            .where(id_column.in_(wanted))
        )
    if not selects:
        return {}
    rows = db.session.execute(sa.union_all(*selects)).all()
    return {(kind, int(record_id)): str(name) for kind, record_id, name in rows}
