"""Rate limits of the public form: per client address and per e-mail address typed; only
forms taken (stored or dropped) count, so a visitor's typos never lock them out."""

from __future__ import annotations

import pytest

from tests.support.applications import apply_data


class TestRateLimits:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True,
                "APPLY_RATE_LIMIT": "4 per hour", "APPLY_EMAIL_RATE_LIMIT": "2 per hour"}

    def test_per_email_address_in_any_case(self, client, projects):
        for email in ("same@example.org", "SAME@example.org"):
            assert client.post("/apply", data=apply_data(
                [projects[1].id], email=email)).status_code == 302
        blocked = client.post("/apply", data=apply_data([projects[1].id],
                                                        email=" Same@Example.org"))
        assert blocked.status_code == 429
        # another address from the same client still passes
        assert client.post("/apply", data=apply_data(
            [projects[1].id], email="other@example.org")).status_code == 302

    def test_per_client_address_counting_only_forms_taken(self, client, projects):
        for _ in range(5):  # forms sent back with an error cost nothing
            assert client.post("/apply", data=apply_data(
                [projects[1].id], consent="")).status_code == 422
        for n in range(4):
            assert client.post("/apply", data=apply_data(
                [projects[1].id], email=f"p{n}@example.org")).status_code == 302
        assert client.post("/apply", data=apply_data(
            [projects[1].id], email="p9@example.org")).status_code == 429
        assert client.get("/apply").status_code == 200  # the page itself stays readable
