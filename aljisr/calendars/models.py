"""Private calendar feeds: one secret token per user, replaced or revoked at will."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db


class CalendarFeed(db.Model):
    """A user's calendar subscription: whoever holds ``token`` reads what that user may see
    (their portal's scope). A new token replaces the old one; revoking deletes the row."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: ``secrets.token_urlsafe(32)``: 43 URL-safe characters.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
