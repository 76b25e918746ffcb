"""Sites pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sites", __name__, url_prefix="/sites")
