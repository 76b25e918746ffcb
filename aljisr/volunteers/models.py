"""Volunteers: people who give time, with languages, skills, interests and availability."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from aljisr.database import TimestampMixin, UTCDateTime, enum_column, postgresql_only
from aljisr.extensions import db
from aljisr.i18n import _l
from aljisr.text import clean_email, clean_text, search_key

if TYPE_CHECKING:
    from aljisr.auth.models import User
    from aljisr.organisations.models import Organisation
    from aljisr.placements.models import Placement


class LanguageLevel(enum.StrEnum):
    """Common European Framework of Reference (CEFR) levels, plus native."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    NATIVE = "native"

    @property
    def rank(self) -> int:
        """0 (A1) to 6 (native), for comparisons."""
        return list(LanguageLevel).index(self)

    @property
    def title(self) -> str:
        return str(_l("Native")) if self is LanguageLevel.NATIVE else self.value


#: From this level on, a language counts as usable for work (CEFR "independent user").
USABLE_LEVEL = LanguageLevel.B1


class VolunteerStatus(enum.StrEnum):
    APPLICANT = "applicant"
    ACTIVE = "active"
    ARCHIVED = "archived"

    @property
    def title(self) -> str:
        return str(
            {"applicant": _l("Applicant"), "active": _l("Active"), "archived": _l("Archived")}[
                self.value
            ]
        )


class VolunteerLanguage(db.Model):
    """A language a volunteer speaks (ISO 639-1 code) with a CEFR level."""

    __tablename__ = "volunteer_languages"

    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    level: Mapped[LanguageLevel] = mapped_column(enum_column(LanguageLevel, name="language_level"))


class PersonNamesMixin:
    """Names and e-mail address of a person, cleaned as they are set, with the ``search_key``
    they make (docs/architecture.md §2.7): a volunteer, and an application before it becomes
    one. The class that uses it maps ``full_name``, ``name_ar``, ``email`` and ``search_key``.
    """

    if TYPE_CHECKING:  # mapped by the class that uses the mixin
        full_name: str
        name_ar: str | None
        email: str | None
        search_key: str

    @validates("full_name", "name_ar")
    def _clean_name(self, key: str, value: str | None) -> str | None:
        value = clean_text(value)
        names = {"full_name": self.full_name, "name_ar": self.name_ar, key: value}
        self.search_key = search_key(names["full_name"], names["name_ar"], self.email)
        return value

    @validates("email")
    def _clean_email(self, _key: str, value: str | None) -> str | None:
        value = clean_email(value)
        self.search_key = search_key(self.full_name, self.name_ar, value)
        return value


class Volunteer(PersonNamesMixin, TimestampMixin, db.Model):
    """A volunteer's profile. ``full_name`` is free Unicode as the person writes it (NFC)."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: The name in Arabic script, optional (for Arabic certificates).
    name_ar: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    date_of_birth: Mapped[date | None] = mapped_column(index=True)
    #: ISO 3166-1 alpha-2.
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    #: "female", "male" or "other" as the volunteer gives it (None: not given); the season
    #: planner balances women and men where a project asks.
    gender: Mapped[str | None] = mapped_column(sa.String(16))
    #: A key shared by volunteers who applied together (the planner places them together).
    application_group: Mapped[str | None] = mapped_column(sa.String(60))
    sending_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[VolunteerStatus] = mapped_column(
        enum_column(VolunteerStatus, name="volunteer_status"),
        default=VolunteerStatus.APPLICANT,
        index=True,
    )
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Themes the volunteer is interested in (values of projects.models.Theme).
    interests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    available_from: Mapped[date | None]
    available_to: Mapped[date | None]
    emergency_contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    emergency_contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    #: Who the emergency contact is to the volunteer ("mother", "partner").
    emergency_contact_relation: Mapped[str | None] = mapped_column(sa.String(100))
    dietary_notes: Mapped[str | None] = mapped_column(sa.Text)
    health_notes: Mapped[str | None] = mapped_column(sa.Text)
    #: Date the volunteer consented to the association keeping this data.
    consent_date: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(sa.Text)
    search_key: Mapped[str] = mapped_column(sa.String(800), default="", index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship(back_populates="volunteer")
    sending_organisation: Mapped[Organisation | None] = relationship(
        back_populates="volunteers_sent"
    )
    languages: Mapped[list[VolunteerLanguage]] = relationship(
        cascade="all, delete-orphan", order_by=VolunteerLanguage.code, lazy="selectin"
    )
    placements: Mapped[list[Placement]] = relationship(back_populates="volunteer")

    __table_args__ = (
        sa.CheckConstraint(
            "available_to IS NULL OR available_from IS NULL OR available_to >= available_from",
            name="availability_ordered",
        ),
        # the register filtered by nationality (and status), current records, by name: the
        # count reads the index alone and the page comes in name order without a sort
        sa.Index("ix_volunteers_nationality_status", "nationality", "status", "archived_at",
                 "search_key"),
        # a name searched anywhere in the key ("LIKE '%tazi%'") reads this index instead of
        # every volunteer; SQLite scans (docs/architecture.md §6.25)
        postgresql_only(sa.Index("ix_volunteers_search_key_trgm", "search_key",
                                 postgresql_using="gin",
                                 postgresql_ops={"search_key": "gin_trgm_ops"})),
    )

    @validates("emergency_contact_name")
    def _clean_text(self, _key: str, value: str | None) -> str | None:
        return clean_text(value)

    def language_levels(self) -> dict[str, LanguageLevel]:
        """Map of ISO 639-1 code -> level."""
        return {lang.code: lang.level for lang in self.languages}

    def __repr__(self) -> str:
        return f"<Volunteer {self.id} {self.full_name!r}>"


class VolunteerCount(db.Model):
    """How many volunteers have each (nationality, status), kept by database triggers on
    ``volunteers``.

    A summary table so that the overview's headline count and "volunteers by nationality" read
    a few dozen rows instead of every volunteer. The triggers (migration ``volunteer_counts``,
    SQLite and PostgreSQL versions) add one when a volunteer is inserted, move one when the
    nationality or status changes and take one off on delete, whoever writes (services, seed,
    bulk imports). ``nationality`` is the ISO 3166-1 alpha-2 code, or "" when not given (so the
    primary key holds no NULL). Rebuild it with
    :func:`aljisr.volunteers.services.rebuild_volunteer_counts`.
    """

    __tablename__ = "volunteer_counts"

    nationality: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        enum_column(VolunteerStatus, name="volunteer_status"), primary_key=True
    )
    volunteers: Mapped[int] = mapped_column(sa.BigInteger, default=0)
