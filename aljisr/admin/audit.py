"""The audit log page (admins and coordinators): who did what to which record, when and why.

Filters: subject (type and id), actor (name or e-mail), action (a prefix such as
``placement``, an exact ``placement.cancel``, or an action's title in the interface language,
"Cancelled"), date range in the association's time zone. Titles and details in words come
from :mod:`aljisr.admin.audit_display`, which reads what each area declares
(:func:`aljisr.audit.wording`).

A filter typed wrongly shows its message beside the field; the list is then not shown, so a
half-applied filter never passes for the whole answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from sqlalchemy.orm import joinedload
from wtforms import DateField, IntegerField, SearchField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from aljisr.admin.audit_display import (
    DetailLine,
    actions_titled,
    describe_details,
    record_names,
    record_url,
    subject_types,
)
from aljisr.admin.audit_display import action_title as _action_title
from aljisr.audit import AuditEvent
from aljisr.auth.models import User
from aljisr.database import INTEGER_MAX
from aljisr.dates import association_zone
from aljisr.extensions import db
from aljisr.formfields import FilterSelectField
from aljisr.forms import AppForm
from aljisr.i18n import _, _l
from aljisr.listing import paginate, parse_page
from aljisr.permissions import Permission, require
from aljisr.text import unstorable

bp = Blueprint("audit", __name__, url_prefix="/audit")


class AuditFilterForm(AppForm):
    """GET filters (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    subject_type = FilterSelectField(_l("Record type"), validators=[Optional()])
    subject_id = IntegerField(
        _l("Record number"),
        validators=[Optional(), NumberRange(min=1, message=_l("A record number is 1 or more.")),
                    NumberRange(max=INTEGER_MAX,
                                message=_l("No record has a number above %(max)s."))],
    )
    actor = SearchField(_l("Who (name or e-mail)"), validators=[Optional(), Length(max=200)])
    action = SearchField(
        _l("Action"),
        validators=[Optional(), Length(max=64)],
        render_kw={"list": "audit-actions", "autocomplete": "off"},
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject_type.choices = [("", _("Any"))] + [
            (key, str(title)) for key, title in subject_types().items()
        ]

    def validate_subject_id(self, field: Any) -> None:
        if field.data is not None and not self.subject_type.data:
            raise ValidationError(_("Choose the record type too."))

    def validate_date_to(self, field: Any) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_("“To” cannot be before “From”."))


@dataclass
class AuditFilters:
    subject_type: str | None = None
    subject_id: int | None = None
    actor: str | None = None
    action: str | None = None
    #: Codes whose title is the typed ``action`` (see :func:`actions_titled`).
    action_codes: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in the association's time zone."""
    return datetime.combine(day, time.min, tzinfo=association_zone()).astimezone(UTC)


def audit_query(filters: AuditFilters) -> sa.Select[Any]:
    """Audit events matching ``filters`` (no ORDER BY; see :func:`index`)."""
    query = sa.select(AuditEvent)
    if filters.subject_type:
        query = query.where(AuditEvent.subject_type == filters.subject_type)
    if filters.subject_id is not None:
        query = query.where(AuditEvent.subject_id == filters.subject_id)
    if unstorable(filters.actor) or unstorable(filters.action):
        return query.where(sa.false())  # text no record can hold (NUL...): no match
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


@bp.app_template_global()
def action_title(action: str) -> str:
    """A readable, translated name for an audit action code (the code itself when unknown)."""
    return _action_title(action)


@bp.app_template_global()
def audit_subject_url(event: AuditEvent) -> str | None:
    """The page of the event's record, when that kind of record has one and the viewer may
    open it."""
    return record_url(event.subject_type, event.subject_id)


@bp.app_template_global()
def audit_details(event: AuditEvent,
                  names: dict[tuple[str, int], str] | None = None) -> list[DetailLine]:
    """The event's details as translated, labelled lines (see :func:`describe_details`), ids
    read by the ``names`` of :func:`record_names`."""
    return describe_details(event.action, event.subject_type, event.details, names)


def _known_actions() -> list[tuple[str, str]]:
    """``(code, title)`` of the actions found in the log, by title (one query)."""
    codes = db.session.scalars(sa.select(AuditEvent.action).distinct())
    return sorted(((code, _action_title(code)) for code in codes),
                  key=lambda pair: (pair[1].casefold(), pair[0]))


@bp.route("/")
@require(Permission.VIEW_AUDIT_LOG)
def index() -> str:
    form = AuditFilterForm(request.args)
    page = None
    if form.validate():
        action = (form.action.data or "").strip() or None
        filters = AuditFilters(
            subject_type=form.subject_type.data or None,
            subject_id=form.subject_id.data,
            actor=(form.actor.data or "").strip() or None,
            action=action,
            action_codes=tuple(actions_titled(action or "")),
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        page = paginate(
            audit_query(filters),
            parse_page(request.args),
            order=(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()),
            options=(joinedload(AuditEvent.actor),),
        )
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        names=record_names(page.items) if page is not None else {},
        subject_types=subject_types(),
        known_actions=_known_actions(),
    )
