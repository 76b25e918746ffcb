"""The one-click unsubscribe page (RFC 8058), open to anyone holding a signed link."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from aljisr.extensions import csrf, db
from aljisr.notifications import services
from aljisr.notifications.messages import kind_title
from aljisr.permissions import public

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
# RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click"; the signed token is the proof
@csrf.exempt
@public
def unsubscribe(token: str) -> Any:
    """GET: ask to confirm (link checkers and previews must not unsubscribe anyone); POST (our
    button, or the mail client's one-click ``List-Unsubscribe-Post``): turn the kind off for
    that address. A forged or damaged token answers 404 with an explanation."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 404
    email, kind = found
    done = False
    if request.method == "POST":
        services.opt_out(email, kind)
        db.session.commit()
        done = True
    return render_template("notifications/unsubscribe.html", invalid=False, email=email,
                           kind=kind_title(kind), done=done, token=token)
