"""Configuration, in layers: defaults here, then ``instance/config.py``, then
``ALJISR_*`` environment variables, then the overrides a test passes in.

Every setting the application reads is listed in :class:`Defaults` with a comment;
the README's configuration table mirrors it.
"""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask


class Defaults:
    """Settings used when nothing else says otherwise."""

    #: Signs sessions and tokens. Required outside debug/testing (see :func:`check_secret_key`).
    SECRET_KEY: str | None = None
    #: ``ALJISR_DATABASE_URL``: an SQLAlchemy URL; empty: SQLite in ``instance/aljisr.sqlite3``.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    #: PostgreSQL: a statement still running after this many seconds is cancelled by the
    #: server, and the page answers the 503 page (with ``Retry-After``) well before gunicorn's
    #: 60 s worker timeout would kill the worker. ``flask`` commands (the worker, backup,
    #: restore, init-db, imports) run without it: their statements may rightly take long.
    #: 0: no limit. See :func:`postgres_connect_args`.
    DATABASE_STATEMENT_TIMEOUT: float = 30
    #: Time zone in which timestamps are shown (they are stored in UTC).
    TIMEZONE = "Africa/Casablanca"
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
    #: Flask-Limiter storage; ``memory://`` per process, ``redis://host:6379`` when scaled out.
    RATELIMIT_STORAGE_URI = "memory://"
    #: No ``X-RateLimit-*`` headers (they would tell a guesser how many tries are left) and no
    #: ``Retry-After`` on ordinary answers; a 429 gets its ``Retry-After`` from
    #: :func:`aljisr.errors.retry_after_rounded_up`.
    RATELIMIT_HEADERS_ENABLED = False
    #: Every limit of a request is checked, so a 429 tells the wait until all allow it again.
    RATELIMIT_FAIL_ON_FIRST_BREACH = False
    #: When the storage (Redis) does not answer, Flask-Limiter logs a warning ("Rate limit
    #: storage unreachable - falling back to in-memory storage") and counts in each worker's
    #: memory, with the same limits, until the storage answers again (it asks again after 1,
    #: 2, 4 … 32 s): pages are served, never a 500. ``/healthz`` says ``"rate_limits":
    #: "unavailable"`` meanwhile (README, "Production").
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Any other error of the storage (one that fails between the check and the count) is
    #: logged and the request served.
    RATELIMIT_SWALLOW_ERRORS = True
    #: Passed to the storage's client (``redis.Redis``; the in-memory storage ignores them): a
    #: Redis that does not answer costs a request at most 2 s to connect and 2 s to read,
    #: rather than the operating system's minutes.
    RATELIMIT_STORAGE_OPTIONS: dict[str, Any] = {"socket_connect_timeout": 2,
                                                 "socket_timeout": 2}
    #: Failed password guesses allowed per client address (successful sign-ins do not count).
    #: Generous: a school or an office signs in from one shared address, and one person's typos
    #: must not lock out the others; the per-account limit below stops guessing one password.
    LOGIN_RATE_LIMIT = "30 per minute; 300 per hour"
    #: Failed sign-ins allowed per account (the e-mail address typed, whatever the client
    #: address). Past it, that account cannot sign in until the window ends.
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per minute; 20 per hour"
    #: Password-reset requests and one-time link submissions allowed per client address.
    PASSWORD_RESET_RATE_LIMIT = "5 per minute"  # noqa: S105 (a rate, not a password)
    #: Verification-code look-ups allowed per client address (guessing is rate-limited).
    VERIFY_RATE_LIMIT = "30 per minute"
    #: Applications sent from the public form (accepted or silently dropped) per client
    #: address, and per e-mail address typed (a SHA-256 of it is the key, never the address);
    #: forms sent back with an error do not count.
    APPLY_RATE_LIMIT = "5 per hour; 20 per day"
    APPLY_EMAIL_RATE_LIMIT = "3 per hour; 6 per day"
    #: Fewer seconds than this between showing the application form and receiving it: a
    #: script, silently dropped (the visitor sees the usual "check your e-mail" page).
    APPLICATION_MIN_FILL_SECONDS = 5
    #: Days a withdrawal link in an applicant's e-mail works (a confirmation link works
    #: ``TOKEN_MAX_AGE_HOURS``).
    APPLICATION_WITHDRAW_LINK_DAYS = 365
    #: Declined and withdrawn applications are anonymised this many days after the decision
    #: (the worker's daily jobs, or ``flask --app aljisr applications anonymise-expired``);
    #: applications never confirmed, this many days after they were sent.
    APPLICATION_RETENTION_DAYS = 180
    APPLICATION_UNCONFIRMED_DAYS = 14
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Set ``ALJISR_SESSION_COOKIE_SECURE=true`` when served over HTTPS (production).
    SESSION_COOKIE_SECURE = False
    #: Redirect HTTP to HTTPS and send HSTS (set true behind TLS in production).
    FORCE_HTTPS = False
    #: Reverse proxies in front of the app (nginx: 1) whose ``X-Forwarded-For``, ``-Proto``,
    #: ``-Host`` and ``-Port`` headers are believed: the client's address (rate limits, audit)
    #: and the scheme (FORCE_HTTPS) are then the ones the last proxy saw. 0: the headers are
    #: ignored, since without a proxy anyone could send them.
    TRUSTED_PROXIES = 0
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    #: Public base URL printed on certificates (QR code); falls back to the request's host.
    PUBLIC_BASE_URL: str | None = None
    #: Outgoing mail, delivered by the worker. Without MAIL_SERVER the worker writes it to the log.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "Al Jisr <no-reply@aljisr.example.org>"
    #: Delivery by the worker (``flask worker``, aljisr/notifications/worker.py): SMTP timeout,
    #: messages claimed per pass, the claim's lease, retries (doubling from the base, capped)
    #: and the attempts after which a message is marked failed; the idle poll interval.
    MAIL_TIMEOUT_SECONDS = 20
    MAIL_BATCH_SIZE = 10
    MAIL_LEASE_SECONDS = 300
    MAIL_RETRY_BASE_SECONDS = 60
    MAIL_RETRY_MAX_SECONDS = 3600
    MAIL_MAX_ATTEMPTS = 10
    WORKER_POLL_SECONDS = 5
    #: Rows per page in registers.
    PAGE_SIZE = 25
    #: A capped count (hours queue, audit log, placements) counts this many rows at most, or up to
    #: the page asked for; past it a list reads "more than 10000" (docs/architecture.md §6.25).
    LIST_COUNT_LIMIT = 10_000
    #: Folder of ``flask backup`` archives; None means ``instance/backups``.
    BACKUP_DIR: str | None = None
    #: The ``pg_dump`` program for PostgreSQL backups (a name on PATH, or a path).
    PG_DUMP = "pg_dump"
    #: werkzeug ``generate_password_hash`` method for new passwords. Keep scrypt in production;
    #: the test suite sets a one-round PBKDF2 (each scrypt hash costs about 0.4 s).
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    #: Lifetime of invitation and password-reset links, in hours.
    TOKEN_MAX_AGE_HOURS = 72
    #: Years a volunteer's personal data is kept after their registration and last placement;
    #: ``flask volunteers anonymise-expired`` erases it afterwards. The association sets it
    #: (and declares it to the CNDP, Morocco's data-protection authority).
    PERSONAL_DATA_RETENTION_YEARS = 5
    #: The largest volunteer list accepted for import (bytes).
    IMPORT_MAX_BYTES = 20 * 1024 * 1024
    #: A volunteer list larger than this (bytes; about 2,000 rows of CSV) is checked and
    #: imported by the worker (``flask worker``), the page showing its progress; a smaller
    #: one in the request. 0: every list by the worker.
    IMPORT_INLINE_BYTES = 200_000
    #: A worker running an import job for longer than this is taken for dead (seconds):
    #: another worker takes the job again.
    IMPORT_JOB_LEASE_SECONDS = 900
    #: How often the page of a file being checked or imported reloads itself (seconds).
    IMPORT_PROGRESS_REFRESH_SECONDS = 2
    ASSOCIATION_NAME = "Al Jisr Association for Communication and Educational Cooperation"
    ASSOCIATION_PLACE = "Morocco"
    #: Printed on pre-arrival infosheets under the association's name (address, phone).
    ASSOCIATION_CONTACT: str | None = None
    #: Who signs certificates issued without a signed-in coordinator (CLI, seed-demo);
    #: empty: the first active administrator.
    CERTIFICATE_SIGNATORY_NAME: str | None = None
    #: Role printed under the signatory's name on every certificate: one text for all
    #: languages, or a text per language (French and Arabic titles are gendered), e.g.
    #: ``{"en": "Coordinator", "fr": "Coordinatrice", "ar": "منسقة"}``. A language it
    #: leaves out gets the signer's role in the application, translated ("Coordinator",
    #: "Coordinateur", "منسق"); nothing for CERTIFICATE_SIGNATORY_NAME.
    CERTIFICATE_SIGNATORY_ROLE: str | dict[str, str] | None = None


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
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])  # never the shared default
        timeout = float(app.config["DATABASE_STATEMENT_TIMEOUT"] or 0)
        in_command = click.get_current_context(silent=True) is not None
        options["connect_args"] = {
            **postgres_connect_args(0 if in_command else timeout),
            **options.get("connect_args", {}),
        }
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    signatory_role_texts(app.config.get("CERTIFICATE_SIGNATORY_ROLE"))


