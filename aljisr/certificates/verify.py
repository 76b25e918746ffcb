"""Public certificate verification (no login): ``/verify`` (type a code) and
``/verify/<code>`` (status and the certificate's facts).

Only the snapshot's certificate facts are shown (holder's name, project, site, dates, hours,
serial, issue date and issuer), never other personal data, and never a revocation's reason.
Look-ups of codes are rate-limited per client address (``VERIFY_RATE_LIMIT``), so codes
cannot be guessed by brute force; unknown codes answer a plain 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from aljisr.certificates import services
from aljisr.certificates.forms import VerifyForm
from aljisr.certificates.models import CertificateStatus
from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.extensions import limiter
from aljisr.i18n import _
from aljisr.permissions import public

bp = Blueprint("verify", __name__, url_prefix="/verify")


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.after_request
def _headers(response: Any) -> Any:
    """Verification pages are not for search engines, and reflect revocations at once."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("", methods=["GET"])
@public
def form() -> Any:
    """The form; with ``?code=`` it checks the code's shape and goes to its page."""
    form = VerifyForm(formdata=request.args if "code" in request.args else None)
    status = 200
    if "code" in request.args:
        code = services.normalise_code(form.code.data)
        if code:
            return redirect(url_for("verify.certificate", code=code))
        form.code.errors = [
            _("Enter the verification code.") if not (form.code.data or "").strip()
            else _("This is not a verification code: it has 16 to 64 letters, digits, "
                   "“-” or “_”.")
        ]
        status = 400
    return render_template("public/verify.html", form=form), status


@bp.route("/<code>")
@limiter.limit(_verify_limit)
@public
def certificate(code: str) -> Any:
    cert = services.find_by_code(code)
    if cert is None:
        abort(404)
    facts = CertificateSnapshot.from_dict(cert.snapshot)
    successor = cert.superseded_by if cert.status is CertificateStatus.SUPERSEDED else None
    return render_template(
        "public/verify_result.html", cert=cert, facts=facts, successor=successor
    )
