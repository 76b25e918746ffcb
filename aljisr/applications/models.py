"""Applications: a would-be volunteer's request to join, sent from the public form without an
account, confirmed by e-mail (double opt-in), then read by coordinators in their inbox."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from aljisr.database import TimestampMixin, UTCDateTime, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l
from aljisr.text import clean_text
from aljisr.volunteers.models import PersonNamesMixin

if TYPE_CHECKING:
    from aljisr.organisations.models import Organisation
    from aljisr.projects.models import Project
    from aljisr.volunteers.models import Volunteer

#: The version of the consent text the public form shows (templates/applications/privacy.html
#: and the consent box); stored with each application. Change it when the text changes.
CONSENT_VERSION = "2026-12-07"

#: Most projects an applicant may choose, in order of preference.
MAX_PREFERENCES = 3


class ApplicationStatus(enum.StrEnum):
    """new -> in review -> accepted | declined; new or in review -> withdrawn (by the applicant).

    An application is "new" from the moment it is sent, but coordinators see it only once
    its e-mail address is confirmed (``confirmed_at``)."""

    NEW = "new"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def title(self) -> str:
        return str(APPLICATION_STATUS_TITLES[self])


APPLICATION_STATUS_TITLES = {
    ApplicationStatus.NEW: _l("New"),
    ApplicationStatus.IN_REVIEW: _l("In review"),
    ApplicationStatus.ACCEPTED: _l("Accepted"),
    ApplicationStatus.DECLINED: _l("Declined"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
}

#: Statuses of an application still waiting for a decision.
OPEN_STATUSES = (ApplicationStatus.NEW, ApplicationStatus.IN_REVIEW)
#: Statuses whose personal data is anonymised after ``APPLICATION_RETENTION_DAYS``.
CLOSED_UNACCEPTED = (ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN)


class HeardFrom(enum.StrEnum):
    """How the applicant heard of the association."""

    SENDING_ORGANISATION = "sending_organisation"
    FORMER_VOLUNTEER = "former_volunteer"
    SEARCH = "search"
    SOCIAL_MEDIA = "social_media"
    UNIVERSITY = "university"
    EVENT = "event"
    OTHER = "other"

    @property
    def title(self) -> str:
        return str(HEARD_FROM_TITLES[self])


HEARD_FROM_TITLES = {
    HeardFrom.SENDING_ORGANISATION: _l("A sending organisation"),
    HeardFrom.FORMER_VOLUNTEER: _l("A former volunteer, a friend"),
    HeardFrom.SEARCH: _l("A web search"),
    HeardFrom.SOCIAL_MEDIA: _l("Social media"),
    HeardFrom.UNIVERSITY: _l("A school or university"),
    HeardFrom.EVENT: _l("A fair or an event"),
    HeardFrom.OTHER: _l("Other"),
}


class ApplicationProject(db.Model):
    """A project an applicant chose, with its rank (1: first choice)."""

    __tablename__ = "application_projects"

    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="RESTRICT"), index=True
    )

    project: Mapped[Project] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"rank BETWEEN 1 AND {MAX_PREFERENCES}", name="rank_range"),
        sa.UniqueConstraint("application_id", "project_id",
                            name="uq_application_projects_one_rank_per_project"),
    )


class Application(PersonNamesMixin, TimestampMixin, db.Model):
    """One application. Names are free Unicode as the applicant writes them (NFC).

    ``open_email`` holds the address while the application is open (new or in review) and
    None once it is decided or withdrawn: its unique index lets one open application per
    address exist, even when two requests arrive at once."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, name="application_status"),
        default=ApplicationStatus.NEW, index=True,
    )
    full_name: Mapped[str] = mapped_column(sa.String(200))
    name_ar: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    open_email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    date_of_birth: Mapped[date | None]
    #: ISO 3166-1 alpha-2.
    nationality: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    #: {ISO 639-1 code: CEFR level value}.
    languages: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    available_from: Mapped[date | None]
    available_to: Mapped[date | None]
    sending_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    #: The name of a sending organisation not in the list ("other").
    sending_organisation_other: Mapped[str | None] = mapped_column(sa.String(200))
    motivation: Mapped[str | None] = mapped_column(sa.Text)
    heard_from: Mapped[str | None] = mapped_column(sa.String(32))
    heard_from_detail: Mapped[str | None] = mapped_column(sa.String(200))
    #: The language the applicant used (their messages are written in it).
    locale: Mapped[str] = mapped_column(sa.String(5), default="en")
    consent_version: Mapped[str] = mapped_column(sa.String(20))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    testimonial_consent: Mapped[bool] = mapped_column(default=False)
    testimonial_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: New answers sent from the form for an already confirmed application, waiting for the
    #: confirmation link of their message (JSON: the form's values, dates as ISO text).
    pending_values: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: Raised each time a confirmation link is sent: only the newest one works.
    link_version: Mapped[int] = mapped_column(default=0)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The volunteer this application joined (same e-mail) or became (accepted).
    volunteer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    search_key: Mapped[str] = mapped_column(sa.String(800), default="", index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    preferences: Mapped[list[ApplicationProject]] = relationship(
        cascade="all, delete-orphan", order_by=ApplicationProject.rank, lazy="selectin"
    )
    sending_organisation: Mapped[Organisation | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "available_to IS NULL OR available_from IS NULL OR available_to >= available_from",
            name="availability_ordered",
        ),
    )

    @validates("sending_organisation_other", "heard_from_detail")
    def _clean_text(self, _key: str, value: str | None) -> str | None:
        return clean_text(value)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def projects(self) -> list[Project]:
        """The chosen projects, first choice first."""
        return [p.project for p in self.preferences]

    def volunteer_values(self) -> dict[str, Any]:
        """What :func:`aljisr.volunteers.services.create_volunteer` takes, from this
        application (the consent date is the day the applicant consented)."""
        from aljisr.volunteers.models import LanguageLevel

        return {
            "full_name": self.full_name, "name_ar": self.name_ar, "email": self.email,
            "phone": self.phone, "date_of_birth": self.date_of_birth,
            "nationality": self.nationality,
            "sending_organisation_id": self.sending_organisation_id,
            "skills": list(self.skills or []), "interests": list(self.interests or []),
            "available_from": self.available_from, "available_to": self.available_to,
            "consent_date": self.consent_at.date() if self.consent_at else None,
            "languages": {code: LanguageLevel(level)
                          for code, level in (self.languages or {}).items()},
        }

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status.value}>"
