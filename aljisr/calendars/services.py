"""Writes for calendar feeds: open (or replace) and revoke a user's private feed."""

from __future__ import annotations

import secrets

from aljisr.auth.models import User
from aljisr.calendars.models import CalendarFeed
from aljisr.extensions import db


def open_feed(user: User) -> CalendarFeed:
    """Give ``user`` a new secret feed token (the old link, if any, stops working). Flushes.

    :returns: the feed row, with its new ``token``.
    """
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    db.session.flush()
    return feed


def revoke_feed(user: User) -> bool:
    """Close ``user``'s feed (its link answers 404 from now on). Flushes.

    :returns: whether there was one.
    """
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    return True
