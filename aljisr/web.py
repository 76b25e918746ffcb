"""Small pieces every view uses to turn a service's answer into a response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from werkzeug.wrappers import Response

from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.i18n import _


def field_error(form: Any, error: DomainError) -> None:
    """Put a service's refusal beside the field it names, or above the form when it names none
    (or a field the form does not have)."""
    if error.field and error.field in form:
        form[error.field].errors.append(error.message)
    else:
        form.form_errors.append(error.message)


def save_form(
    form: Any, save: Callable[[], Any], success: str, target: Callable[[Any], str]
) -> Response | None:
    """Validate ``form`` and run ``save`` (a service call returning the saved record, or
    ``(record, changed)`` for an edit, ``changed`` the names of the fields the service
    changed), then commit, flash ``success`` (or "Nothing was changed." when an edit changed
    nothing) and redirect to ``target(record)``.

    Returns None, so the view re-renders the form with what was typed, when the form is invalid
    or the service refuses (its message then stands beside the field it names).
    """
    if not form.validate_on_submit():
        return None
    try:
        record = save()
    except DomainError as error:
        db.session.rollback()
        field_error(form, error)
        return None
    db.session.commit()
    if isinstance(record, tuple):
        record, changed = record
        if not changed:
            success = _("Nothing was changed.")
    flash(success, "success")
    return redirect(target(record))


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
