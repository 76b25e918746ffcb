"""The one path from a form and a service's answer to a response.

Policy (every area): a form shown again after a POST with an error on it answers **422
Unprocessable Content**, with what was typed kept; a domain refusal
(:class:`~aljisr.errors.DomainError`) stands beside the field it names. Views use:

- :func:`save_form` for a form whose success is "commit, flash, redirect";
- :func:`field_error` to put a refusal (or a view's own message) on a form;
- :func:`render_form` to show a form page (200, or 422 when a posted form has errors);
- :func:`run_action` for a POST button with no form to show again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request
from werkzeug.wrappers import Response

from aljisr import once
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.i18n import _

#: The status of a form shown again with errors (RFC 9110 §15.5.21).
INVALID = 422


def field_error(form: Any, error: DomainError | str, field: str | None = None) -> None:
    """Put a message beside a field of ``form``: a :class:`DomainError`'s message beside the
    field it names, else beside ``field``, else above the form (``form.form_errors``) when
    neither names a field the form has. A plain string goes beside ``field`` (or above)."""
    if isinstance(error, DomainError):
        message = error.message
        name = error.field if error.field and error.field in form else field
    else:
        message, name = error, field
    if name and name in form:
        # a field not validated yet holds its errors in a tuple
        form[name].errors = [*form[name].errors, message]
    else:
        form.form_errors.append(message)


def form_status(*forms: Any) -> int:
    """200, or :data:`INVALID` (422) when this is a POST and any of ``forms`` (None skipped)
    carries an error beside a field or above the form."""
    if request.method != "POST":
        return 200
    return INVALID if any(form is not None and form.errors for form in forms) else 200


def render_form(template: str, form: Any, *others: Any, **context: Any) -> tuple[str, int]:
    """Render ``template`` with ``form`` (and ``context``), answering :func:`form_status`
    of ``form`` and ``others`` (further forms on the same page)."""
    return render_template(template, form=form, **context), form_status(form, *others)


def save_form(
    form: Any, save: Callable[[], Any], success: str, target: Callable[[Any], str]
) -> Response | None:
    """Validate ``form`` and run ``save`` (a service call returning the saved record, or
    ``(record, changed)`` for an edit, ``changed`` the names of the fields the service
    changed), then commit, flash ``success`` (or "Nothing was changed." when an edit changed
    nothing) and redirect to ``target(record)``. A form with a one-time token
    (:class:`aljisr.once.OneTimeField`) sent again after it was saved saves nothing and goes
    to what the first sending saved.

    Returns None, so the view shows the form again with what was typed (through
    :func:`render_form`: 422), when the form is invalid or the service refuses (its message
    then stands beside the field it names).
    """
    if not form.validate_on_submit():
        return None
    earlier = once.claim(form)
    if earlier is not None:
        return earlier
    try:
        record = save()
    except DomainError as error:
        db.session.rollback()
        field_error(form, error)
        return None
    if isinstance(record, tuple):
        record, changed = record
        if not changed:
            success = _("Nothing was changed.")
    url = target(record)
    once.settle(form, url)
    db.session.commit()
    flash(success, "success")
    return redirect(url)


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
