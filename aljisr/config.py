"""Configuration, in layers: defaults here, then ``instance/config.py``, then
``ALJISR_*`` environment variables, then the overrides a test passes in.

Every setting the application reads is listed in :class:`Defaults` with a comment;
the README's configuration table mirrors it.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


class Defaults:
    """Settings used when nothing else says otherwise."""

    #: Signs sessions and tokens. Required outside debug/testing (see :func:`check_secret_key`).
    SECRET_KEY: str | None = None
    #: ``ALJISR_DATABASE_URL``: an SQLAlchemy URL; empty: SQLite in ``instance/aljisr.sqlite3``.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    #: Time zone in which timestamps are shown (they are stored in UTC).
    TIMEZONE = "Africa/Casablanca"
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
    #: Flask-Limiter storage; ``memory://`` per process, ``redis://host:6379`` when scaled out.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: Login attempts allowed per client address.
    LOGIN_RATE_LIMIT = "10 per minute"
    #: Password-reset requests and one-time link submissions allowed per client address.
    PASSWORD_RESET_RATE_LIMIT = "5 per minute"  # noqa: S105 (a rate, not a password)
    #: Verification-code look-ups allowed per client address (guessing is rate-limited).
    VERIFY_RATE_LIMIT = "30 per minute"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Set ``ALJISR_SESSION_COOKIE_SECURE=true`` when served over HTTPS (production).
    SESSION_COOKIE_SECURE = False
    #: Redirect HTTP to HTTPS and send HSTS (set true behind TLS in production).
    FORCE_HTTPS = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    #: Public base URL printed on certificates (QR code); falls back to the request's host.
    PUBLIC_BASE_URL: str | None = None
    #: Outgoing mail. Without MAIL_SERVER mail goes to the outbox (admins) and the log.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "Al Jisr <no-reply@aljisr.example.org>"
    #: Rows per page in registers.
    PAGE_SIZE = 25
    #: Lifetime of invitation and password-reset links, in hours.
    TOKEN_MAX_AGE_HOURS = 72
    ASSOCIATION_NAME = "Al Jisr Association for Communication and Educational Cooperation"
    ASSOCIATION_PLACE = "Morocco"
    #: Who signs certificates issued without a signed-in coordinator (CLI, seed-demo);
    #: empty: the first active administrator.
    CERTIFICATE_SIGNATORY_NAME: str | None = None
    CERTIFICATE_SIGNATORY_ROLE: str | None = None


def sqlite_url(app: Flask) -> str:
    """Return the URL of the embedded SQLite database in the instance folder."""
    return "sqlite:///" + os.path.join(app.instance_path, "aljisr.sqlite3")


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from the four layers, in order; later layers win."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ALJISR")
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config.get("DATABASE_URL") or sqlite_url(app)
    )


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ConfigurationError(RuntimeError):
    """The configuration cannot run the application safely; the message says how to fix it."""


def check_secret_key(app: Flask) -> None:
    """Refuse to start without a stable secret key outside debug and testing.

    :raises ConfigurationError: when ``SECRET_KEY`` is missing in production.
    """
    if app.config.get("SECRET_KEY") or app.debug or app.testing:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = os.urandom(32).hex()
        return
    raise ConfigurationError(
        "SECRET_KEY is not set. Set ALJISR_SECRET_KEY in the environment, or put "
        "SECRET_KEY = '<long random string>' in "
        f"{os.path.join(app.instance_path, 'config.py')} "
        "(python -c 'import secrets; print(secrets.token_hex(32))' makes one). "
        "It must stay the same across restarts, or every session and link breaks."
    )
