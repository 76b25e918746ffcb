"""Counting the SQL queries a piece of work sends (query counts must not grow with rows).

``queries_sent`` is the suite's one way to count queries; use it rather than a listener of
your own. ``queries_in_templates`` builds on it: the queries sent while a template renders.
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


@contextmanager
def queries_in_templates(app: Any) -> Iterator[list[tuple[str, str]]]:
    """Collect, in a list yielded to the block, (template name, SQL) for every query sent
    while one of ``app``'s Jinja templates renders, between Flask's ``before_render_template``
    and ``template_rendered`` signals (docs/architecture.md §4.6: templates never query). A
    lazy-loaded relationship read by a template is one of them; the context processors run
    before the first signal, so their reads are not.
    """
    from flask import before_render_template, template_rendered

    found: list[tuple[str, str]] = []
    rendering: list[tuple[str, int]] = []  # (template, statements sent before it), innermost last

    with queries_sent() as statements:

        def started(_sender: Any, template: Any, **_kwargs: Any) -> None:
            rendering.append((template.name or "<string>", len(statements)))

        def finished(_sender: Any, template: Any, **_kwargs: Any) -> None:
            name, first = rendering.pop()
            # an inner template's queries were already taken: only the new ones are this one's
            found.extend((name, sql) for sql in statements[first:])
            del statements[first:]

        before_render_template.connect(started, app)
        template_rendered.connect(finished, app)
        try:
            yield found
        finally:
            before_render_template.disconnect(started, app)
            template_rendered.disconnect(finished, app)


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
