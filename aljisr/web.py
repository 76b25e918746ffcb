"""Small pieces every view uses to turn a service's answer into a response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from werkzeug.wrappers import Response

from aljisr.errors import DomainError
from aljisr.extensions import db


def field_error(form: Any, error: DomainError) -> None:
    """Put a service's refusal beside the field it names, or above the form when it names none
    (or a field the form does not have)."""
    if error.field and error.field in form:
        form[error.field].errors.append(error.message)
    else:
        form.form_errors.append(error.message)


def run_action(action: Callable[[], Any], success: str, target: str) -> Response:
    """Run a service behind a POST button, then go back to ``target``.

    Commits and flashes ``success`` when the service passes; rolls back and flashes its message
    as a warning when it raises :class:`~aljisr.errors.DomainError`.
    """
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(target)
