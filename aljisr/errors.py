"""Domain errors raised by services, and the HTML error pages (403, 404, 429, 500, 503)."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Flask, Response, current_app, g, render_template
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from aljisr.i18n import _l


class DomainError(Exception):
    """A rule of docs/architecture.md §2 refused an operation.

    ``message`` is a translated, user-facing sentence; ``field`` names the form field it belongs
    beside (or None for the form as a whole).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotAllowed(DomainError):
    """The operation is not allowed in the current state (e.g. an illegal status change)."""


class Conflict(DomainError):
    """The operation conflicts with existing data (overlap, capacity, duplicate)."""


class UnstorableText(DomainError):
    """Text holds a character no database can store (NUL, a lone surrogate; see
    :func:`aljisr.text.unstorable`)."""

    def __init__(self, field: str | None = None) -> None:
        super().__init__(_l("This text contains an invisible character that cannot be saved "
                            "(a NUL character). Remove it and send again."), field)


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("Service unavailable"),
}


#: Seconds a client is asked to wait (``Retry-After``) when the database does not answer.
RETRY_AFTER_SECONDS = 30


def rate_limit_wait() -> int | None:
    """Whole seconds until the rate limits this request broke allow it again (rounded up, at
    least 1; the latest of them when several broke), or None when it broke none.

    Read from Flask-Limiter's limits of the request (``limiter.current_limits``), whose
    ``reset_at`` is the end of the window rounded up to a second; its own headers are off
    (``RATELIMIT_HEADERS_ENABLED``), so that ordinary answers carry neither ``Retry-After``
    nor counts of attempts left.
    """
    from aljisr.extensions import limiter

    try:
        resets = [limit.reset_at for limit in limiter.current_limits if limit.breached]
    except Exception:  # no limiter context (disabled, or the storage is unreachable)
        current_app.logger.debug("rate limits not readable", exc_info=True)
        return None
    return max(1, math.ceil(max(resets) - time.time())) if resets else None


def too_many_attempts_message() -> str:
    """The sentence of a 429: the real wait in words, in the user's language ("Too many
    attempts. Please try again in about 55 minutes.")."""
    from aljisr.i18n import _, format_wait

    wait = rate_limit_wait()
    if wait is None:
        return _("Too many attempts. Please try again later.")
    return _("Too many attempts. Please try again in about %(wait)s.", wait=format_wait(wait))


def retry_after_rounded_up(response: Response) -> Response:
    """Give a 429 its ``Retry-After`` (delta-seconds, RFC 9110 §10.2.3): the whole seconds up
    to the end of the window it broke, rounded up (:func:`rate_limit_wait`), so that a client
    waiting exactly that long is not refused again. Only 429s carry it.
    """
    if response.status_code == 429 and (wait := rate_limit_wait()) is not None:
        response.headers["Retry-After"] = str(wait)
    return response

#: What SQLAlchemy raises when the database cannot be reached or used just now: refused or
#: dropped connections, an unopenable SQLite file, a locked database, an exhausted pool (and
#: PostgreSQL's other "operational" refusals, a deadlock or a cancelled statement, which a
#: later try may clear as well).
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database cannot be reached (:data:`DATABASE_UNAVAILABLE`,
    or any driver error that SQLAlchemy saw break the connection)."""
    return isinstance(error, DATABASE_UNAVAILABLE) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _forget_database() -> None:
    """End the request's transaction, and make the rest of the request anonymous, so that the
    error page neither reads the signed-in user nor reaches the database again."""
    from aljisr.extensions import db, login_manager

    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone: nothing to roll back
        current_app.logger.debug("rollback after a database error failed", exc_info=True)
    g._login_user = login_manager.anonymous_user()  # Flask-Login's per-request user


def _page(code: int, title: Any, detail: Any = None) -> str:
    """``templates/errors/error.html`` for ``code``. Should rendering fail (the signed-in
    user cannot be read), it is rendered again as for an anonymous visitor, without the
    database; failing that too, a page of plain HTML."""
    try:
        return render_template("errors/error.html", code=code, title=title, detail=detail)
    except Exception as error:  # the error page must not fail in turn
        if database_unavailable(error):
            current_app.logger.warning("error page %s without the user: %s", code, error)
        else:
            current_app.logger.exception("error page %s failed; rendered without the user", code)
        _forget_database()
    try:
        return render_template("errors/error.html", code=code, title=title, detail=detail)
    except Exception:
        current_app.logger.exception("error page %s failed again; plain page", code)
        return f"<!doctype html><title>{code}</title><h1>{code}</h1>"


def error_page(error: HTTPException) -> tuple[str, int]:
    """The app's page for an HTTP error (``templates/errors/error.html``); a 429 says how
    long to wait (:func:`too_many_attempts_message`)."""
    code = error.code or 500
    detail = too_many_attempts_message() if code == 429 else None
    return _page(code, ERROR_TITLES.get(code, error.name), detail), code


def register_error_pages(app: Flask) -> None:
    """Render every HTTP error with ``templates/errors/error.html``; a database that cannot be
    reached answers 503 with ``Retry-After`` (:func:`database_unavailable`)."""

    def unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
        """The app's own 503 page, rendered for an anonymous visitor (the signed-in user is
        read from the database) in the session's or browser's language. Every request tries
        the database again (``pool_pre_ping``), so pages come back by themselves."""
        current_app.logger.error("database unavailable: %s", error)
        _forget_database()
        detail = _l("The database cannot be reached just now. Please try again in a moment. "
                    "If you were sending a form, check afterwards that it was saved.")
        return (_page(503, ERROR_TITLES[503], detail), 503,
                {"Retry-After": str(RETRY_AFTER_SECONDS)})

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, unavailable)

    app.register_error_handler(HTTPException, error_page)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def form_expired(_error: CSRFError) -> tuple[str, int]:
        """A form sent from a page of an earlier session (signed out meanwhile, cookies
        cleared): nothing is saved, and the page says how not to lose what was typed."""
        return _page(
            400, _l("This form could not be sent"),
            _l("It was opened in an earlier session (you signed out, perhaps in another "
               "tab, or the browser forgot you), so nothing was saved. Use your "
               "browser's Back button: what you typed is usually still there. Sign in "
               "again in another tab if needed, then send the form again."),
        ), 400

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def bad_value(error: Exception) -> tuple[str, int]:
        """A value the database cannot hold reached it (an absurd id in a form, say): the
        request is refused as bad input rather than failing. Forms validate first; this is
        the net under them."""
        from aljisr.extensions import db

        db.session.rollback()
        current_app.logger.warning("bad value refused by the database: %s", error)
        return _page(400, ERROR_TITLES[400]), 400

    @app.errorhandler(500)
    def internal_error(error: Exception) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
        """An unexpected exception; one that means the database is unreachable (raised while
        another error page read the signed-in user, say) answers 503 instead."""
        original = getattr(error, "original_exception", None)
        if database_unavailable(original):
            return unavailable(original)  # type: ignore[arg-type]
        from aljisr.extensions import db

        try:
            db.session.rollback()
        except SQLAlchemyError:
            current_app.logger.debug("rollback after an error failed", exc_info=True)
        return _page(500, ERROR_TITLES[500]), 500
