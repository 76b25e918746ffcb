"""Counting the SQL statements a piece of work sends (query counts must not grow with rows)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa


@contextmanager
def statements_sent(engine: Any) -> Iterator[list[str]]:
    """Collect, in a list yielded to the block, every statement sent to ``engine`` inside it
    (``BEGIN`` included where the driver sends it)."""
    statements: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
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
