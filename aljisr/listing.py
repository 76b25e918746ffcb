"""Server-side lists: search, whitelisted sorting and pagination, shared by the registers.

A register's list is one ``Select`` (eager-loaded by its ``queries.py``) plus one count query,
whatever the size of the data. A list of what accumulates (hours entries, audit events, placements)
counts at most ``LIST_COUNT_LIMIT`` rows (docs/architecture.md §6.25). Nothing here trusts the
query string: an unknown sort key falls back to the default, a page number that is not a
number is page 1, and a page past the end is the last page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app

from aljisr.extensions import db
from aljisr.text import search_key, unstorable

#: What joins the parts of a label listed in a picker: ``aljisr.i18n.isolated_text``'s " · "
#: and the en dash between a project's dates.
LABEL_SEPARATORS = frozenset({"·", "–"})


def search_terms(query: str | None) -> list[str]:
    """Fold a search box's text into terms (see :func:`aljisr.text.search_key`).

    "  Inès  Benali " -> ["ines", "benali"]. Every term must occur in the record's key. The
    separators of a picker's option label (:data:`LABEL_SEPARATORS`) are no terms, so its
    label, or a part of it, searches: "Inès Benali · ines@" -> ["ines", "benali", "ines@"].
    """
    terms = search_key(query).split() if query else []
    return [term for term in terms if term not in LABEL_SEPARATORS]


def search_clause(column: Any, query: str | None) -> Any:
    """A WHERE clause: every folded term of ``query`` occurs in ``column`` (a ``search_key``).

    LIKE wildcards typed by the user (``%``, ``_``) are escaped, so they match themselves.
    Returns ``sa.true()`` for an empty query, and ``sa.false()`` (no match) for one holding a
    character no record can hold (:func:`aljisr.text.unstorable`: NUL, a lone surrogate).
    """
    if unstorable(query):
        return sa.false()
    terms = search_terms(query)
    if not terms:
        return sa.true()
    return sa.and_(*(column.contains(term, autoescape=True) for term in terms))


def archived_clause(column: Any, show: str | None) -> Any:
    """A WHERE clause on a register's ``archived_at`` ``column`` for its "archived" filter.

    ``show``: "" or None -> current records only (``archived_at IS NULL``), "archived" ->
    archived only, "all" -> both (``sa.true()``).
    """
    if show == "all":
        return sa.true()
    if show == "archived":
        return column.is_not(None)
    return column.is_(None)


@dataclass(frozen=True)
class Sort:
    """A whitelisted sort: ``key`` as it appears in the URL, ``direction`` "asc" or "desc"."""

    key: str
    direction: str

    @property
    def descending(self) -> bool:
        return self.direction == "desc"


def parse_sort(
    args: Mapping[str, str],
    columns: Mapping[str, Sequence[Any]],
    default: str,
    default_direction: str = "asc",
) -> Sort:
    """Read ``sort`` and ``dir`` from the query string; unknown values fall back to the default."""
    key = args.get("sort", default)
    if key not in columns:
        key = default
    direction = args.get("dir", default_direction if key == default else "asc")
    if direction not in ("asc", "desc"):
        direction = "asc"
    return Sort(key, direction)


def order_by(sort: Sort, columns: Mapping[str, Sequence[Any]], tiebreak: Any) -> list[Any]:
    """ORDER BY expressions for ``sort``; NULLs last in both directions, then ``tiebreak``.

    ``NULLS LAST`` is spelt as a CASE so it means the same on SQLite and PostgreSQL; it is left
    out for NOT NULL columns, so their index can serve the ORDER BY.
    """
    clauses: list[Any] = []
    for column in columns[sort.key]:
        if getattr(getattr(column, "expression", column), "nullable", True):
            clauses.append(sa.case((column.is_(None), 1), else_=0))
        clauses.append(column.desc() if sort.descending else column.asc())
    clauses.append(tiebreak.desc() if sort.descending else tiebreak.asc())
    return clauses


def parse_page(args: Mapping[str, str]) -> int:
    """The requested page number, at least 1 (anything that is not a number is page 1)."""
    try:
        return max(1, int(args.get("page", "1")))
    except (TypeError, ValueError):
        return 1


@dataclass
class Page:
    """One page of results: ``items`` plus what the pagination links need.

    ``more``: the count was capped and more rows than ``total`` match; ``pages`` is then the
    number of pages ``total`` fills, the pager links past it with Next only.
    """

    items: list[Any]
    total: int
    page: int
    per_page: int
    more: bool = False
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or self.more

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link to, with None for a gap: [1, None, 4, 5, 6, None, 12].

        With a capped count (``more``) the last page is unknown: no link to it, and a final
        gap stands for the pages past the count: [1, None, 4, 5, 6, None].
        """
        shown = {1, *range(self.page - around, self.page + around + 1)}
        if not self.more:
            shown.add(self.pages)
        # with ``more``, the page after the rows counted exists too
        numbers = sorted(n for n in shown if 1 <= n <= self.pages + self.more)
        result: list[int | None] = []
        for n in numbers:
            if result and n - (result[-1] or 0) > 1:
                result.append(None)
            result.append(n)
        if self.more:
            result.append(None)
        return result


