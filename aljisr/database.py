"""Database building blocks shared by every model.

- a naming convention, so constraints have stable names in migrations on SQLite and PostgreSQL;
- :class:`UTCDateTime`, a timestamp stored in UTC that always comes back time-zone aware;
- :class:`TimestampMixin`, ``created_at``/``updated_at`` set by callables (never at import time);
- SQLite connection settings (foreign keys on, WAL, and ``BEGIN IMMEDIATE`` for write requests);
- :func:`postgresql_only`, an index made on PostgreSQL alone, and :func:`schema_objects_of`,
  which tells migrations and their comparison with the models to leave it out elsewhere.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: The largest value an ``Integer`` column holds on PostgreSQL (a signed 32-bit ``integer``);
#: a form field stored in one, or compared with one in SQL, is bounded by it.
INTEGER_MAX = 2**31 - 1
#: The largest value a ``SmallInteger`` column holds on PostgreSQL (``smallint``).
SMALLINT_MAX = 2**15 - 1

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC; naive values are refused, results are always aware (UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use aljisr.database.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every model, with the project's naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """``created_at`` and ``updated_at`` in UTC, maintained by SQLAlchemy."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


def assign(record: Any, name: str, value: Any) -> bool:
    """Set ``record.name`` to ``value`` through the model's validators (which trim text, turn
    "" into None, lower-case e-mails...) and say whether the stored value changed: a form
    sending "" for an empty city, or the same text with other spaces, is no change to audit."""
    before = getattr(record, name)
    if before is None and isinstance(value, str) and not value.strip():
        return False  # a form's empty field where nothing was ever stored
    setattr(record, name, value)
    return bool(getattr(record, name) != before)


def enum_column(enum_cls: type[enum.Enum], **kw: Any) -> sa.Enum:
    """A portable enum column storing the member *values* as VARCHAR with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        validate_strings=True,
        **kw,
    )


#: True while the current unit of work will write; on SQLite its transaction then starts with
#: ``BEGIN IMMEDIATE`` so two writers never both pass a check (docs/architecture.md §2.3).
_write_intent: ContextVar[bool] = ContextVar("aljisr_write_intent", default=False)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    """Within this block, transactions that start on SQLite take the write lock at once."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def set_write_intent(value: bool) -> None:
    """Set the write intent for the rest of this context (a request), see :func:`write_intent`."""
    _write_intent.set(value)


def configure_sqlite(engine: Engine) -> None:
    """Turn on foreign keys and WAL, and let the project, not pysqlite, begin transactions.

    pysqlite's own transaction handling defers BEGIN until the first write, which makes a
    read-check-write sequence racy; see SQLAlchemy's "Serializable isolation / Savepoints /
    Transactional DDL" notes for the pysqlite driver.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def postgresql_only(index: sa.Index) -> sa.Index:
    """``index``, made on PostgreSQL alone (``CREATE INDEX`` is skipped on other engines), e.g.
    a GIN index with ``pg_trgm``'s operators that SQLite has no use for. Its migration must
    make it on PostgreSQL only too; :func:`schema_objects_of` keeps Alembic's comparison of
    models and database from asking for it on SQLite."""
    index.info["only_on"] = "postgresql"
    return index.ddl_if(dialect="postgresql")


def schema_objects_of(dialect_name: str) -> Any:
    """An Alembic ``include_object`` hook for a database of ``dialect_name`` ("sqlite",
    "postgresql"): every schema object but the indexes :func:`postgresql_only` (or the like)
    keeps for another engine. Alembic reads neither ``ddl_if`` nor ``info``."""

    def include(obj: Any, _name: str | None, type_: str, _reflected: bool,
                _compare_to: Any) -> bool:
        only_on = getattr(obj, "info", {}).get("only_on") if type_ == "index" else None
        return only_on is None or only_on == dialect_name

    return include
