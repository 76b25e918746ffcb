"""Organisations: sending organisations, host organisations and funders."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from aljisr.database import TimestampMixin, UTCDateTime, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l
from aljisr.text import clean_email, clean_text, search_key

if TYPE_CHECKING:
    from aljisr.auth.models import User
    from aljisr.sites.models import Site
    from aljisr.volunteers.models import Volunteer


class OrganisationKind(enum.StrEnum):
    """Sending (abroad), host (receives volunteers), funder (finances or supports projects):
    docs/architecture.md §1. Sending and host organisations have partner logins; funders do
    not."""

    SENDING = "sending"
    HOST = "host"
    FUNDER = "funder"

    @property
    def title(self) -> str:
        return str(
            {
                "sending": _l("Sending organisation"),
                "host": _l("Host organisation"),
                "funder": _l("Funder"),
            }[self.value]
        )


#: Kinds whose contacts have partner logins (docs/architecture.md §3.1): funders have none.
PARTNER_KINDS = (OrganisationKind.SENDING, OrganisationKind.HOST)


class Organisation(TimestampMixin, db.Model):
    """A sending or host organisation, or a funder. Archived, never deleted, once anything
    refers to it."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, name="organisation_kind"), index=True
    )
    #: ISO 3166-1 alpha-2 country code.
    country: Mapped[str | None] = mapped_column(sa.String(2))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    address: Mapped[str | None] = mapped_column(sa.Text)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    search_key: Mapped[str] = mapped_column(sa.String(600), default="", index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    users: Mapped[list[User]] = relationship(back_populates="organisation")
    sites: Mapped[list[Site]] = relationship(back_populates="organisation")
    volunteers_sent: Mapped[list[Volunteer]] = relationship(back_populates="sending_organisation")

    @validates("name", "city", "contact_name")
    def _clean(self, key: str, value: str | None) -> str | None:
        value = clean_text(value)
        if key == "name":
            self.search_key = search_key(value, self.city)
        elif key == "city":
            self.search_key = search_key(self.name, value)
        return value

    @validates("email")
    def _clean_email(self, _key: str, value: str | None) -> str | None:
        return clean_email(value)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind.value} {self.name!r}>"
