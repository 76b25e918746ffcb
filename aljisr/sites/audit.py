"""How site events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditWording, RecordWording, enum_titles
from aljisr.i18n import _l
from aljisr.sites.forms import SiteForm
from aljisr.sites.models import Site, SiteKind

WORDING = AuditWording(
    actions={
        "site.create": _l("Site added"),
        "site.update": _l("Site updated"),
        "site.archive": _l("Site archived"),
        "site.unarchive": _l("Site restored"),
    },
    records=(
        RecordWording(
            table="sites",
            label=_l("Site"),
            page=("sites.detail", "site_id"),
            forms=(SiteForm,),
            values={"kind": enum_titles(SiteKind)},
            names=lambda: sa.select(Site.id, Site.name),
        ),
    ),
    key_labels={"site_id": _l("Site")},
    id_keys={"site_id": "sites"},
)
