"""Organisation register rules: create, edit, archive.

Plain functions; they raise :class:`~aljisr.errors.DomainError` naming the field at fault,
record every change with :func:`aljisr.audit.record`, flush but never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.database import assign, utcnow
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.formfields import is_country
from aljisr.i18n import _, ngettext
from aljisr.organisations import queries
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.models import Placement
from aljisr.placements.queries import ongoing_placements
from aljisr.projects.models import Project
from aljisr.sites.models import Site
from aljisr.text import clean_text, search_key
from aljisr.volunteers.models import Volunteer

FIELDS = ("name", "kind", "country", "city", "address", "email", "phone", "website",
          "contact_name", "notes")


def _validate(values: Mapping[str, Any]) -> None:
    if "name" in values and not clean_text(values["name"]):
        raise DomainError(_("Give the organisation's name."), field="name")
    if "kind" in values and values["kind"] not in set(OrganisationKind):
        raise DomainError(_("Choose a kind."), field="kind")
    country = values.get("country")
    if country and not is_country(country):
        raise DomainError(_("Choose a country from the list."), field="country")


def _role_in_use(organisation: Organisation) -> str | None:
    """A sentence saying why the organisation's kind cannot change, or None."""
    if organisation.id is None:
        return None
    checks = {
        OrganisationKind.SENDING: (
            sa.select(sa.func.count()).select_from(Volunteer)
            .where(Volunteer.sending_organisation_id == organisation.id),
            _("It has sent volunteers; it must stay a sending organisation."),
        ),
        OrganisationKind.HOST: (
            sa.select(sa.func.count()).select_from(Site)
            .where(Site.organisation_id == organisation.id),
            _("Sites belong to it; it must stay a host organisation."),
        ),
        OrganisationKind.FUNDER: (
            sa.select(sa.func.count()).select_from(Project)
            .where(Project.funder_id == organisation.id),
            _("It funds projects; it must stay a funder."),
        ),
    }
    stmt, message = checks[organisation.kind]
    return message if db.session.scalar(stmt) else None


def _apply(organisation: Organisation, values: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in FIELDS:
        if name in values and assign(organisation, name, values[name]):
            changed.append(name)
    return changed


class SameNameSuspected(Conflict):
    """Saving was stopped because organisations with the same name (case, accents and spaces
    aside) are registered (``organisations``); the caller may save again with
    ``confirm_same_name=True`` (two schools may share a name in different towns)."""

    def __init__(self, organisations: list[Organisation]) -> None:
        self.organisations = organisations
        super().__init__(
            _("An organisation with this name is already registered. Check that this is a "
              "different one, then tick “Save anyway”."),
            field="confirm_same_name",
        )


def _check_same_name(name: str | None, exclude_id: int | None, confirm: bool) -> None:
    found = queries.same_name(name, exclude_id=exclude_id)
    if found and not confirm:
        raise SameNameSuspected(found)


def create_organisation(values: Mapping[str, Any], *, actor: Any,
                        confirm_same_name: bool = False) -> Organisation:
    """Register an organisation (``values``: see :data:`FIELDS`).

    :param confirm_same_name: the user has seen the organisations of the same name and saves
        anyway.
    :raises SameNameSuspected: one of the same name exists and ``confirm_same_name`` is False
        (as a volunteer's likely duplicates, docs/architecture.md §6.13).
    :raises DomainError: a value breaks a rule (``field`` says which).
    """
    _validate(values)
    _check_same_name(values.get("name"), None, confirm_same_name)
    organisation = Organisation()
    _apply(organisation, values)
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor, "organisation.create", organisation)
    return organisation


def update_organisation(organisation: Organisation, values: Mapping[str, Any], *,
                        actor: Any, confirm_same_name: bool = False) -> list[str]:
    """Change an organisation. Its kind cannot change while it plays that role (volunteers
    sent, sites, projects funded).

    :returns: names of the fields that changed.
    :raises SameNameSuspected: renamed to the name of another organisation (see
        :func:`create_organisation`) and ``confirm_same_name`` is False.
    :raises DomainError: a value breaks a rule (``field`` says which).
    """
    _validate(values)
    if "name" in values and search_key(values["name"]) != search_key(organisation.name):
        _check_same_name(values["name"], organisation.id, confirm_same_name)
    if "kind" in values and values["kind"] != organisation.kind:
        reason = _role_in_use(organisation)
        if reason:
            raise NotAllowed(reason, field="kind")
    changed = _apply(organisation, values)
    if changed:
        db.session.flush()
        audit.record(actor, "organisation.update", organisation, details={"changed": changed})
    return changed


def archive_organisation(organisation: Organisation, *, actor: Any) -> None:
    """Archive: it leaves lists and choices, stays viewable; nothing else changes.

    :raises NotAllowed: already archived, or a placement it takes part in (its volunteer's,
        at its site, or on a project it funds) is proposed, confirmed or active: the
        organisation would leave the filters while its volunteers are still expected.
    """
    if organisation.archived_at is not None:
        raise NotAllowed(_("This organisation is already archived."))
    ongoing = ongoing_placements(sa.or_(
        Placement.volunteer_id.in_(
            sa.select(Volunteer.id).where(Volunteer.sending_organisation_id == organisation.id)),
        Project.site_id.in_(sa.select(Site.id).where(Site.organisation_id == organisation.id)),
        Project.funder_id == organisation.id,
    ))
    if ongoing:
        raise NotAllowed(ngettext(
            "This organisation takes part in %(num)d placement still proposed, confirmed or "
            "active: complete, withdraw or cancel it first.",
            "This organisation takes part in %(num)d placements still proposed, confirmed or "
            "active: complete, withdraw or cancel them first.",
            ongoing,
        ))
    organisation.archived_at = utcnow()
    db.session.flush()
    audit.record(actor, "organisation.archive", organisation)


def unarchive_organisation(organisation: Organisation, *, actor: Any) -> None:
    """:raises NotAllowed: not archived."""
    if organisation.archived_at is None:
        raise NotAllowed(_("This organisation is not archived."))
    organisation.archived_at = None
    db.session.flush()
    audit.record(actor, "organisation.unarchive", organisation)
