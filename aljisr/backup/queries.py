"""Reads about backups for the admin page and the overview."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from aljisr.backup.models import BackupRun
from aljisr.database import utcnow
from aljisr.extensions import db

#: The overview warns when the newest good backup is older than this (or there is none).
STALE_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class RunRow:
    """A backup run as the Backups page lists it: ``kept`` is False once its archive is no
    longer on this machine (removed by the keep rules, or moved away)."""

    run: BackupRun
    kept: bool

    @property
    def failure(self) -> str | None:
        """Why the run failed, in the current language (None when it worked); a run
        recorded before codes were kept shows its English text."""
        if self.run.ok:
            return None
        if self.run.error_code:
            # the backup writer (tarfile, gzip, sqlite3) loads only where a backup is made
            # or a failed one is shown, not with the overview's health line (§6.20)
            from aljisr.backup.dump import backup_error_text

            return backup_error_text(self.run.error_code, self.run.error_params or {})
        return self.run.error


def recent_runs(limit: int = 30) -> list[RunRow]:
    """The newest ``limit`` backup runs, newest first, each with whether its archive is
    still where it was written."""
    runs: Sequence[BackupRun] = db.session.scalars(
        sa.select(BackupRun).order_by(BackupRun.started_at.desc(), BackupRun.id.desc()).limit(limit)
    ).all()
    return [RunRow(run, bool(run.ok and run.path and Path(run.path).is_file())) for run in runs]


@dataclass(frozen=True)
class BackupHealth:
    """The newest good backup's time (None if never), whether it is too old, the age in days
    past which it is, and whether any run (good or failed) was ever recorded."""

    last_good_at: datetime | None
    stale: bool
    any_run: bool = False
    stale_after_days: int = STALE_AFTER.days


def backup_health(now: datetime | None = None) -> BackupHealth:
    """Whether the newest successful backup is older than :data:`STALE_AFTER` (one query)."""
    now = now or utcnow()
    last, runs = db.session.execute(
        sa.select(
            sa.func.max(sa.case((BackupRun.ok, BackupRun.started_at))), sa.func.count()
        ).select_from(BackupRun)
    ).one()
    if last is not None and last.tzinfo is None:  # SQLite hands MAX() back as naive UTC
        last = last.replace(tzinfo=UTC)
    return BackupHealth(last_good_at=last, stale=last is None or now - last > STALE_AFTER,
                        any_run=bool(runs))
