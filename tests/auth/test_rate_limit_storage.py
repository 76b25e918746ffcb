"""When the rate-limit storage (Redis) is down, pages are served and the limits still hold,
counted in each worker's memory; ``/healthz`` says the storage is unavailable (README,
"Production"; config ``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``).

Redis is "down" here as a server that refuses connections: nothing listens on 127.0.0.1:1.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from aljisr.extensions import limiter
from tests.support import factories

pytest.importorskip("redis")  # the production extra's client, installed by make install

DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": DOWN,
            "LOGIN_RATE_LIMIT": "3 per minute", "VERIFY_RATE_LIMIT": "3 per minute"}


@pytest.fixture(autouse=True)
def _limiter_put_back() -> Iterator[None]:
    """The limiter is one object for every app (aljisr/extensions.py): this test's app points
    it at the dead Redis and marks the storage dead; the next tests get it back as it was."""
    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.mark.own_app
def test_pages_are_served_and_limited_in_memory_when_redis_is_down(
    app: Flask, db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    user = factories.user_for_role("coordinator")
    db.session.commit()
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        wrong = [client.post("/login", data={"email": user.email, "password": "wrong"})
                 for _ in range(3)]
    assert [r.status_code for r in wrong] == [422, 422, 422]  # each answered, none a 500
    assert "falling back to in-memory storage" in caplog.text
    # the limit still holds, counted in memory: the fourth wrong guess is refused
    assert client.post("/login", data={"email": user.email, "password": "wrong"}
                       ).status_code == 429
    assert client.get("/password/forgot").status_code == 200
    assert client.post("/password/forgot", data={"email": user.email}).status_code in (200, 302)
    for _ in range(3):
        assert client.get("/verify/NO-SUCH-CODE-0000").status_code == 404
    assert client.get("/verify/NO-SUCH-CODE-0000").status_code == 429


@pytest.mark.own_app
def test_healthz_says_the_rate_limits_are_unavailable(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    # every worker shares the one Redis: a load balancer must not take them all out for it
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok",
                                   "rate_limits": "unavailable"}


def test_healthz_says_ok_with_a_storage_that_answers(app: Flask, app_config: dict[str, Any]
                                                     ) -> None:
    # the check above can fail: with the in-memory storage the same app says ok
    from aljisr import create_app
    from aljisr.extensions import db

    working = create_app({**app_config, "RATELIMIT_STORAGE_URI": "memory://"})
    response = working.test_client().get("/healthz")
    with working.app_context():
        db.engine.dispose()  # its pooled connection, never left to the garbage collector
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limits": "ok"}
