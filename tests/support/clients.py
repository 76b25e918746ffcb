"""Test clients signed in without the login form."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient


def login_client(app: Flask, user: Any) -> FlaskClient:
    """A test client signed in as ``user`` without posting the login form."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client
