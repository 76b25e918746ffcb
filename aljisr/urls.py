"""URL helpers shared by views."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for
from werkzeug.routing import BuildError, IntegerConverter


def url_if_exists(endpoint: str, **values: Any) -> str | None:
    """``url_for(endpoint, **values)``, or None when that page does not exist (an area not
    installed, or values that do not build a URL). A template global."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def is_safe_next(target: str | None) -> bool:
    """Return whether ``target`` is a local path safe to redirect to after login.

    Only paths such as ``/volunteers?page=2`` pass. Refused: anything with a scheme or host
    (``https://evil.example``, ``javascript:alert(1)``), protocol-relative ``//evil.example``,
    backslash tricks browsers treat as slashes (``/\\evil.example``, ``https:\\\\evil``), and
    control characters.
    """
    if not target or not target.startswith("/"):
        return False
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    if target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


#: Largest id a record can have: the databases' 32-bit INTEGER primary keys.
MAX_RECORD_ID = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a whole number from 0 to :data:`MAX_RECORD_ID`, so an
    absurd id in a URL is a 404 instead of a database overflow."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(map, *args, **kwargs)
