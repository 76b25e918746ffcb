"""URL helpers shared by views."""

from __future__ import annotations

from urllib.parse import urlsplit


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
