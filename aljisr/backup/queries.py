"""Reads about backups for the admin page and the overview."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from aljisr.backup.models import BackupRun
from aljisr.database import utcnow
from aljisr.extensions import db

#: The overview warns when the newest good backup is older than this (or there is none).
STALE_AFTER = timedelta(days=2)


def recent_runs(limit: int = 30) -> Sequence[BackupRun]:
    """The newest ``limit`` backup runs, newest first."""
    return db.session.scalars(
        sa.select(BackupRun).order_by(BackupRun.started_at.desc(), BackupRun.id.desc()).limit(limit)
    ).all()


@dataclass(frozen=True)
class BackupHealth:
    """The newest good backup's time (None if never), whether it is too old, and the age in
    days past which it is."""

    last_good_at: datetime | None
    stale: bool
    stale_after_days: int = STALE_AFTER.days


def backup_health(now: datetime | None = None) -> BackupHealth:
    """Whether the newest successful backup is older than :data:`STALE_AFTER` (one query)."""
    now = now or utcnow()
    last = db.session.scalar(sa.select(sa.func.max(BackupRun.started_at)).where(BackupRun.ok))
    return BackupHealth(last_good_at=last, stale=last is None or now - last > STALE_AFTER)
