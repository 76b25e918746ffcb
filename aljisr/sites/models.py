"""Physical places where volunteers work: schools and socio-educational centres."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from aljisr.database import TimestampMixin, UTCDateTime, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l, in_language, in_language_sql
from aljisr.text import clean_text, search_key

if TYPE_CHECKING:
    from aljisr.organisations.models import Organisation
    from aljisr.projects.models import Project


class SiteKind(enum.StrEnum):
    PRIMARY_SCHOOL = "primary_school"
    HIGH_SCHOOL = "high_school"
    SCHOOL = "school"
    SOCIO_EDUCATIONAL_CENTRE = "socio_educational_centre"
    OTHER = "other"

    @property
    def title(self) -> str:
        return str(SITE_KIND_TITLES[self])


SITE_KIND_TITLES = {
    SiteKind.PRIMARY_SCHOOL: _l("Primary school"),
    SiteKind.HIGH_SCHOOL: _l("High school"),
    SiteKind.SCHOOL: _l("School"),
    SiteKind.SOCIO_EDUCATIONAL_CENTRE: _l("Socio-educational centre"),
    SiteKind.OTHER: _l("Other"),
}


#: The logistics a site keeps for the pre-arrival infosheet (all optional).
LOGISTICS_FIELDS = ("latitude", "longitude", "meeting_point", "transport_points",
                    "accommodation", "food", "host_contact", "local_emergency",
                    "code_of_conduct")


class Site(TimestampMixin, db.Model):
    """A site; it may belong to a host organisation (whose partner users then see it)."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As the association writes it: printed in English, and wherever no form for the
    #: language is given.
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The name in French and in Arabic, when it is written differently.
    name_fr: Mapped[str | None] = mapped_column(sa.String(200))
    name_ar: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[SiteKind] = mapped_column(enum_column(SiteKind, name="site_kind"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    address: Mapped[str | None] = mapped_column(sa.Text)
    city: Mapped[str | None] = mapped_column(sa.String(120))
    region: Mapped[str | None] = mapped_column(sa.String(120))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    # --- logistics, printed on the pre-arrival infosheet (aljisr/arrivals/infosheet.py) ---
    #: WGS 84 coordinates in decimal degrees, for the map link.
    latitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    meeting_point: Mapped[str | None] = mapped_column(sa.Text)
    #: The nearest airports and stations, one a line: the choices of a volunteer's arrival
    #: point (:attr:`transport_point_list`).
    transport_points: Mapped[str | None] = mapped_column(sa.Text)
    accommodation: Mapped[str | None] = mapped_column(sa.Text)
    food: Mapped[str | None] = mapped_column(sa.Text)
    #: The host's contact on site (name, phone), as volunteers should reach them.
    host_contact: Mapped[str | None] = mapped_column(sa.Text)
    #: Local emergency contacts (nearest hospital, doctor), besides the national numbers.
    local_emergency: Mapped[str | None] = mapped_column(sa.Text)
    #: The site's own code of conduct; empty: the association's standard one for schools.
    code_of_conduct: Mapped[str | None] = mapped_column(sa.Text)
    search_key: Mapped[str] = mapped_column(sa.String(600), default="", index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship(back_populates="sites")
    projects: Mapped[list[Project]] = relationship(back_populates="site")

    @validates("name", "name_fr", "name_ar", "city")
    def _clean(self, key: str, value: str | None) -> str | None:
        value = clean_text(value)
        parts = {"name": self.name, "city": self.city, "name_fr": self.name_fr,
                 "name_ar": self.name_ar}
        parts[key] = value
        self.search_key = search_key(*parts.values())
        return value

    @property
    def transport_point_list(self) -> list[str]:
        """The airports and stations, one per non-empty line of :attr:`transport_points`."""
        return [line.strip() for line in (self.transport_points or "").splitlines()
                if line.strip()]

    @property
    def map_url(self) -> str | None:
        """An OpenStreetMap link to the coordinates (zoom 17), or None without them."""
        if self.latitude is None or self.longitude is None:
            return None
        lat, lon = f"{self.latitude:.6f}", f"{self.longitude:.6f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"

    def name_in(self, language: str) -> str:
        """The name in ``language`` ("en", "fr", "ar"): its French or Arabic form when one
        is given, else :attr:`name`."""
        return in_language(language, self.name, fr=self.name_fr, ar=self.name_ar)

    @classmethod
    def name_sql(cls, language: str) -> Any:
        """:meth:`name_in` as an SQL expression, for queries that select names."""
        return in_language_sql(language, cls.name, fr=cls.name_fr, ar=cls.name_ar)

    def __repr__(self) -> str:
        return f"<Site {self.id} {self.name!r}>"
