"""Behind a reverse proxy (TRUSTED_PROXIES = 1) the client's address and scheme come from its
X-Forwarded-* headers (rate limits count per client, not per proxy); without one they are
ignored, since any client could send them."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

HEADERS = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def _add_echo_route(app: Flask) -> None:
    from flask import request

    from aljisr.permissions import public

    @app.route("/client-for-test")
    @public
    def client_for_test() -> dict[str, Any]:
        return {"address": request.remote_addr, "scheme": request.scheme}


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    return {**app_config, "TRUSTED_PROXIES": getattr(request, "param", 0)}


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_behind_one_proxy_the_forwarded_client_is_read(app: Flask) -> None:
    _add_echo_route(app)
    answer = app.test_client().get("/client-for-test", headers=HEADERS).get_json()
    assert answer == {"address": "203.0.113.7", "scheme": "https"}


def test_without_a_proxy_forwarded_headers_are_ignored(app: Flask) -> None:
    _add_echo_route(app)
    answer = app.test_client().get("/client-for-test", headers=HEADERS).get_json()
    assert answer == {"address": "127.0.0.1", "scheme": "http"}
