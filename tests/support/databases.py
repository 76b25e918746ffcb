"""Fresh PostgreSQL databases for a test run or a single test (created and dropped here)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from aljisr.config import normalise_database_url


def fresh_postgres_database(server_url: str) -> tuple[str, str]:
    """Create an empty database on the server; return (its URL, its name)."""
    url = sa.make_url(normalise_database_url(server_url))
    name = f"aljisr_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        # a test database need not survive a crash: commits do not wait for the disk (as
        # SQLite's synchronous=OFF in tests/conftest.py)
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


def drop_postgres_database(server_url: str, name: str) -> None:
    url = sa.make_url(normalise_database_url(server_url))
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
