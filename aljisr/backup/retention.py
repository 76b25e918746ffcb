"""Which backups to keep: the newest archive of each of the last N days, weeks and months
that have one (the grandfather-father-son rule, as restic's ``forget --keep-daily
--keep-weekly --keep-monthly`` applies it: https://restic.readthedocs.io/en/stable/060_forget.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

ARCHIVE_NAME = re.compile(r"^aljisr-backup-(\d{8}T\d{6}Z)\.tar$")


def archive_time(path: Path) -> datetime | None:
    """The UTC time in an archive's file name, or None for a file that is not one."""
    match = ARCHIVE_NAME.match(path.name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def archives(directory: Path) -> list[tuple[datetime, Path]]:
    """The archives in ``directory``, newest first."""
    found = [(archive_time(p), p) for p in Path(directory).glob("aljisr-backup-*.tar")]
    return sorted(((t, p) for t, p in found if t is not None), reverse=True)


def to_keep(times: Iterable[datetime], daily: int = 7, weekly: int = 4,
            monthly: int = 12) -> set[datetime]:
    """The times to keep among ``times``: for each rule, walking from the newest, the newest
    time of each new day (ISO week, month) until ``daily`` (``weekly``, ``monthly``) periods
    are kept. A time kept by any rule is kept."""
    ordered = sorted(times, reverse=True)
    keep: set[datetime] = set()
    rules = (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    )
    for count, period in rules:
        seen: set[object] = set()
        for moment in ordered:
            if len(seen) >= count:
                break
            key = period(moment)
            if key not in seen:
                seen.add(key)
                keep.add(moment)
    return keep


def prune(directory: Path, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Delete the archives in ``directory`` that :func:`to_keep` does not keep; return them."""
    found = archives(directory)
    keep = to_keep([t for t, _ in found], daily, weekly, monthly)
    removed = [p for t, p in found if t not in keep]
    for path in removed:
        path.unlink()
    return removed
