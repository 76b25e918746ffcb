"""A volunteer's testimonial about one completed placement, and how it is signed."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import TimestampMixin, UTCDateTime, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l

if TYPE_CHECKING:
    from aljisr.placements.models import Placement
    from aljisr.projects.models import Project
    from aljisr.volunteers.models import Volunteer

#: Longest testimonial, in characters: a few paragraphs.
BODY_MAX_LENGTH = 3000
#: Shortest, so that a published one says something.
BODY_MIN_LENGTH = 40
#: Longest reason given when declining one.
REASON_MAX_LENGTH = 500


class Signature(enum.StrEnum):
    """How the volunteer is named beside their words on the public site."""

    FIRST_NAME_COUNTRY = "first_name_country"
    FULL_NAME = "full_name"
    ANONYMOUS = "anonymous"

    @property
    def title(self) -> str:
        return str(SIGNATURE_TITLES[self])


SIGNATURE_TITLES = {
    Signature.FIRST_NAME_COUNTRY: _l("My first name and my country"),
    Signature.FULL_NAME: _l("My full name"),
    Signature.ANONYMOUS: _l("Anonymously"),
}


class TestimonialStatus(enum.StrEnum):
    """submitted → published | declined; any → withdrawn (by the volunteer)."""

    SUBMITTED = "submitted"
    PUBLISHED = "published"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def title(self) -> str:
        return str(TESTIMONIAL_STATUS_TITLES[self])


TESTIMONIAL_STATUS_TITLES = {
    TestimonialStatus.SUBMITTED: _l("Waiting for review"),
    TestimonialStatus.PUBLISHED: _l("Published"),
    TestimonialStatus.DECLINED: _l("Declined"),
    TestimonialStatus.WITHDRAWN: _l("Withdrawn"),
}

#: Statuses of a testimonial still standing: a placement has at most one of them.
STANDING_STATUSES = (TestimonialStatus.SUBMITTED, TestimonialStatus.PUBLISHED,
                     TestimonialStatus.DECLINED)


class Testimonial(TimestampMixin, db.Model):
    """What a volunteer says about one completed placement, in the language they wrote it.

    A withdrawn testimonial keeps no text (the volunteer took their words back); anonymising
    the volunteer deletes their testimonials (docs/architecture.md §6.6).
    """

    __tablename__ = "testimonials"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    #: ISO 639-1 code of the language it is written in (any language, not only the interface's).
    language: Mapped[str] = mapped_column(sa.String(8))
    body: Mapped[str] = mapped_column(sa.Text)
    signature: Mapped[Signature] = mapped_column(
        enum_column(Signature, name="testimonial_signature"))
    status: Mapped[TestimonialStatus] = mapped_column(
        enum_column(TestimonialStatus, name="testimonial_status"),
        default=TestimonialStatus.SUBMITTED, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(sa.String(REASON_MAX_LENGTH))

    volunteer: Mapped[Volunteer] = relationship()
    placement: Mapped[Placement] = relationship()
    project: Mapped[Project] = relationship()

    def __repr__(self) -> str:
        return f"<Testimonial {self.id} {self.status}>"
