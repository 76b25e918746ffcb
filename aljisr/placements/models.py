"""Placements: one volunteer on one project for an inclusive date range."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import TimestampMixin, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l

if TYPE_CHECKING:
    from aljisr.auth.models import User
    from aljisr.hours.models import HoursEntry
    from aljisr.projects.models import Project
    from aljisr.volunteers.models import Volunteer


class PlacementStatus(enum.StrEnum):
    """proposed -> confirmed -> active -> completed; proposed/confirmed -> cancelled;
    confirmed/active -> withdrawn (docs/architecture.md §2.4)."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"

    @property
    def title(self) -> str:
        return str(PLACEMENT_STATUS_TITLES[self])

    @property
    def is_live(self) -> bool:
        """Live placements occupy capacity and block overlapping placements."""
        return self not in (PlacementStatus.CANCELLED, PlacementStatus.WITHDRAWN)


PLACEMENT_STATUS_TITLES = {
    PlacementStatus.PROPOSED: _l("Proposed"),
    PlacementStatus.CONFIRMED: _l("Confirmed"),
    PlacementStatus.ACTIVE: _l("Active"),
    PlacementStatus.COMPLETED: _l("Completed"),
    PlacementStatus.CANCELLED: _l("Cancelled"),
    PlacementStatus.WITHDRAWN: _l("Withdrawn"),
}

#: Allowed status changes (docs/architecture.md §2.4).
TRANSITIONS: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    PlacementStatus.PROPOSED: frozenset({PlacementStatus.CONFIRMED, PlacementStatus.CANCELLED}),
    PlacementStatus.CONFIRMED: frozenset(
        {PlacementStatus.ACTIVE, PlacementStatus.CANCELLED, PlacementStatus.WITHDRAWN}
    ),
    PlacementStatus.ACTIVE: frozenset({PlacementStatus.COMPLETED, PlacementStatus.WITHDRAWN}),
    PlacementStatus.COMPLETED: frozenset(),
    PlacementStatus.CANCELLED: frozenset(),
    PlacementStatus.WITHDRAWN: frozenset(),
}

LIVE_STATUSES = tuple(s for s in PlacementStatus if s.is_live)
#: Placements not finished yet: a volunteer, project or site with one cannot be archived.
ONGOING_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)
#: The condition of the partial index of live placements, as SQL text. SQLite uses a partial
#: index only for a query that repeats this condition word for word: see :func:`is_live`.
LIVE_CONDITION = "status IN ({})".format(", ".join(f"'{s.value}'" for s in LIVE_STATUSES))


def is_live(status: Any) -> Any:
    """``status IN (<live statuses>)`` with the values written into the SQL (not bound), so the
    statement matches the partial index ``ix_placements_live_spans`` on SQLite and PostgreSQL.

    :param status: a placement status column (``Placement.status`` or an alias's).
    """
    return status.in_(sa.bindparam("live_statuses", list(LIVE_STATUSES), expanding=True,
                                   literal_execute=True, unique=True))


class Placement(TimestampMixin, db.Model):
    """A volunteer on a project from ``start_date`` to ``end_date``, both included."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="RESTRICT"), index=True
    )
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    role: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[PlacementStatus] = mapped_column(
        enum_column(PlacementStatus, name="placement_status"),
        default=PlacementStatus.PROPOSED,
    )
    #: Why the last status change happened (the full history is in the audit log).
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Set when a coordinator allowed an overlap with another live placement.
    overlap_override_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: The coordinator the volunteer contacts about this placement.
    coordinator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    notes: Mapped[str | None] = mapped_column(sa.Text)

    volunteer: Mapped[Volunteer] = relationship(back_populates="placements")
    project: Mapped[Project] = relationship(back_populates="placements")
    coordinator: Mapped[User | None] = relationship()
    hours_entries: Mapped[list[HoursEntry]] = relationship(back_populates="placement")

    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.Index("ix_placements_project_dates", "project_id", "start_date", "end_date"),
        # placements by status, and those running on a day (the overview's count of active
        # placements today) from the index alone
        sa.Index("ix_placements_status_dates", "status", "end_date", "start_date"),
        # arrivals and departures across projects (overview, date filters), status included
        # so the overview's lists and totals need not read the table
        sa.Index("ix_placements_start_date", "start_date", "status"),
        sa.Index("ix_placements_end_date", "end_date", "status"),
        # the date spans of a project's live placements, read from the index alone (the
        # capacity check counts booked places per day from them)
        sa.Index(
            "ix_placements_live_spans", "project_id", "end_date", "start_date",
            sqlite_where=sa.text(LIVE_CONDITION), postgresql_where=sa.text(LIVE_CONDITION),
        ),
    )

    @property
    def days(self) -> int:
        """Length in days, both ends included: 1-30 September is 30 days."""
        return (self.end_date - self.start_date).days + 1

    def __repr__(self) -> str:
        return f"<Placement {self.id} v{self.volunteer_id} p{self.project_id} {self.status.value}>"


class ProjectBooking(db.Model):
    """How many live placements a project has on one day, kept by database triggers on
    ``placements``.

    A summary table so that "projects full or nearly full" (the overview) reads a row per
    running project and day of the window instead of every placement overlapping it. The
    triggers (migration ``project_bookings``, SQLite and PostgreSQL versions) add one on each
    day of a placement that is inserted live or becomes live, and take it off when it stops
    being live, changes dates or project, or is deleted, whoever writes (services, seed, bulk
    imports). Live means :data:`LIVE_STATUSES` (docs/architecture.md §2.3: capacity is per
    single day). Days with no placement left have no row. Rebuild it with
    :func:`aljisr.placements.services.rebuild_project_bookings`.
    """

    __tablename__ = "project_bookings"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    placements: Mapped[int] = mapped_column(default=0)
