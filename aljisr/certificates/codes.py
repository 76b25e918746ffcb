"""Serial numbers and verification codes: how they are made, how a typed one is read, and the
public URL a code opens (docs/architecture.md §2.6).

- Serial numbers are ``AJ-<year>-<sequence>`` (sequence per issue year, at least 4 digits);
  :mod:`aljisr.certificates.services` gives them out.
- Verification codes are 144 random bits (:func:`secrets.token_urlsafe`, 24 characters).
"""

from __future__ import annotations

import logging
import re
import secrets

from flask import current_app, has_request_context, url_for

log = logging.getLogger(__name__)

#: Random bytes in a verification code (18 bytes = 144 bits = 24 URL-safe characters).
CODE_BYTES = 18
#: A typed verification code: URL-safe base64 characters (see :func:`normalise_code`).
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
SERIAL_PREFIX = "AJ"
#: Something shaped like a serial number (:func:`format_serial`), as people type it: any
#: case, hyphens, dashes or nothing between the parts, digits of any script.
SERIAL_SHAPE = re.compile(
    re.escape(SERIAL_PREFIX) + r"[-\u2010-\u2015]?\d{4}[-\u2010-\u2015]?\d{1,12}", re.IGNORECASE
)


def format_serial(year: int, sequence: int) -> str:
    """``AJ-2026-0007``: prefix, issue year, per-year sequence (at least four digits)."""
    return f"{SERIAL_PREFIX}-{year}-{sequence:04d}"


def new_verification_code() -> str:
    """A fresh unguessable public code (144 random bits from :mod:`secrets`)."""
    return secrets.token_urlsafe(CODE_BYTES)


def normalise_code(typed: str | None) -> str | None:
    """Return the code in what someone typed or pasted, or None if it cannot be one.

    Spaces anywhere are dropped (codes are often read aloud or copied from paper), and a
    pasted verification URL is reduced to its last path segment. The result has 16 to 64
    URL-safe base64 characters (``A-Z a-z 0-9 _ -``).
    """
    if not typed:
        return None
    text = "".join(typed.split())
    if "/" in text:
        text = text.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    return text if CODE_PATTERN.fullmatch(text) else None


def looks_like_serial(typed: str | None) -> bool:
    """True if ``typed`` (spaces ignored) has the shape of a serial number, e.g. "AJ-2026-0004"
    or "aj 2026 4".

    Shape only: no look-up, so the answer says nothing about whether such a certificate exists
    (the public verification form must not tell serial numbers apart).
    """
    return bool(typed) and SERIAL_SHAPE.fullmatch("".join(typed.split())) is not None


def verification_url(code: str) -> str:
    """The public URL of ``/verify/<code>`` printed on the certificate and in its QR code.

    ``PUBLIC_BASE_URL`` (e.g. ``https://aljisr.example.org``) when set; otherwise the current
    request's host, or ``SERVER_NAME``; outside both (a CLI run without configuration) it
    falls back to ``http://localhost:5000`` and logs a warning.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        path = current_app.url_map.bind(
            "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/"
        ).build("verify.certificate", {"code": code})
        return base.rstrip("/") + path
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("verify.certificate", code=code, _external=True)
    log.warning("PUBLIC_BASE_URL is not set: certificate URLs point at http://localhost:5000")
    path = current_app.url_map.bind("localhost").build("verify.certificate", {"code": code})
    return "http://localhost:5000" + path


__all__ = [
    "CODE_BYTES",
    "SERIAL_PREFIX",
    "format_serial",
    "looks_like_serial",
    "new_verification_code",
    "normalise_code",
    "verification_url",
]
