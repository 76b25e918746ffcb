"""Calendars (RFC 5545): a private feed per user at a secret, revocable URL, and a one-off
``.ics`` per placement. Both show exactly what the user may see in the app (their scope)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from aljisr.auth.models import User
from aljisr.calendars import queries, services
from aljisr.downloads import send_download
from aljisr.extensions import db
from aljisr.i18n import _, force_locale
from aljisr.mail import absolute_url, mail_locale
from aljisr.permissions import Permission, public, require

bp = Blueprint("calendars", __name__, url_prefix="/calendar")


def _link(user: User, placement: Any) -> str | None:
    if user.is_staff:
        return absolute_url("placements.detail", placement_id=placement.id)
    if user.role.value == "volunteer":
        return absolute_url("portal.placement", placement_id=placement.id)
    return absolute_url("partners.volunteer", volunteer_id=placement.volunteer_id)


def _calendar_for(user: User, placement_id: int | None = None) -> bytes | None:
    """The calendar ``user`` may see, in their language; None for a placement outside it."""
    from aljisr.calendars import ics  # icalendar loads with the first calendar asked for

    placements = queries.visible_placements(user, placement_id)
    if placement_id is not None and not placements:
        return None
    language = mail_locale(user)
    arrivals = user.role.value != "volunteer"
    with force_locale(language):
        events = [e for p in placements
                  for e in ics.placement_events(p, language, arrivals=arrivals,
                                                link=_link(user, p))]
        if user.is_staff and placement_id is None:
            events += [ics.phase_event(project, language) for project in queries.project_phases()]
        name = _("Al Jisr: %(name)s", name=user.display_name)
        return ics.calendar(name, events)


def _ics(body: bytes, filename: str) -> Response:
    """``body`` downloaded as ``filename`` (named by Werkzeug, :func:`send_download`), kept by
    no cache."""
    response = send_download(body, filename, "text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
def feed() -> Any:
    """My calendar feed: its secret address, to add to a calendar app; open or replace it
    (the old address stops working), or revoke it."""
    g.no_store = True
    if request.method == "POST":
        action = request.form.get("action")
        if action == "open":
            replaced = queries.feed_of(current_user) is not None
            services.open_feed(current_user)
            flash(_("Your calendar has a new address. The previous one no longer works.")
                  if replaced else _("Your calendar has an address."), "success")
        elif action == "revoke":
            services.revoke_feed(current_user)
            flash(_("Your calendar address no longer works."), "success")
        db.session.commit()
        return redirect(url_for("calendars.feed"))
    existing = queries.feed_of(current_user)
    url = absolute_url("calendars.subscription", token=existing.token) if existing else None
    return render_template("calendars/feed.html", url=url)


@bp.route("/feed/<token>.ics")
@public
def subscription(token: str) -> Response:
    """The feed behind a secret address: what its owner may see; 404 once revoked."""
    owner = queries.feed_owner(token) or abort(404)
    return _ics(_calendar_for(owner) or b"", "aljisr.ics")


@bp.route("/placements/<int:placement_id>.ics")
@require(Permission.SIGNED_IN)
def placement(placement_id: int) -> Response:
    """One placement as a calendar file (404 outside the user's scope)."""
    body = _calendar_for(current_user, placement_id) or abort(404)
    return _ics(body, f"placement-{placement_id}.ics")
