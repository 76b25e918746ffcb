"""Fixtures: a real app on a real database (SQLite file, or PostgreSQL when
``ALJISR_TEST_DATABASE_URL`` is set), a test client, and signed-in clients per role.

The schema is built once per run by running the migrations (so every run also proves they
work); after each test every table is emptied, so tests can commit and use threads freely.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from aljisr import create_app
from aljisr.extensions import db as _db
from tests.support.clients import login_client
from tests.support.databases import drop_postgres_database, fresh_postgres_database

PG_ENV = "ALJISR_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of this run's database, migrated to the newest revision."""
    server = os.environ.get(PG_ENV)
    if server:
        url, name = fresh_postgres_database(server)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        name = ""
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _db.engine.dispose()
    yield url
    if server:
        drop_postgres_database(server, name)


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own (a SQLite file, or a fresh PostgreSQL database
    when ``ALJISR_TEST_DATABASE_URL`` is set), for tests that run migrations step by step."""
    server = os.environ.get(PG_ENV)
    if not server:
        yield "sqlite:///" + str(tmp_path / "empty.sqlite3")
        return
    url, name = fresh_postgres_database(server)
    yield url
    drop_postgres_database(server, name)


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """Settings for the test app; override this fixture to change them."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "PUBLIC_BASE_URL": "https://aljisr.example.org",
        # one round: test users cost microseconds; test_auth keeps one test on the real scrypt
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an empty ``contextvars`` context.

    The test itself holds an app context (to use the database directly); without this, Flask
    would reuse it for the client's requests, sharing ``g`` (Flask-Login's cached user) and the
    database session between requests, which real requests never do.

    The test's own session is committed before each request (so it holds no stale snapshot
    or lock) and expired after it (so the test reads what the request wrote).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:  # noqa: A003
        outer = has_app_context()
        if outer:
            _db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if outer:
            _db.session.expire_all()
        return response


#: One app per distinct ``app_config``, built on first use (building one costs more than most
#: tests: every URL rule and template is compiled again).
_APPS: dict[str, Flask] = {}


def _new_app(config: dict[str, Any]) -> Flask:
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if _db.engine.dialect.name == "sqlite":
            sa.event.listen(_db.engine, "connect", _no_sync)
    return app


def _no_sync(dbapi_connection: Any, _record: Any) -> None:
    """A test database need not survive a power cut: SQLite skips its fsync on each commit."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def _app_for(config: dict[str, Any]) -> Flask:
    key = repr(sorted(config.items()))
    if key not in _APPS:
        _APPS[key] = _new_app(config)
    return _APPS[key]


@pytest.fixture
def app(app_config: dict[str, Any], request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app, on the run's database, emptied after the test.

    Tests with the same ``app_config`` share one app: what a test changes in ``app.config`` is
    put back after it, and the rate limiter starts afresh. A test that changes the app itself
    (adds a route) is marked ``own_app`` and gets an app of its own.
    """
    from aljisr.extensions import limiter

    own = request.node.get_closest_marker("own_app") is not None
    app = _new_app(app_config) if own else _app_for(app_config)
    config = dict(app.config)
    # the limiter is one object for every app: its switch follows the app in use
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    # (a storage that does not answer, tests/auth/test_rate_limit_storage.py, has nothing to clear)
    if limiter.enabled and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        limiter.reset()
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_all_tables()
        if own:
            _db.engine.dispose()
    app.config.clear()
    app.config.update(config)


def _empty_all_tables() -> None:
    """Delete every row, dependent tables first, and (PostgreSQL) restart the id sequences.

    DELETE, not TRUNCATE: on the few rows a test leaves, PostgreSQL's TRUNCATE (new files for
    every table) took about half a second, DELETE a millisecond.
    """
    if _db.engine.dialect.name == "postgresql":
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.exec_driver_sql(f'DELETE FROM "{table.name}"')
            conn.exec_driver_sql(
                "SELECT setval(c.oid, 1, false) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema()")
        return
    # SQLite checks foreign keys row by row: self-references (project phases) need them off
    raw = _db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("BEGIN")
        for table in reversed(_db.metadata.sorted_tables):
            cursor.execute(f'DELETE FROM "{table.name}"')
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        raw.close()


@pytest.fixture
def db(app: Flask) -> Any:
    """The Flask-SQLAlchemy extension, bound to the test app."""
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture
def as_role(app: Flask, db: Any) -> Any:
    """``as_role("coordinator")`` -> (client signed in, user). Roles: admin, coordinator,
    volunteer, sending, host (the last two are partner users of a sending / host organisation)."""
    from tests.support import factories

    def make(role: str) -> tuple[FlaskClient, Any]:
        user = factories.user_for_role(role)
        _db.session.commit()
        return login_client(app, user), user

    return make
