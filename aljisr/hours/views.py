"""Hours pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("hours", __name__, url_prefix="/hours")
