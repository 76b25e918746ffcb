"""Roles, the permissions each role holds, and the ``require`` decorator
(docs/architecture.md §3.1).

Every view declares exactly one permission with :func:`require` (or :func:`public` for pages
without login). ``tests/core/test_permissions.py`` walks ``app.url_map`` and fails on any endpoint
that declares none. Object-level checks are not done here: queries are scoped in
``scoping.py`` helpers of each domain so that a record outside the caller's scope is a 404.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from aljisr.i18n import _l

F = TypeVar("F", bound=Callable[..., Any])


class Role(enum.StrEnum):
    """What a user is. A partner user belongs to one organisation, whose kind sets their view."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
    PARTNER = "partner"

    @property
    def title(self) -> str:
        return str(ROLE_TITLES[self])


ROLE_TITLES = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.PARTNER: _l("Partner organisation"),
}


class Permission(enum.StrEnum):
    """Named permissions. Views require one; roles hold a set of them."""

    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed_in"  # any signed-in user (own account, language, landing page)
    MANAGE_USERS = "manage_users"
    MANAGE_REGISTERS = "manage_registers"  # volunteers, organisations, sites, projects
    MANAGE_PLACEMENTS = "manage_placements"
    REVIEW_HOURS = "review_hours"
    ISSUE_CERTIFICATES = "issue_certificates"
    VIEW_REPORTS_ALL = "view_reports_all"  # any organisation, association-wide reports
    VIEW_ORGANISATION_REPORTS = "view_organisation_reports"  # staff: any; partners: their own
    VIEW_AUDIT_LOG = "view_audit_log"
    PUBLISH_TESTIMONIALS = "publish_testimonials"  # publish or decline volunteers' testimonials
    READ_OUTBOX = "read_outbox"
    READ_BACKUPS = "read_backups"  # the backup runs' times, sizes and results
    VOLUNTEER_PORTAL = "volunteer_portal"  # own placements, own hours, own certificates
    PARTNER_PORTAL = "partner_portal"  # own organisation's volunteers and reports
    HOST_HOURS = "host_hours"  # confirm or query hours at own sites (host organisations)
    SEND_VOLUNTEERS = "send_volunteers"  # send a volunteer list (sending organisations)
    #: the arrivals and departures board and infosheets (staff; host organisations: their sites)
    ARRIVALS_BOARD = "arrivals_board"


_COORDINATOR = {
    Permission.MANAGE_REGISTERS,
    Permission.MANAGE_PLACEMENTS,
    Permission.REVIEW_HOURS,
    Permission.ISSUE_CERTIFICATES,
    Permission.VIEW_REPORTS_ALL,
    Permission.VIEW_ORGANISATION_REPORTS,
    Permission.VIEW_AUDIT_LOG,
    Permission.ARRIVALS_BOARD,
    Permission.PUBLISH_TESTIMONIALS,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        _COORDINATOR
        | {Permission.MANAGE_USERS, Permission.READ_OUTBOX, Permission.READ_BACKUPS}
    ),
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.VOLUNTEER: frozenset({Permission.VOLUNTEER_PORTAL}),
    Role.PARTNER: frozenset(
        {Permission.PARTNER_PORTAL, Permission.HOST_HOURS, Permission.SEND_VOLUNTEERS,
         Permission.VIEW_ORGANISATION_REPORTS, Permission.ARRIVALS_BOARD}
    ),
}


def has_permission(user: Any, permission: Permission) -> bool:
    """Return whether ``user`` (a User or Flask-Login's anonymous user) holds ``permission``."""
    if permission is Permission.PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if permission is Permission.SIGNED_IN:
        return True
    if (permission in (Permission.HOST_HOURS, Permission.ARRIVALS_BOARD)
            and user.role is Role.PARTNER and not user.is_host_partner):
        return False
    if permission is Permission.SEND_VOLUNTEERS and not user.is_sending_partner:
        return False
    return permission in ROLE_PERMISSIONS[user.role]


def require(permission: Permission) -> Callable[[F], F]:
    """Decorate a view so that it needs ``permission``.

    Anonymous users are sent to the login page (via Flask-Login); signed-in users without the
    permission get 403.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if permission is not Permission.PUBLIC and not current_user.is_authenticated:
                from aljisr.extensions import login_manager

                return login_manager.unauthorized()
            if not has_permission(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Declare a view open to everyone (no login)."""
    return require(Permission.PUBLIC)(view)


def declared_permission(view: Callable[..., Any]) -> Permission | None:
    """Return the permission a view function declared, or None."""
    return getattr(view, "required_permission", None)
