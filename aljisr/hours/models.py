"""Hours entries: time a volunteer gave on one date for one placement."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import TimestampMixin, UTCDateTime, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l

if TYPE_CHECKING:
    from aljisr.auth.models import User
    from aljisr.placements.models import Placement


class HoursStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def title(self) -> str:
        return str(
            {
                "submitted": _l("Submitted"),
                "approved": _l("Approved"),
                "rejected": _l("Rejected"),
            }[self.value]
        )


class HoursEntry(TimestampMixin, db.Model):
    """``hours`` (0 < h <= 24, two decimals) given on ``work_date`` for a placement.

    ``volunteer_id`` repeats the placement's volunteer so the per-volunteer daily limit
    (24 h across all entries, docs/architecture.md §2.5) is one indexed query.
    """

    __tablename__ = "hours_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placements.id", ondelete="RESTRICT"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="RESTRICT")
    )
    work_date: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(4, 2))
    activity: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[HoursStatus] = mapped_column(
        enum_column(HoursStatus, name="hours_status"), default=HoursStatus.SUBMITTED, index=True
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A host organisation's confirmation of the entry, or its query about it (at most one of
    #: the two is set: confirming closes a query, querying withdraws a confirmation). The
    #: coordinators see an open query in their review queue, whatever the entry's status.
    host_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    host_query: Mapped[str | None] = mapped_column(sa.Text)

    placement: Mapped[Placement] = relationship(back_populates="hours_entries")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    __table_args__ = (
        sa.CheckConstraint("hours > 0 AND hours <= 24", name="hours_range"),
        sa.Index("ix_hours_entries_volunteer_date", "volunteer_id", "work_date"),
        # the review queue (status, oldest first) and approved hours per period, index-only
        sa.Index("ix_hours_entries_status_date", "status", "work_date", "hours"),
        # the queue with every status shown, in its default order (date, then id)
        sa.Index("ix_hours_entries_work_date", "work_date", "id"),
        # entries queried by their host (few): the queue's "queried" filter and its notice
        sa.Index(
            "ix_hours_entries_host_queried", "status", "work_date",
            sqlite_where=sa.text("host_query IS NOT NULL"),
            postgresql_where=sa.text("host_query IS NOT NULL"),
        ),
    )

    def __repr__(self) -> str:
        return f"<HoursEntry {self.id} {self.work_date} {self.hours}h {self.status.value}>"


class HoursMonthTotal(db.Model):
    """Approved hours per calendar month, kept by database triggers on ``hours_entries``.

    A summary table so that "approved hours this year by month" (the overview) reads twelve
    rows instead of every entry of the year. The triggers (migration
    ``hours_month_totals``, SQLite and PostgreSQL versions) add an entry's hours when it is
    inserted approved or becomes approved, and take them off when it stops being approved, is
    changed or deleted, whoever writes (services, seed, bulk imports). ``centihours`` are
    hundredths of an hour, so sums stay exact on SQLite too. Rebuild it from the entries with
    :func:`aljisr.hours.services.rebuild_month_totals`.
    """

    __tablename__ = "hours_month_totals"

    #: First day of the month.
    month: Mapped[date] = mapped_column(primary_key=True)
    centihours: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    @property
    def hours(self) -> Decimal:
        return Decimal(self.centihours) / 100
