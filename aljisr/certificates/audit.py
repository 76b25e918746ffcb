"""How certificate events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditWording, RecordWording, enum_titles, status_titles
from aljisr.certificates.forms import IssueForm
from aljisr.certificates.models import Certificate, CertificateKind, CertificateStatus
from aljisr.i18n import _l
from aljisr.templating import language_name

WORDING = AuditWording(
    actions={
        "certificate.issue": _l("Certificate issued"),
        "certificate.supersede": _l("Certificate superseded"),
        "certificate.revoke": _l("Certificate revoked"),
    },
    records=(
        RecordWording(
            table="certificates",
            label=_l("Certificate"),
            page=("certificates.detail", "certificate_id"),
            forms=(IssueForm,),
            values={
                **status_titles(CertificateStatus),
                "kind": enum_titles(CertificateKind),
                "language": language_name,
            },
            names=lambda: sa.select(Certificate.id, Certificate.serial),
        ),
    ),
    key_labels={"serial": _l("Serial number"), "replaces": _l("Replaces"), "by": _l("Replaced by")},
    # serial numbers link to the certificates list searched for them
    search_keys={key: "certificates.index" for key in ("serial", "replaces", "by")},
    boolean_keys=frozenset({"bilingual"}),
)
