"""Table rows as engine-neutral JSON, and back.

JSON has no date, timestamp, decimal or bytes, so those values are written as one-key objects
(``{"$d": "2026-07-01"}``); every other value is plain JSON. Timestamps are written in UTC; on
the way back they are made aware or naive to suit the target column (PostgreSQL
``timestamptz`` or SQLite's naive UTC text), so a SQLite archive restores into PostgreSQL and
the reverse.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa


def encode(value: Any) -> Any:
    """``value`` as read from a column, as JSON-ready data."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, time):
        return {"$t": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict | list):
        return {"$json": value}
    raise TypeError(f"cannot archive a value of type {type(value).__name__}")


def decode(value: Any, column: sa.Column[Any]) -> Any:
    """The value to insert into ``column`` for archived ``value`` (see :func:`encode`)."""
    if not isinstance(value, dict):
        return value
    (tag, raw), = value.items()
    if tag == "$dt":
        moment = datetime.fromisoformat(raw)
        aware = bool(getattr(column.type, "timezone", False))
        return moment.replace(tzinfo=UTC) if aware else moment
    if tag == "$d":
        return date.fromisoformat(raw)
    if tag == "$t":
        return time.fromisoformat(raw)
    if tag == "$dec":
        return Decimal(raw)
    if tag == "$b":
        return base64.b64decode(raw)
    if tag == "$json":
        return raw
    raise ValueError(f"unknown value tag {tag!r} in column {column.name}")
