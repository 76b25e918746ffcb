"""A form sent twice saves once: one-time form tokens.

A form that creates a record carries a :class:`OneTimeField`: a random token drawn when the
form is first shown and posted back with it. The view claims the token (:func:`claim`) in the
same transaction that saves the record, and notes where the record lives (:func:`settle`)
before it commits. The token is the primary key of ``form_tokens``, so the database itself
lets one transaction claim it:

- a resend after a slow answer, or the second request of a double click once the first has
  committed, finds the token taken and is sent to the first request's record;
- a double click's second request, while the first is still saving, waits on the key (the
  unique index on PostgreSQL, the write lock on SQLite), then finds it taken;
- when the first request is refused (a rule, a typing error), its claim is rolled back with
  everything else, and the same form may be sent again.

A post without a token (an older page, a script) is saved as before. Tokens older than
:data:`KEEP` are deleted when a new one is claimed.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response
from wtforms import HiddenField

from aljisr.database import UTCDateTime, utcnow
from aljisr.extensions import db
from aljisr.i18n import _

#: How long a used token is remembered (a resend comes within seconds or minutes).
KEEP = timedelta(days=1)
#: Longest token accepted (``secrets.token_urlsafe(24)`` makes 32 characters).
TOKEN_LENGTH = 64


class FormToken(db.Model):
    """A one-time form token already used, and the page of what its form saved."""

    __tablename__ = "form_tokens"

    token: Mapped[str] = mapped_column(sa.String(TOKEN_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Where the first submission led (the saved record's page); None until it is settled.
    result_url: Mapped[str | None] = mapped_column(sa.String(500))


def new_token() -> str:
    """A fresh random token (192 bits, URL-safe text)."""
    return secrets.token_urlsafe(24)


class OneTimeField(HiddenField):
    """The hidden one-time token of a create form: a fresh one each time the form is shown
    empty, the posted one kept when the form is shown again with errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", new_token)
        super().__init__(*args, **kwargs)


def _token(form: Any) -> str | None:
    field = getattr(form, "once", None)
    value = field.data if isinstance(field, OneTimeField) else None
    return value if isinstance(value, str) and 0 < len(value) <= TOKEN_LENGTH else None


def claim(form: Any) -> Response | None:
    """Claim ``form``'s one-time token in the current transaction.

    Returns None when the form may be saved (its token is new, or it has none); else rolls
    the transaction back and returns a redirect to what the first submission saved, with a
    notice. Call it before the service that creates the record, and :func:`settle` after it.
    """
    token = _token(form)
    if token is None:
        return None
    db.session.execute(sa.delete(FormToken).where(FormToken.created_at < utcnow() - KEEP))
    db.session.add(FormToken(token=token))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        earlier = db.session.get(FormToken, token)
        flash(_("This form had already been sent: it was saved once, here."), "info")
        return redirect(earlier.result_url if earlier and earlier.result_url
                        else url_for("main.home"))
    return None


def settle(form: Any, url: str) -> None:
    """Note ``url``, the page of what ``form`` saved, for a later resend of the same form
    (the caller commits)."""
    token = _token(form)
    if token is not None:
        found = db.session.get(FormToken, token)
        if found is not None:
            found.result_url = url
