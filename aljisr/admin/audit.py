"""The audit log page (admins and coordinators): who did what to which record, when and why.

Filters: subject (type and id), actor (name or e-mail), action (a prefix such as
``placement`` or an exact ``placement.cancel``), date range in the association's time zone.
A filter typed wrongly shows its message beside the field; the list is then not shown, so a
half-applied filter never passes for the whole answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from wtforms import DateField, IntegerField, SearchField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from aljisr.audit import AuditEvent
from aljisr.auth.models import User
from aljisr.dates import association_zone
from aljisr.extensions import db
from aljisr.formfields import FilterSelectField
from aljisr.i18n import _, _l
from aljisr.listing import paginate, parse_page
from aljisr.permissions import Permission, require

bp = Blueprint("audit", __name__, url_prefix="/audit")

#: Record types found in the log (``AuditEvent.subject_type`` is the table name).
SUBJECT_TYPES = {
    "placements": _l("Placement"),
    "volunteers": _l("Volunteer"),
    "projects": _l("Project"),
    "organisations": _l("Organisation"),
    "sites": _l("Site"),
    "hours_entries": _l("Hours entry"),
    "certificates": _l("Certificate"),
    "users": _l("User"),
}

#: Detail page of each record type: (endpoint, name of its id argument).
SUBJECT_ENDPOINTS = {
    "placements": ("placements.detail", "placement_id"),
    "volunteers": ("volunteers.detail", "volunteer_id"),
    "projects": ("projects.detail", "project_id"),
    "organisations": ("organisations.detail", "organisation_id"),
    "sites": ("sites.detail", "site_id"),
    "certificates": ("certificates.detail", "certificate_id"),
}

#: Readable names of actions; others are shown as their code.
ACTION_TITLES = {
    "placement.propose": _l("Proposed"),
    "placement.confirm": _l("Confirmed"),
    "placement.start": _l("Started"),
    "placement.complete": _l("Completed"),
    "placement.cancel": _l("Cancelled"),
    "placement.withdraw": _l("Withdrawn"),
    "placement.change_dates": _l("Dates changed"),
    "placement.override_overlap": _l("Overlap allowed"),
}


class AuditFilterForm(FlaskForm):
    """GET filters (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    subject_type = FilterSelectField(_l("Record type"), validators=[Optional()])
    subject_id = IntegerField(
        _l("Record number"),
        validators=[Optional(), NumberRange(min=1, message=_l("A record number is 1 or more."))],
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
            (key, str(title)) for key, title in SUBJECT_TYPES.items()
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
    """A readable name for an audit action code (the code itself when unknown)."""
    title = ACTION_TITLES.get(action)
    return str(title) if title else action


@bp.app_template_global()
def audit_subject_url(event: AuditEvent) -> str | None:
    """The detail page of the event's record, when that kind of record has one."""
    from aljisr.placements.views import optional_url

    target = SUBJECT_ENDPOINTS.get(event.subject_type)
    if target is None or event.subject_id is None:
        return None
    endpoint, arg = target
    return optional_url(endpoint, **{arg: event.subject_id})


def _known_actions() -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


@bp.route("/")
@require(Permission.VIEW_AUDIT_LOG)
def index() -> str:
    form = AuditFilterForm(request.args)
    page = None
    if form.validate():
        filters = AuditFilters(
            subject_type=form.subject_type.data or None,
            subject_id=form.subject_id.data,
            actor=(form.actor.data or "").strip() or None,
            action=(form.action.data or "").strip() or None,
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
        subject_types=SUBJECT_TYPES,
        known_actions=_known_actions(),
    )
