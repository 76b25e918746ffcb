"""Certificates: recognition documents with a serial, a public code and a frozen snapshot."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import TimestampMixin, UTCDateTime, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l

if TYPE_CHECKING:
    from aljisr.auth.models import User
    from aljisr.placements.models import Placement
    from aljisr.volunteers.models import Volunteer


class CertificateKind(enum.StrEnum):
    HOURS = "hours"
    PARTICIPATION = "participation"

    @property
    def title(self) -> str:
        return str({"hours": _l("Hours"), "participation": _l("Participation")}[self.value])


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"

    @property
    def title(self) -> str:
        return str(
            {
                "valid": _l("Valid"),
                "superseded": _l("Superseded"),
                "revoked": _l("Revoked"),
            }[self.value]
        )


class Certificate(TimestampMixin, db.Model):
    """An issued certificate. ``snapshot`` (JSON) is what was certified, frozen at issue."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``AJ-<year>-<sequence>``, e.g. AJ-2026-0042.
    serial: Mapped[str] = mapped_column(sa.String(32), unique=True)
    year: Mapped[int]
    sequence: Mapped[int]
    #: Unguessable public code used in /verify/<code>.
    verification_code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[CertificateKind] = mapped_column(
        enum_column(CertificateKind, name="certificate_kind")
    )
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus, name="certificate_status"),
        default=CertificateStatus.VALID,
        index=True,
    )
    language: Mapped[str] = mapped_column(sa.String(8))
    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="RESTRICT"), index=True
    )
    placement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("placements.id", ondelete="RESTRICT"), index=True
    )
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    issue_date: Mapped[date]
    superseded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certificates.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    volunteer: Mapped[Volunteer] = relationship()
    placement: Mapped[Placement | None] = relationship()
    issued_by: Mapped[User | None] = relationship()
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id])

    __table_args__ = (
        sa.UniqueConstraint("year", "sequence", name="uq_certificates_year_sequence"),
    )

    def __repr__(self) -> str:
        return f"<Certificate {self.serial} {self.status.value}>"
