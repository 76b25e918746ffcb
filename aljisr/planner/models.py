"""Season planner: stored runs (kept so that one can be reopened), their proposed assignments
and the volunteers they left out, and the project wishes a run weighs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db


class ProjectWish(db.Model):
    """A project a volunteer (or their sending organisation, ``by_sending_organisation``) wishes
    them on, ranked 1 (first choice) to :data:`MOST_WISHES`; the planner adds
    :data:`WISH_POINTS` for it. Recorded by a coordinator on the volunteer's "Project wishes"
    page (docs/architecture.md §6.23)."""

    __tablename__ = "project_wishes"

    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    by_sending_organisation: Mapped[bool] = mapped_column(primary_key=True, default=False)
    rank: Mapped[int] = mapped_column(sa.SmallInteger, default=1)

    __table_args__ = (sa.CheckConstraint("rank BETWEEN 1 AND 3", name="wish_rank"),)


#: Wishes of each kind a volunteer may have.
MOST_WISHES = 3

#: Points a wish adds to a pair's match score, by rank.
WISH_POINTS = {1: 30, 2: 20, 3: 10}


class PlanningRun(db.Model):
    """One run of the planner: what was asked (``params``: volunteer filters, project ids,
    weights, time limit, pins), what the solver answered, and when it was accepted."""

    __tablename__ = "planning_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: A :class:`aljisr.planner.solver.Outcome` value.
    outcome: Mapped[str] = mapped_column(sa.String(32))
    volunteers: Mapped[int] = mapped_column(default=0)
    projects: Mapped[int] = mapped_column(default=0)
    objective: Mapped[int] = mapped_column(default=0)
    greedy_objective: Mapped[int] = mapped_column(default=0)
    bound: Mapped[int] = mapped_column(default=0)
    #: Proven optimality gap (0 optimal; None unknown).
    gap: Mapped[float | None] = mapped_column(sa.Float)
    solve_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    #: Contradictory pins: [[volunteer id, project id, why], ...].
    conflicts: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)

    assignments: Mapped[list[PlannedPlacement]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="PlannedPlacement.id"
    )
    left_out: Mapped[list[LeftOut]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="LeftOut.id"
    )


class PlannedPlacement(db.Model):
    """A placement the run proposes; ``placement_id`` is set once accepted."""

    __tablename__ = "planned_placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("planning_runs.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: The explained match score (0-100) and the objective's points of the pair.
    score: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
    #: The rank (1-3) of the volunteer's own wish and of their sending organisation's wish
    #: for this project when the run was made (None: no such wish): reasons of the row.
    wish_rank: Mapped[int | None] = mapped_column(sa.SmallInteger)
    org_wish_rank: Mapped[int | None] = mapped_column(sa.SmallInteger)
    placement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("placements.id", ondelete="SET NULL")
    )

    run: Mapped[PlanningRun] = relationship(back_populates="assignments")


class LeftOut(db.Model):
    """A volunteer the run left out: the rule that kept them out (``why``, a
    :class:`aljisr.planner.solver.Why` value, on ``project_id`` when it is a project's rule)
    and how many projects each rule ruled out (``counts``)."""

    __tablename__ = "planner_left_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("planning_runs.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id", ondelete="CASCADE"))
    why: Mapped[str] = mapped_column(sa.String(32))
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="SET NULL")
    )
    detail: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    counts: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)

    run: Mapped[PlanningRun] = relationship(back_populates="left_out")
