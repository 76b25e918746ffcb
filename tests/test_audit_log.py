"""The audit log page: filters by subject, actor, action and date (association time zone),
bad filter input as a message beside the filter (never a 500), staff only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aljisr.audit import AuditEvent
from aljisr.extensions import db as _db
from tests import factories


def text(response) -> str:
    return response.get_data(as_text=True)


def event(actor, action, subject_type, subject_id, when, reason=None, details=None):
    row = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        occurred_at=when,
        reason=reason,
        details=details or {},
    )
    _db.session.add(row)
    _db.session.flush()
    return row


@pytest.fixture
def log(db):
    samira = factories.user(display_name="Samira Alaoui", email="samira@aljisr.example.org")
    karim = factories.user(display_name="Karim Tazi", email="karim@aljisr.example.org")
    placement = factories.placement()
    # 1 September 2026, 23:30 UTC is 2 September, 00:30 in Casablanca (UTC+1).
    late = datetime(2026, 9, 1, 23, 30, tzinfo=UTC)
    event(
        samira,
        "placement.propose",
        "placements",
        placement.id,
        datetime(2026, 9, 1, 9, 0, tzinfo=UTC),
    )
    event(
        karim,
        "placement.cancel",
        "placements",
        placement.id,
        late,
        reason="Visa refused",
        details={"from": "proposed", "to": "cancelled"},
    )
    event(
        samira,
        "site.create",
        "sites",
        placement.project.site_id,
        datetime(2026, 9, 3, 8, 0, tzinfo=UTC),
    )
    event(None, "demo.seed", "users", samira.id, datetime(2026, 8, 1, 8, 0, tzinfo=UTC))
    return {"samira": samira, "karim": karim, "placement": placement}


def rows(page: str) -> str:
    return page.split('id="audit-events"')[1].split("</table>")[0] if "audit-events" in page else ""


class TestAccess:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [("admin", 200), ("coordinator", 200), ("volunteer", 403), ("sending", 403), ("host", 403)],
    )
    def test_staff_only(self, as_role, role, expected):
        client, _ = as_role(role)
        assert client.get("/audit/").status_code == expected


class TestFilters:
    def test_everything_newest_first_with_actor_reason_details(self, as_role, log):
        client, _ = as_role("coordinator")
        table = rows(text(client.get("/audit/")))
        assert table.index("site.create") < table.index("Cancelled") < table.index("Proposed")
        assert "Karim Tazi" in table and "Visa refused" in table
        assert "System" in table  # no actor
        assert f'/placements/{log["placement"].id}"' in table  # subject link

    def test_by_subject(self, as_role, log):
        client, _ = as_role("coordinator")
        p = log["placement"]
        table = rows(text(client.get(f"/audit/?subject_type=placements&subject_id={p.id}")))
        assert "Proposed" in table and "Cancelled" in table
        assert "site.create" not in table and "demo.seed" not in table
        table = rows(text(client.get("/audit/?subject_type=sites")))
        assert "site.create" in table and "Proposed" not in table

    def test_by_actor_name_or_email(self, as_role, log):
        client, _ = as_role("coordinator")
        table = rows(text(client.get("/audit/?actor=karim")))
        assert "Cancelled" in table and "Proposed" not in table
        table = rows(text(client.get("/audit/?actor=SAMIRA@aljisr")))
        assert "Proposed" in table and "site.create" in table and "Cancelled" not in table

    def test_by_action_exact_or_prefix(self, as_role, log):
        client, _ = as_role("coordinator")
        table = rows(text(client.get("/audit/?action=placement.cancel")))
        assert "Cancelled" in table and "Proposed" not in table
        table = rows(text(client.get("/audit/?action=placement")))
        assert "Cancelled" in table and "Proposed" in table and "site.create" not in table
        # a prefix is a whole word: "place" is not "placement"
        assert rows(text(client.get("/audit/?action=place"))) == ""

    def test_by_date_in_the_association_time_zone(self, as_role, log):
        client, _ = as_role("coordinator")
        table = rows(text(client.get("/audit/?date_from=2026-09-02&date_to=2026-09-02")))
        assert "Cancelled" in table  # 23:30 UTC on the 1st is the 2nd in Casablanca
        assert "Proposed" not in table and "site.create" not in table
        table = rows(text(client.get("/audit/?date_from=2026-09-01&date_to=2026-09-01")))
        assert "Proposed" in table and "Cancelled" not in table
        table = rows(text(client.get("/audit/?date_from=2026-09-01")))
        assert "demo.seed" not in table and "site.create" in table

    def test_filters_combine(self, as_role, log):
        client, _ = as_role("coordinator")
        table = rows(text(client.get("/audit/?actor=samira&action=placement")))
        assert "Proposed" in table and "site.create" not in table and "Cancelled" not in table

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("subject_type=placements&subject_id=abc", "Not a valid integer value"),
            ("subject_id=3", "Choose the record type too"),
            ("subject_type=nonsense", "not in the list; the filter was ignored"),
            ("date_from=2026-02-31", "Not a valid date value"),
            ("date_from=2026-09-10&date_to=2026-09-01", "cannot be before"),
            ("subject_type=placements&subject_id=-1", "1 or more"),
        ],
    )
    def test_bad_input_is_a_message_beside_the_filter(self, as_role, log, query, message):
        client, _ = as_role("coordinator")
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200
        page = text(response)
        assert message in page
        assert "invalid-feedback" in page
        assert rows(page) == ""  # no half-filtered answer

    @pytest.mark.parametrize("query", ["page=abc", "page=999", "actor=%25", "action=_"])
    def test_odd_but_harmless_input(self, as_role, log, query):
        client, _ = as_role("coordinator")
        assert client.get(f"/audit/?{query}").status_code == 200

    def test_paginated(self, as_role, app, db):
        client, user = as_role("coordinator")
        for n in range(app.config["PAGE_SIZE"] + 3):
            event(
                user,
                "placement.confirm",
                "placements",
                n + 1,
                datetime(2026, 9, 1, 9, n % 60, tzinfo=UTC),
            )
        size = app.config["PAGE_SIZE"]
        first = text(client.get("/audit/"))
        assert f" of {size + 3}</p>" in first
        assert rows(first).count("<tr>") == size + 1  # with the header row
        assert 'rel="next"' in first
        second = text(client.get("/audit/?page=2"))
        assert rows(second).count("<tr>") == 3 + 1


def test_real_actions_land_in_the_log(as_role, db):
    """A status change made through the placement page shows up, with its reason."""
    client, user = as_role("coordinator")
    from aljisr.placements.models import PlacementStatus

    placement = factories.placement(status=PlacementStatus.CONFIRMED)
    client.post(
        f"/placements/{placement.id}/status",
        data={"status": "withdrawn", "reason": "Family emergency"},
    )
    table = rows(text(client.get(f"/audit/?subject_type=placements&subject_id={placement.id}")))
    assert "Withdrawn" in table and "Family emergency" in table
    assert user.display_name in table