#: A connection whose sent data the server has not acknowledged for this long is given up
#: (libpq ``tcp_user_timeout``, milliseconds): a server gone from the network mid-query.
TCP_USER_TIMEOUT_MS = 20_000


def postgres_connect_args(statement_timeout: float) -> dict[str, Any]:
    """libpq connection parameters for every PostgreSQL connection of the app (PostgreSQL
    manual, "Connection Strings" §34.1.2, and ``statement_timeout``, §19.11.1).

    :param statement_timeout: seconds a statement may run before the server cancels it
        (``QueryCanceled``, an ``OperationalError``: the 503 page); 0 for no limit.
    :returns: ``connect_args`` for SQLAlchemy's psycopg dialect: TCP keepalives (a probe
        after 30 s idle, then every 10 s, 3 unanswered probes close the connection), so a
        pooled connection to a vanished server is found dead; ``tcp_user_timeout``
        (:data:`TCP_USER_TIMEOUT_MS`), so a query sent to a server that no longer
        acknowledges anything ends in an error rather than waiting for the kernel's
        retransmissions (about 15 minutes); and the statement timeout, if any.

    Not covered: a server (or a middlebox) that still acknowledges TCP but never answers and
    never runs the timeout (a PostgreSQL stopped with SIGSTOP, say): only gunicorn's worker
    timeout ends that request (README, "Production").
    """
    args: dict[str, Any] = {
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
    }
    if statement_timeout > 0:
        args["options"] = f"-c statement_timeout={max(1, round(statement_timeout * 1000))}"
    return args


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ConfigurationError(RuntimeError):
    """The configuration cannot run the application safely; the message says how to fix it."""


