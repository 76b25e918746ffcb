"""Placements pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("placements", __name__, url_prefix="/placements")
