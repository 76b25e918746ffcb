"""Where a page's memory and database time go, at full size: for each page of the bench mix.

For every page of ``bench/run.py``'s ``PAGES`` on the full-size dataset (10,000 volunteers,
400,000 hours entries), one signed-in coordinator asks it twice in one process, and this
prints what the first request left behind (traced by ``tracemalloc``: SQLAlchemy's compiled
statements, Jinja's compiled templates) and what the second added (0 when nothing grows),
with the statements the page sends. ``--explain`` (PostgreSQL) also runs ``EXPLAIN ANALYZE``
on each statement of the page with its parameters and prints the server's execution time.
This is how docs/architecture.md §6.25 found the cost of joined eager loads and of a name
searched inside the key (bench/README.md, "Lean workers")::

    .venv/bin/python -OO -m bench.statements                     # SQLite, as workers run
    .venv/bin/python -OO -m bench.statements --engine postgresql --explain --only hours.queue.filter

The datasets are ``bench/run.py``'s own: ``bench/data/large.sqlite3``, and on PostgreSQL the
database ``aljisr_bench_rss_large`` (kept; generated when missing or stale).
"""

from __future__ import annotations

import argparse
import gc
import os
import tracemalloc
from typing import Any

import sqlalchemy as sa

from bench.run import DEFAULT_SERVER, LARGE, PAGES, Target, _dataset


def _traced_kb() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 1000


def _explain(target: Target, statements: list[tuple[str, Any]]) -> list[tuple[float, str]]:
    """(server milliseconds, the statement's first words) for each of ``statements``."""
    from aljisr.extensions import db

    timed = []
    with target.app.app_context():
        connection = db.session.connection()
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE) {statement}", parameters)
            lines = [row[0] for row in plan]
            ms = next(float(line.split()[2]) for line in lines
                      if line.startswith("Execution Time"))
            timed.append((ms, " ".join(statement.split())[:100]))
        db.session.rollback()
    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres", metavar="SERVER_URL", default=DEFAULT_SERVER)
    parser.add_argument("--explain", action="store_true",
                        help="PostgreSQL: each statement's execution time (EXPLAIN ANALYZE)")
    parser.add_argument("--only", nargs="*", help="these pages only (names)")
    args = parser.parse_args(argv)
    os.environ.setdefault("ALJISR_SECRET_KEY", "bench")
    postgres = args.postgres if args.engine == "postgresql" else None
    url = _dataset("rss_large" if postgres else "large", LARGE, postgres, False)
    target = Target("large", url)
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        sent.append((statement, parameters))

    from aljisr.extensions import db

    with target.app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
    target.request("/home")  # the layout, the signed-in user, the mappers: left out below
    tracemalloc.start()
    total = 0.0
    print(f"{'page':22s} {'KB first':>9s} {'KB again':>9s} {'statements':>10s}")
    for page in PAGES:
        path = target.url(page)
        if path is None or (args.only and page.name not in args.only):
            continue
        before = _traced_kb()
        target.request(path)
        first = _traced_kb()
        sent.clear()
        target.request(path)
        again = _traced_kb()
        total += first - before
        print(f"{page.name:22s} {first - before:9.0f} {again - first:9.0f} {len(sent):10d}")
        if args.explain and postgres:
            for ms, words in _explain(target, list(sent)):
                print(f"    {ms:7.2f} ms  {words}")
    print(f"{'every page':22s} {total:9.0f}")
    target.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