def signatory_role_texts(value: Any) -> dict[str, str]:
    """``CERTIFICATE_SIGNATORY_ROLE`` as ``{language: text}`` for the certificate languages.

    A text applies to every language (``"Présidente"`` -> en, fr and ar); a mapping gives
    a text per language code (``{"fr": "Coordinatrice", "ar": "منسقة"}``), and languages
    it leaves out are absent from the result. None or blank texts give nothing. Texts are
    stripped. Checked when the application starts (:func:`load_config`) and read again at
    every issue, so a value changed at run time is checked too.

    :raises ConfigurationError: the value is neither a text nor a mapping of the language
        codes en, fr, ar to texts.
    """
    from aljisr.i18n import LANGUAGES

    if value is None or isinstance(value, str):
        text = (value or "").strip()
        return dict.fromkeys(LANGUAGES, text) if text else {}
    if isinstance(value, dict) and all(
        key in LANGUAGES and (text is None or isinstance(text, str))
        for key, text in value.items()
    ):
        return {key: text.strip() for key, text in value.items() if text and text.strip()}
    raise ConfigurationError(
        "CERTIFICATE_SIGNATORY_ROLE must be a text, or a text per language code "
        f"({', '.join(LANGUAGES)}), e.g. {{\"fr\": \"Coordinatrice\", \"ar\": \"منسقة\"}}; "
        f"got {value!r}."
    )


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
