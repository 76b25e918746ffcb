"""A database that cannot be reached: every page answers the app's own 503 page with
``Retry-After``, rendered without the database (not the server's bare "Internal Server
Error"), and pages come back by themselves when the database does.

The unreachable databases are real: a PostgreSQL URL on a closed port and an SQLite file in a
folder that does not exist. The recovery test blocks the test run's own PostgreSQL database
(connections killed, new ones refused), then lets it answer again.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from aljisr import create_app
from aljisr.config import normalise_database_url
from aljisr.errors import RETRY_AFTER_SECONDS

UNAVAILABLE_TEXT = {
    "en": "The database cannot be reached just now.",
    "fr": "La base de données est injoignable pour le moment.",
    "ar": "يتعذّر الوصول إلى قاعدة البيانات حاليًا.",
}


def _closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on a database that cannot be reached, configured as in production as far as
    errors go (exceptions are answered, not raised into the test)."""
    if request.param == "postgresql":
        url = f"postgresql://aljisr@127.0.0.1:{_closed_port()}/aljisr?connect_timeout=3"
    else:
        url = "sqlite:///" + str(tmp_path / "no-such-folder" / "aljisr.sqlite3")
    app = create_app({
        "TESTING": True,
        "PROPAGATE_EXCEPTIONS": False,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    })
    yield app


def _signed_in(app: Flask, user_id: str = "1.0") -> FlaskClient:
    """A client whose session names a user, as a browser signed in before the outage has."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def _assert_unavailable(response: Any, language: str = "en") -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.get_data(as_text=True)
    assert UNAVAILABLE_TEXT[language] in page
    assert "<nav" in page and "503" in page  # the app's own page, with its layout


@pytest.mark.parametrize("path", ["/home", "/volunteers/", "/placements/", "/hours/", "/"])
def test_signed_in_pages_answer_503(unreachable_app: Flask, path: str) -> None:
    """The signed-in user is read from the database: the page says the database cannot be
    reached, rather than failing while the error page reads the user."""
    _assert_unavailable(_signed_in(unreachable_app).get(path))


def test_public_pages_and_forms_answer_503(unreachable_app: Flask) -> None:
    client = unreachable_app.test_client()
    _assert_unavailable(client.get("/verify/AAAAAAAAAAAAAAAAAAAA"))
    _assert_unavailable(client.post(
        "/login", data={"email": "coordinator@aljisr.example.org", "password": "secret-secret"}))
    signed_in = _signed_in(unreachable_app)
    _assert_unavailable(signed_in.post("/volunteers/new", data={"first_name": "Amal"}))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_503_page_in_the_browsers_language(unreachable_app: Flask, language: str) -> None:
    """The user's saved language cannot be read; the browser's is used."""
    response = _signed_in(unreachable_app).get(
        "/volunteers/", headers={"Accept-Language": language})
    _assert_unavailable(response, language)
    assert f'lang="{language}"' in response.get_data(as_text=True)


def test_other_error_pages_render_without_the_database(unreachable_app: Flask) -> None:
    """A 404 for a signed-in user: the page cannot read the user, so it is rendered as for a
    visitor, instead of failing into the server's bare error."""
    response = _signed_in(unreachable_app).get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "<nav" in page


def test_health_check_says_unreachable(unreachable_app: Flask) -> None:
    response = unreachable_app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert (body["status"], body["database"]) == ("unavailable", "unreachable")
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)


def _admin_engine(database_url: str) -> sa.Engine:
    url = sa.make_url(normalise_database_url(database_url))
    return sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _accept_connections(database_url: str, accept: bool) -> None:
    """Let the database take connections, or refuse new ones and end those it has (as a
    restarting or unreachable server would)."""
    name = sa.make_url(database_url).database
    admin = _admin_engine(database_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(
            f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {"true" if accept else "false"}')
        if not accept:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
    admin.dispose()


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


def test_pages_come_back_when_postgresql_does(
    app: Flask, as_role: Any, database_url: str, is_postgres: bool
) -> None:
    """Connections killed and refused: 503 with Retry-After; allowed again: the same signed-in
    client reads the page, with nothing restarted."""
    if not is_postgres:
        pytest.skip("blocks and unblocks a PostgreSQL database (ALJISR_TEST_DATABASE_URL)")
    from aljisr.extensions import db

    client, user = as_role("coordinator")
    assert client.get("/volunteers/").status_code == 200
    name = user.display_name
    db.session.close()  # the test's own connection goes back to the pool
    _accept_connections(database_url, False)
    try:
        _assert_unavailable(client.get("/volunteers/"))
        _assert_unavailable(client.get("/home"))
    finally:
        _accept_connections(database_url, True)
    response = client.get("/volunteers/")
    assert response.status_code == 200
    assert name in response.get_data(as_text=True)


def test_a_restart_between_requests_costs_no_request(
    app: Flask, as_role: Any, database_url: str, is_postgres: bool
) -> None:
    """The database restarts while nobody asks (its connections in the pool are dead, no
    request saw the outage): the very next request is answered, not a 503, because each
    pooled connection is tried before use (``pool_pre_ping`` in aljisr/config.py)."""
    if not is_postgres:
        pytest.skip("restarts a PostgreSQL database (ALJISR_TEST_DATABASE_URL)")
    from aljisr.extensions import db

    client, user = as_role("coordinator")
    assert client.get("/volunteers/").status_code == 200
    name = user.display_name
    db.session.close()
    _accept_connections(database_url, False)  # every connection of the pool ended
    _accept_connections(database_url, True)
    response = client.get("/volunteers/")
    assert response.status_code == 200, response.status_code
    assert name in response.get_data(as_text=True)

class TestStatementTimeout:
    """A statement the database does not finish within ``DATABASE_STATEMENT_TIMEOUT`` is
    cancelled by PostgreSQL: the page answers the app's 503 page with ``Retry-After``, before
    gunicorn's worker timeout would kill the worker (a bare empty reply), and the next page is
    served as usual. ``flask`` commands run without the limit."""

    SLEEP = "SELECT 'done' FROM pg_sleep(1.5)"

    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "PROPAGATE_EXCEPTIONS": False, "DATABASE_STATEMENT_TIMEOUT": 0.3}

    @pytest.mark.own_app
    def test_a_stuck_query_ends_in_the_503_page(self, app: Flask, is_postgres: bool) -> None:
        if not is_postgres:
            pytest.skip("statement_timeout is PostgreSQL's (SQLite has no server to wait on)")
        from aljisr.extensions import db
        from aljisr.permissions import public

        @app.route("/slow-for-test")
        @public
        def slow() -> str:
            db.session.execute(sa.text(self.SLEEP))
            return "finished"

        client = app.test_client()
        _assert_unavailable(client.get("/slow-for-test"))
        assert client.get("/healthz").status_code == 200  # the worker goes on serving

    def test_commands_run_without_it(self, app_config: dict[str, Any], is_postgres: bool
                                     ) -> None:
        if not is_postgres:
            pytest.skip("statement_timeout is PostgreSQL's")
        import click

        from aljisr.extensions import db

        with click.Context(click.Command("worker")):  # as `flask worker` builds the app
            command_app = create_app(app_config)
        served_app = create_app(app_config)
        with command_app.app_context():
            assert db.session.execute(sa.text(self.SLEEP)).scalar_one() == "done"
            db.session.remove()
            db.engine.dispose()
        with served_app.app_context(), pytest.raises(sa.exc.OperationalError):
            # the check above can fail: the same statement in the served app is cancelled
            try:
                db.session.execute(sa.text(self.SLEEP))
            finally:
                db.session.remove()
                db.engine.dispose()
