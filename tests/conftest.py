"""Fixtures: a real app on a real database, a test client, and signed-in clients per role.

Every test that uses a database runs once on each engine of the run, in one pytest session
(``test_x[sqlite]``, ``test_x[postgresql]``): SQLite always, PostgreSQL when
``ALJISR_TEST_DATABASE_URL`` names a server (``make test`` sets it when the local server
answers). ``ALJISR_TEST_ENGINES=postgresql`` (or ``sqlite``) keeps one engine; with SQLite
left out, the tests that use no database are left out too, as the SQLite run has them.
A test that uses no database runs once.

Each engine's schema is built once per test process by running the migrations (so every
run also proves they work); after each test every table is emptied, so tests can commit and
use threads freely.
"""

from __future__ import annotations

import contextvars
import functools
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from aljisr import create_app
from aljisr.extensions import db as _db
from tests.support.clients import login_client
from tests.support.databases import drop_postgres_database, fresh_postgres_database

#: The test processes make objects by the million and keep few: with Python's default first
#: threshold (700 allocations) the cyclic garbage collector took about 10 % of their CPU
#: (2.4 s of 25 s over 783 tests), with 10,000 about 0.6 s. Only the tests: the app's own
#: processes keep Python's defaults.
gc.set_threshold(10_000, 10, 10)

PG_ENV = "ALJISR_TEST_DATABASE_URL"
ENGINES_ENV = "ALJISR_TEST_ENGINES"


def _engines() -> tuple[list[str], str]:
    """The engines of this run, and what is wrong with the asked-for ones ("" when nothing):
    ``ALJISR_TEST_ENGINES`` (comma-separated), else SQLite and, when
    ``ALJISR_TEST_DATABASE_URL`` is set, PostgreSQL."""
    chosen = [e.strip() for e in os.environ.get(ENGINES_ENV, "").split(",") if e.strip()]
    engines = chosen or ["sqlite", *(["postgresql"] if os.environ.get(PG_ENV) else [])]
    unknown = sorted(set(engines) - {"sqlite", "postgresql"})
    if unknown:
        return ["sqlite"], (f"{ENGINES_ENV}={os.environ[ENGINES_ENV]}: unknown engine(s) "
                            f"{', '.join(unknown)}; the engines are sqlite and postgresql")
    if "postgresql" in engines and not os.environ.get(PG_ENV):
        return ["sqlite"], (f"{ENGINES_ENV} asks for postgresql: set {PG_ENV} to a server "
                            "(e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    return engines, ""


ENGINES, _ENGINES_ERROR = _engines()


def pytest_configure(config: pytest.Config) -> None:
    if _ENGINES_ERROR:
        raise pytest.UsageError(_ENGINES_ERROR)


def pytest_report_header(config: pytest.Config) -> str:
    left_out = "" if "sqlite" in ENGINES else " (tests that use no database: deselected)"
    return f"database engines: {', '.join(ENGINES)}{left_out}"


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Before the process ends: everything it holds is moved out of the garbage collector's
    sight (``gc.freeze``), after pytest's own last collection (which reports unraisable
    exceptions). Python's exit would otherwise walk the whole heap of a test process, every
    app and cache it built, in its final collections: 5-7 s of CPU for each process of
    ``make test``, after the last test."""
    gc.freeze()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without SQLite in the run, leave out the tests that use no database (the SQLite run
    has them; on PostgreSQL they would prove nothing more)."""
    if "sqlite" in ENGINES:
        return
    kept = [item for item in items if "engine" in getattr(item, "fixturenames", ())]
    left_out = [item for item in items if "engine" not in getattr(item, "fixturenames", ())]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session")
def _migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """engine -> URL of this process's database on that engine, made and migrated to the
    newest revision on first use; PostgreSQL's is dropped at the end."""
    made: dict[str, str] = {}
    yield made
    if "postgresql" in made:
        drop_postgres_database(os.environ[PG_ENV], sa.make_url(made["postgresql"]).database)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The database engine this test runs on: ``"sqlite"`` or ``"postgresql"``."""
    return request.param


@pytest.fixture
def database_url(engine: str, _migrated_databases: dict[str, str],
                 tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of this process's database on ``engine``, migrated to the newest revision."""
    if engine not in _migrated_databases:
        if engine == "postgresql":
            url, _name = fresh_postgres_database(os.environ[PG_ENV])
        else:
            url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        app = create_app({"TESTING": True, "DATABASE_URL": url})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            _db.engine.dispose()
        _migrated_databases[engine] = url
    return _migrated_databases[engine]


@pytest.fixture
def empty_database_url(engine: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own on ``engine`` (a SQLite file, or a fresh
    PostgreSQL database), for tests that run migrations step by step."""
    if engine == "sqlite":
        yield "sqlite:///" + str(tmp_path / "empty.sqlite3")
        return
    url, name = fresh_postgres_database(os.environ[PG_ENV])
    yield url
    drop_postgres_database(os.environ[PG_ENV], name)


@pytest.fixture
def app_config(base_config: dict[str, Any], database_url: str) -> dict[str, Any]:
    """Settings for the test app; override this fixture to change them."""
    return {**base_config, "DATABASE_URL": database_url}


@pytest.fixture
def base_config() -> dict[str, Any]:
    """The test app's settings without a database (for an app on a database of its own)."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
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


class _SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory and shared by every app this process builds (each
    app's Jinja environment would otherwise compile every template it renders again). Jinja
    checks each template's source against the checksum it was compiled from."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _SharedTemplateCode()


def _new_app(config: dict[str, Any]) -> Flask:
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
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


@functools.cache
def _empty_postgres() -> str:
    """Every table emptied, dependent tables first, and the id sequences restarted, as one
    string (read once the app has imported every model)."""
    return "; ".join([
        *(f'DELETE FROM "{table.name}"' for table in reversed(_db.metadata.sorted_tables)),
        "SELECT setval(c.oid, 1, false) FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'S' AND n.nspname = current_schema()",
    ])


def _empty_all_tables() -> None:
    """Delete every row, dependent tables first, and (PostgreSQL) restart the id sequences.

    DELETE, not TRUNCATE: on the few rows a test leaves, PostgreSQL's TRUNCATE (new files for
    every table) took about half a second, DELETE a millisecond. On PostgreSQL the statements
    go as one string (psycopg sends a query without parameters as one simple query): one
    round trip instead of 32, 0.7 ms instead of 2.1 ms a test.
    """
    if _db.engine.dialect.name == "postgresql":
        with _db.engine.begin() as conn:
            conn.exec_driver_sql(_empty_postgres())
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
def is_postgres(engine: str) -> bool:
    return engine == "postgresql"


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
