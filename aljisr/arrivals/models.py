"""Arrival details: how a volunteer comes to and leaves a placement, and their insurance.

One optional row per placement (:class:`ArrivalDetails`), written by the volunteer in the
portal or by a coordinator (:func:`aljisr.arrivals.services.record_arrival_details`). The
emergency contact stays on the volunteer (one person, one contact, already seen by the host
while placed, docs/architecture.md §6.1); insurance is on the placement's details because a
policy covers one stay (docs/architecture.md §6.14).
"""

from __future__ import annotations

import enum
from datetime import date, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aljisr.database import TimestampMixin, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l

if TYPE_CHECKING:
    from aljisr.placements.models import Placement


class TravelMode(enum.StrEnum):
    """How a volunteer travels to or from a placement."""

    FLIGHT = "flight"
    BUS = "bus"
    TRAIN = "train"
    CAR = "car"
    OTHER = "other"

    @property
    def title(self) -> str:
        """The mode in the current language ("Flight", "Avion", "طائرة")."""
        return str(TRAVEL_MODE_TITLES[self])


TRAVEL_MODE_TITLES = {
    TravelMode.FLIGHT: _l("Flight"),
    TravelMode.BUS: _l("Bus"),
    TravelMode.TRAIN: _l("Train"),
    TravelMode.CAR: _l("Car"),
    TravelMode.OTHER: _l("Other"),
}


class ArrivalDetails(TimestampMixin, db.Model):
    """Travel in and out of one placement, pickup and insurance; every value optional.

    Dates are the association's local dates, times local (Africa/Casablanca) wall-clock times
    as printed on a ticket, never converted.
    """

    __tablename__ = "arrival_details"

    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placements.id", ondelete="CASCADE"), primary_key=True
    )
    arrival_date: Mapped[date | None] = mapped_column(index=True)
    arrival_time: Mapped[time | None]
    arrival_mode: Mapped[TravelMode | None] = mapped_column(
        enum_column(TravelMode, name="arrival_mode"))
    #: Flight, train or bus number, as on the ticket.
    arrival_number: Mapped[str | None] = mapped_column(sa.String(40))
    #: One of the site's airports and stations (:attr:`Site.transport_points`), as text, so
    #: that editing the site's list later does not change what was recorded.
    arrival_point: Mapped[str | None] = mapped_column(sa.String(200))
    pickup_needed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    departure_date: Mapped[date | None] = mapped_column(index=True)
    departure_time: Mapped[time | None]
    departure_mode: Mapped[TravelMode | None] = mapped_column(
        enum_column(TravelMode, name="departure_mode"))
    departure_number: Mapped[str | None] = mapped_column(sa.String(40))
    insurance_provider: Mapped[str | None] = mapped_column(sa.String(200))
    insurance_policy: Mapped[str | None] = mapped_column(sa.String(100))
    insurance_valid_until: Mapped[date | None]

    placement: Mapped[Placement] = relationship()

    __table_args__ = (
        sa.CheckConstraint("departure_date IS NULL OR arrival_date IS NULL "
                           "OR departure_date >= arrival_date", name="travel_ordered"),
    )

    @property
    def has_arrival(self) -> bool:
        """Whether the arrival is known well enough to plan a pickup (its date)."""
        return self.arrival_date is not None

    def __repr__(self) -> str:
        return f"<ArrivalDetails p{self.placement_id} {self.arrival_date}>"
