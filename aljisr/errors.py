"""Domain errors raised by services, and the HTML error pages (403, 404, 429, 500)."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from sqlalchemy.exc import DataError
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


def register_error_pages(app: Flask) -> None:
    """Render every HTTP error with ``templates/errors/error.html``."""

    def render(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return (
            render_template(
                "errors/error.html", code=code, title=ERROR_TITLES.get(code, error.name)
            ),
            code,
        )

    app.register_error_handler(HTTPException, render)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def form_expired(_error: CSRFError) -> tuple[str, int]:
        """A form sent from a page of an earlier session (signed out meanwhile, cookies
        cleared): nothing is saved, and the page says how not to lose what was typed."""
        return render_template(
            "errors/error.html", code=400, title=_l("This form could not be sent"),
            detail=_l("It was opened in an earlier session (you signed out, perhaps in another "
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
        return render_template("errors/error.html", code=400, title=ERROR_TITLES[400]), 400

    @app.errorhandler(500)
    def internal_error(error: Exception) -> tuple[str, int]:
        from aljisr.extensions import db

        db.session.rollback()
        return render_template("errors/error.html", code=500, title=ERROR_TITLES[500]), 500
