"""How events of logins (users) read in the audit log (see :mod:`aljisr.audit`): signing in,
invitations and passwords, and the administrators' changes to a login."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.admin.forms import EditUserForm, UserForm
from aljisr.audit import AuditWording, RecordWording, enum_titles
from aljisr.auth.models import User
from aljisr.i18n import _l
from aljisr.permissions import Role

WORDING = AuditWording(
    actions={
        "user.create": _l("User created"),
        "user.update": _l("User updated"),
        "user.invite": _l("Invitation sent"),
        "auth.invitation_accept": _l("Invitation accepted"),
        "auth.login": _l("Signed in"),
        "auth.password_reset_request": _l("Password reset link sent"),
        "auth.password_reset": _l("Password reset"),
        "auth.password_change": _l("Password changed"),
    },
    records=(
        RecordWording(
            table="users",
            label=_l("User"),
            page=("admin.edit_user", "user_id"),
            forms=(UserForm, EditUserForm),
            form_aliases={"organisation_id": "organisation"},
            values={"role": enum_titles(Role)},
            names=lambda: sa.select(User.id, User.display_name),
        ),
    ),
    key_labels={"role": _l("Role"), "display_name": _l("Name")},
    boolean_keys=frozenset({"active"}),
    change_pairs={"user.update": None},
)
