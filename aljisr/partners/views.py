"""Partners pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partner")
