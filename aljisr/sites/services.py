"""Site register rules: create, edit, archive.

Plain functions; they raise :class:`~aljisr.errors.DomainError` naming the field at fault,
record every change with :func:`aljisr.audit.record`, flush but never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.database import assign, utcnow
from aljisr.errors import DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.i18n import _, ngettext
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.queries import ongoing_placements
from aljisr.projects.models import Project
from aljisr.sites.models import LOGISTICS_FIELDS, Site, SiteKind
from aljisr.text import clean_text

FIELDS = ("name", "name_fr", "name_ar", "kind", "organisation_id", "address", "city", "region",
          "notes", *LOGISTICS_FIELDS)


def _validate(values: Mapping[str, Any]) -> None:
    if "name" in values and not clean_text(values["name"]):
        raise DomainError(_("Give the site's name."), field="name")
    if "kind" in values and values["kind"] not in set(SiteKind):
        raise DomainError(_("Choose a kind."), field="kind")
    org_id = values.get("organisation_id")
    if org_id is not None:
        kind = db.session.scalar(sa.select(Organisation.kind).where(Organisation.id == org_id))
        if kind is not OrganisationKind.HOST:
            raise DomainError(_("Choose a host organisation."), field="organisation_id")


def _apply(site: Site, values: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in ("address", "region", "notes", *LOGISTICS_FIELDS) and (
                value is None or isinstance(value, str)):
            value = (value or "").strip() or None
        if assign(site, name, value):
            changed.append(name)
    return changed


def create_site(values: Mapping[str, Any], *, actor: Any) -> Site:
    """Register a site (``values``: see :data:`FIELDS`; ``organisation_id`` a host or None).

    :raises DomainError: a value breaks a rule (``field`` says which).
    """
    _validate(values)
    site = Site()
    _apply(site, values)
    db.session.add(site)
    db.session.flush()
    audit.record(actor, "site.create", site)
    return site


def update_site(site: Site, values: Mapping[str, Any], *, actor: Any) -> list[str]:
    """Change a site. :returns: the names of the fields that changed.

    :raises DomainError: a value breaks a rule (``field`` says which).
    """
    _validate(values)
    changed = _apply(site, values)
    if changed:
        db.session.flush()
        audit.record(actor, "site.update", site, details={"changed": changed})
    return changed


def archive_site(site: Site, *, actor: Any) -> None:
    """Archive: the site leaves lists and choices and stays viewable with its projects.

    :raises NotAllowed: already archived, or a placement on one of its projects is proposed,
        confirmed or active.
    """
    if site.archived_at is not None:
        raise NotAllowed(_("This site is already archived."))
    ongoing = ongoing_placements(Project.site_id == site.id)
    if ongoing:
        raise NotAllowed(ngettext(
            "A project at this site has %(num)d placement still proposed, confirmed or "
            "active: complete, withdraw or cancel it first.",
            "Projects at this site have %(num)d placements still proposed, confirmed or "
            "active: complete, withdraw or cancel them first.",
            ongoing,
        ))
    site.archived_at = utcnow()
    db.session.flush()
    audit.record(actor, "site.archive", site)


def unarchive_site(site: Site, *, actor: Any) -> None:
    """:raises NotAllowed: not archived."""
    if site.archived_at is None:
        raise NotAllowed(_("This site is not archived."))
    site.archived_at = None
    db.session.flush()
    audit.record(actor, "site.unarchive", site)
