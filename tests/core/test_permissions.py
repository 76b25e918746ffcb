"""Every endpoint declares a permission; roles hold what docs/architecture.md §3.1 says."""

from __future__ import annotations

import pytest

from aljisr.permissions import ROLE_PERMISSIONS, Permission, Role, declared_permission


def test_every_endpoint_declares_a_permission(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if declared_permission(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


@pytest.mark.own_app
def test_a_view_without_permission_is_caught(app):
    @app.route("/undeclared-for-test")
    def undeclared() -> str:
        return "x"

    assert declared_permission(app.view_functions["undeclared"]) is None


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.PARTNER])
def test_non_staff_hold_no_staff_permission(role):
    staff_only = {
        Permission.MANAGE_REGISTERS,
        Permission.MANAGE_PLACEMENTS,
        Permission.REVIEW_HOURS,
        Permission.ISSUE_CERTIFICATES,
        Permission.VIEW_AUDIT_LOG,
        Permission.MANAGE_USERS,
    }
    assert not (ROLE_PERMISSIONS[role] & staff_only)


def test_only_admins_manage_users():
    holders = {r for r, perms in ROLE_PERMISSIONS.items() if Permission.MANAGE_USERS in perms}
    assert holders == {Role.ADMIN}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 200), ("coordinator", 403), ("volunteer", 403), ("sending", 403), ("host", 403)],
)
def test_user_management_is_for_admins(as_role, role, expected):
    client, _user = as_role(role)
    assert client.get("/admin/users").status_code == expected


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
