"""The base of every form of the application: :class:`AppForm`.

What every form must do the same way lives here, once:

- a text field (every ``StringField``: text, text areas, e-mail, phone, search, password)
  holding a character no database can store (NUL, a lone surrogate; see
  :func:`aljisr.text.unstorable`) is refused beside the field when the form is posted, with
  what was typed kept, on SQLite and PostgreSQL alike. In a search or filter sent with GET the
  same text is simply "no match" (:func:`aljisr.listing.search_clause`), not an error. The
  value shown again beside the refusal has U+FFFD in place of each such character.

A row of a form (a ``FormField`` inside a ``FieldList``: one language, one chosen project)
derives from :class:`RowForm`: WTForms builds such a sub-form with its own default settings,
so a plain ``wtforms.Form`` row would speak WTForms' English ("Not a valid choice.") on a
French or Arabic page; a :class:`RowForm` takes the request's catalogue
(:mod:`aljisr.wtforms_i18n`) and the same text-field rule as :class:`AppForm`.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_wtf import FlaskForm
from wtforms import Form, StringField
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


class RowForm(Form):
    """The base of every row of a form (a ``FormField``): no CSRF token of its own (the
    enclosing :class:`AppForm` has one), WTForms' messages in the request's language, and
    :func:`storable_text` first on its text fields."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            """The request's merged catalogue (:func:`aljisr.wtforms_i18n.install`), or
            WTForms' English outside a request."""
            if not has_request_context():
                return None
            return getattr(request, "wtforms_translations", None)

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            """As :meth:`AppForm.Meta.bind_field`."""
            field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
            if isinstance(field, StringField):
                field.validators = [storable_text, *field.validators]
            return field
