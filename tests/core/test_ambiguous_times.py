"""Times in the repeated hour of the association's clock carry their UTC offset.

Morocco leaves UTC+1 for UTC+0 for Ramadan: in the tz database (Africa/Casablanca) the clock
goes back from 03:00 to 02:00 on 15 February 2026, so 02:30 that night happens twice, at
01:30 UTC (UTC+01:00) and at 02:30 UTC (UTC+00:00). Other times are shown as before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

FIRST = datetime(2026, 2, 15, 1, 30, tzinfo=UTC)  # 02:30 on the clock, UTC+1
SECOND = datetime(2026, 2, 15, 2, 30, tzinfo=UTC)  # 02:30 again, UTC+0
BEFORE = datetime(2026, 2, 15, 0, 30, tzinfo=UTC)  # 01:30, once
AFTER = datetime(2026, 2, 15, 3, 30, tzinfo=UTC)  # 03:30, once


def test_the_tz_database_repeats_that_hour() -> None:
    """The instants below really are one wall time twice (guards against a changed zone)."""
    zone = ZoneInfo("Africa/Casablanca")
    first, second = FIRST.astimezone(zone), SECOND.astimezone(zone)
    assert first.replace(tzinfo=None) == second.replace(tzinfo=None) == datetime(2026, 2, 15, 2, 30)
    assert (first.utcoffset().total_seconds(), second.utcoffset().total_seconds()) == (3600, 0)


@pytest.mark.parametrize(("locale", "first", "second"), [
    ("en", "Feb 15, 2026, 2:30\u202fAM UTC+01:00", "Feb 15, 2026, 2:30\u202fAM UTC+00:00"),
    ("fr", "15 févr. 2026, 02:30 UTC+01:00", "15 févr. 2026, 02:30 UTC+00:00"),
    ("ar", "15\u200f/02\u200f/2026، 2:30 ص UTC+01:00", "15\u200f/02\u200f/2026، 2:30 ص UTC+00:00"),
])
def test_timestamps_in_the_repeated_hour_show_their_offset(app, locale, first, second) -> None:
    from aljisr.i18n import force_locale, format_timestamp

    with app.test_request_context(), force_locale(locale):
        assert format_timestamp(FIRST) == first
        assert format_timestamp(SECOND) == second
        assert "UTC" not in format_timestamp(BEFORE) + format_timestamp(AFTER)


def test_datetime_patterns_with_an_hour_show_the_offset(app) -> None:
    from aljisr.i18n import format_datetime

    with app.test_request_context():
        assert format_datetime(FIRST, "HH:mm") == "02:30 UTC+01:00"
        assert format_datetime(SECOND, "d MMM yyyy, HH:mm") == "15 Feb 2026, 02:30 UTC+00:00"
        assert format_datetime(SECOND) == "Feb 15, 2026, 2:30:00\u202fAM UTC+00:00"
        assert format_datetime(AFTER, "HH:mm") == "03:30"
        # no hour, or a zone of its own: nothing added
        assert format_datetime(SECOND, "d MMM yyyy") == "15 Feb 2026"
        assert format_datetime(SECOND, "HH:mm xxx") == "02:30 +00:00"
        assert format_datetime(SECOND, "HH 'h' mm") == "02 h 30 UTC+00:00"


def test_the_audit_log_tells_the_two_moments_apart(as_role, db) -> None:
    """Through a real page: two events at 02:30 on the clock that night."""
    from aljisr.audit import AuditEvent

    client, user = as_role("admin")
    for moment in (FIRST, SECOND, AFTER):
        db.session.add(AuditEvent(occurred_at=moment, actor_id=user.id, action="robot.dance",
                                  subject_type="robots", subject_id=1, details={}))
    db.session.commit()
    page = client.get("/audit/").get_data(as_text=True)
    assert "Feb 15, 2026, 2:30\u202fAM UTC+01:00" in page
    assert "Feb 15, 2026, 2:30\u202fAM UTC+00:00" in page
    assert "Feb 15, 2026, 3:30\u202fAM<" in page
