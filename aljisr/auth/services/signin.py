"""Signing in: checking a password, the language chosen before signing in, ending sessions.

The limits on guessing (per client address and per account) are the views' job, see
:mod:`aljisr.auth.views`.
"""

from __future__ import annotations

import functools
import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from aljisr import audit
from aljisr.auth.models import User
from aljisr.auth.queries import find_user_by_email
from aljisr.database import utcnow
from aljisr.i18n import LANGUAGES


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash of a random string with ``method``: checking it costs as much as a real check, so
    a wrong e-mail address takes as long as a wrong password (no account enumeration by timing)."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose e-mail and password match, else None.

    Records ``auth.login`` on success. Takes about the same time whether or not the account exists.
    """
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    audit.record(user, "auth.login", user)
    return user


def keep_language(user: User, language: str | None) -> None:
    """Make ``language``, chosen explicitly before signing in during this visit (the language
    menu of the sign-in page), ``user``'s saved language: a recent explicit choice beats an
    older saved one (docs/architecture.md §4.7). None (no choice this visit) keeps the saved
    language; unknown codes are ignored."""
    if language in LANGUAGES:
        user.locale = language


def end_all_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (their session id embeds this version)."""
    user.session_version += 1
