"""The audit log page (admins and coordinators): who did what to which record, when and why.

Filters: subject (type and id), actor (name or e-mail), action (a prefix such as
``placement``, an exact ``placement.cancel``, or an action's title in the interface language,
"Cancelled"), date range in the association's time zone. The form is
:class:`aljisr.admin.forms.AuditFilterForm`, the reads are in :mod:`aljisr.admin.queries`,
and titles and details in words come from :mod:`aljisr.admin.audit_display`, which reads
what each area declares (:func:`aljisr.audit.wording`).

A filter typed wrongly shows its message beside the field; the list is then not shown, so a
half-applied filter never passes for the whole answer.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy.orm import joinedload

from aljisr.admin import queries
from aljisr.admin.audit_display import action_title, actions_titled, subject_types
from aljisr.admin.forms import AuditFilterForm
from aljisr.audit import AuditEvent
from aljisr.listing import paginate, parse_page
from aljisr.permissions import Permission, require

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _known_actions() -> list[tuple[str, str]]:
    """``(code, title)`` of the actions found in the log, by title (one query)."""
    return sorted(((code, action_title(code)) for code in queries.audit_action_codes()),
                  key=lambda pair: (pair[1].casefold(), pair[0]))


@bp.route("/")
@require(Permission.VIEW_AUDIT_LOG)
def index() -> str:
    form = AuditFilterForm(request.args)
    page = None
    if form.validate():
        action = (form.action.data or "").strip() or None
        filters = queries.AuditFilters(
            subject_type=form.subject_type.data or None,
            subject_id=form.subject_id.data,
            actor=(form.actor.data or "").strip() or None,
            action=action,
            action_codes=tuple(actions_titled(action or "")),
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
        page = paginate(
            queries.audit_events(filters),
            parse_page(request.args),
            order=(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()),
            options=(joinedload(AuditEvent.actor),),
            capped=True,  # the log only grows (docs/architecture.md §6.25)
        )
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        names=queries.record_names(page.items) if page is not None else {},
        subject_types=subject_types(),
        known_actions=_known_actions(),
    )
