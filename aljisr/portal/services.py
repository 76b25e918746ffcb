"""The volunteer portal's one write of its own: the volunteer's own profile.

The portal's reads are in :mod:`aljisr.portal.queries`, the data export in
:mod:`aljisr.portal.data_export`. Hours are logged and withdrawn through
:mod:`aljisr.hours.services` (same rules as for coordinators); nothing here repeats them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aljisr.auth.models import User
from aljisr.volunteers.models import Volunteer
from aljisr.volunteers.services import update_volunteer

#: What a volunteer may change about themselves (plus nothing else, whatever is posted).
PROFILE_FIELDS = (
    "phone", "emergency_contact_name", "emergency_contact_phone", "dietary_notes", "skills",
    "languages",
)


def update_own_profile(
    volunteer: Volunteer, values: Mapping[str, Any], *, actor: User
) -> list[str]:
    """Change the parts of their profile a volunteer may change (:data:`PROFILE_FIELDS`).

    Any other key in ``values`` (status, sending organisation, name, e-mail, health notes...)
    is ignored. Validation and the audit record are the register's
    (:func:`aljisr.volunteers.services.update_volunteer`).

    :returns: the names of the fields that changed.
    :raises DomainError: a value breaks a rule (``field`` says which).
    """
    allowed = {key: values[key] for key in PROFILE_FIELDS if key in values}
    return update_volunteer(volunteer, allowed, actor=actor)


__all__ = [
    "PROFILE_FIELDS",
    "update_own_profile",
]
