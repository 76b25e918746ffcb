"""Counting the SQL queries a piece of work sends (query counts must not grow with rows).

``queries_sent`` is the suite's one way to count queries; use it rather than a listener of
your own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

#: Statements that open, mark or configure a transaction: they depend on the driver and the
#: connection pool, not on the work, so they are not counted.
NOT_QUERIES = ("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")


@contextmanager
def queries_sent(engine: Any = None) -> Iterator[list[str]]:
    """Collect, in a list yielded to the block, the SQL of every query sent to ``engine``
    (default: the current app's) inside it, transaction control (``NOT_QUERIES``) left out.

    Compare lengths, and show the list when they differ::

        with queries_sent() as few:
            client.get(url)
        ...
        assert len(many) == len(few), many
    """
    if engine is None:
        from aljisr.extensions import db

        engine = db.engine
    queries: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(NOT_QUERIES):
            queries.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield queries
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def trigger_names(engine: Any, table: str) -> set[str]:
    """The names of the user-defined triggers on ``table`` (SQLite or PostgreSQL)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            rows = conn.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                (table,))
        else:
            rows = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))
        return set(rows.scalars().all())
