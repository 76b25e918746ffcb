"""The base of every form of the application: :class:`AppForm`.

What every form must do the same way lives here, once:

- a text field (every ``StringField``: text, text areas, e-mail, phone, search, password)
  holding a character no database can store (NUL, a lone surrogate; see
  :func:`aljisr.text.unstorable`) is refused beside the field when the form is posted, with
  what was typed kept, on SQLite and PostgreSQL alike. In a search or filter sent with GET the
  same text is simply "no match" (:func:`aljisr.listing.search_clause`), not an error. The
  value shown again beside the refusal has U+FFFD in place of each such character.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import StopValidation

from aljisr.errors import UnstorableText
from aljisr.text import replace_unstorable, unstorable


def storable_text(_form: Any, field: Any) -> None:
    """Validator put first on every text field of an :class:`AppForm`: refuse a posted value
    holding a character no database can store.

    :raises StopValidation: with a message beside the field (the other validators do not run).
    """
    if has_request_context() and request.method != "POST":
        return  # a GET search or filter: the query answers "no match"
    if any(isinstance(raw, str) and unstorable(raw) for raw in field.raw_data or ()):
        # shown again with U+FFFD in place of what cannot be stored (a NUL never goes back
        # into the page), beside the refusal
        if isinstance(field.data, str):
            field.data = replace_unstorable(field.data)
        field.raw_data = [replace_unstorable(raw) if isinstance(raw, str) else raw
                          for raw in field.raw_data]
        raise StopValidation(UnstorableText(field.name).message)


class AppForm(FlaskForm):
    """Every form of the application derives from this one (a test checks it)."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            """Bind as WTForms does, then put :func:`storable_text` first on text fields
            (a fresh list: the class's validators are shared by every instance)."""
            field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
            if isinstance(field, StringField):
                field.validators = [storable_text, *field.validators]
            return field