def paginate(
    stmt: sa.Select[Any],
    page: int,
    *,
    order: Sequence[Any] = (),
    options: Sequence[Any] = (),
    per_page: int | None = None,
    rows: bool = False,
    count: sa.Select[Any] | None = None,
    capped: bool = False,
) -> Page:
    """Count the rows of ``stmt`` (one query), then load one page of them (one query).

    :param stmt: a ``select(Entity)`` with its filters (and any many-to-one joins), no ORDER BY.
    :param order: ORDER BY clauses, applied to the page query only.
    :param options: eager-loading options, applied to the page query only.
    :param page: 1-based; a page past the end gives the last page.
    :param rows: ``stmt`` selects the entity then extra columns (e.g. counts as scalar
        subqueries): items are rows, not entities.
    :param count: the statement whose rows to count when ``stmt`` has joins the count does
        not need (an outer join for a name to show: SQLite would still walk it for every row).
    :param capped: count no further than the ``LIST_COUNT_LIMIT`` setting (10,000 rows), or
        than the rows up to the requested page if that is further; past it the page has
        ``more`` set and ``total`` is the number counted. An exact count of a log of 400,000
        rows is most of the page's time on PostgreSQL (docs/architecture.md §6.25).
    """
    per_page = per_page or current_app.config["PAGE_SIZE"]
    counted = stmt if count is None else count
    ids = counted.with_only_columns(*_id_columns(counted)).order_by(None)
    limit = None
    if capped:
        # enough rows to know the requested page and whether another follows it
        cap = current_app.config["LIST_COUNT_LIMIT"]
        limit = max(cap, min(page * per_page, 2**62)) + 1
        ids = ids.limit(limit)
    count_stmt = sa.select(sa.func.count()).select_from(ids.subquery())
    total = db.session.scalar(count_stmt) or 0
    more = limit is not None and total >= limit
    if more:
        total = limit - 1
    pages = max(1, math.ceil(total / per_page))
    page = min(page, pages)
    page_stmt = stmt.order_by(*order).options(*options)
    page_stmt = page_stmt.limit(per_page).offset((page - 1) * per_page)
    result = db.session.execute(page_stmt).unique()
    items = list(result.all() if rows else result.scalars())
    return Page(items=items, total=total, page=page, per_page=per_page, more=more)


def _id_columns(stmt: sa.Select[Any]) -> Iterable[Any]:
    """The primary key of the selected entity, so the count subquery stays narrow."""
    entity = stmt.column_descriptions[0]["entity"]
    return sa.inspect(entity).primary_key
