"""Public certificate verification (no login): ``/verify`` (type a code) and
``/verify/<code>`` (status and the certificate's facts).

Only the snapshot's certificate facts are shown (holder's name, project, site, dates, hours,
serial, issue date and issuer), never other personal data, and never a revocation's reason.
A superseded certificate names the serial number of the certificate now in force (the end of
its re-issue chain) and says whether that one was revoked. Look-ups of codes are rate-limited
per client address (``VERIFY_RATE_LIMIT``), so codes cannot be guessed by brute force; an
unknown code answers 404 with the form and "No certificate has this code". Typed text shaped
like a serial number gets an explanation of which code to type, from its shape alone (serial
numbers are never looked up here, so the page cannot tell which ones exist).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from aljisr.certificates import codes, queries
from aljisr.certificates.forms import VerifyForm
from aljisr.certificates.models import CertificateStatus
from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.extensions import limiter
from aljisr.i18n import _
from aljisr.permissions import public

bp = Blueprint("verify", __name__, url_prefix="/verify")

#: Most characters of an unknown code shown back in the form (a code has at most 64).
SHOWN_LENGTH = 100


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def isolated(*parts: Any) -> Markup:
    """The non-empty ``parts`` on one line, each in its own ``<bdi>`` (so a Latin name keeps
    its direction on an Arabic page and the reverse), joined by the language's list separator
    (", ", Arabic "، ")."""
    # Translators: between the parts of a list on one line ("site, city", "name, role");
    # Arabic uses its own comma "، ".
    separator = escape(_(", "))
    return separator.join(Markup("<bdi>{}</bdi>").format(part) for part in parts if part)


def ltr(text: Any) -> Markup:
    """``text`` (a serial number or a code) isolated, left to right, never broken at its
    hyphens."""
    return Markup('<bdi dir="ltr" class="text-nowrap">{}</bdi>').format(text)


def _serial_typed() -> str:
    return _("This looks like a certificate's serial number. The verification code is the "
             "other code printed under the QR code: the end of the verification address, "
             "after “/verify/”.")


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
        typed = form.code.data or ""
        # A serial number is recognised by its shape before anything else, and never looked up.
        code = None if codes.looks_like_serial(typed) else codes.normalise_code(typed)
        if code:
            return redirect(url_for("verify.certificate", code=code))
        if not typed.strip():
            message = _("Enter the verification code.")
        elif codes.looks_like_serial(typed):
            message = _serial_typed()
        else:
            message = _("This is not a verification code: it has 16 to 64 letters, digits, "
                        "“-” or “_”.")
        form.code.errors = [message]
        status = 400
    return render_template("public/verify.html", form=form), status


@bp.route("/<code>")
@limiter.limit(_verify_limit)
@public
def certificate(code: str) -> Any:
    """Status and facts of the certificate with this code (200, whatever its status); an
    unknown code answers 404 with the form, the code in it, and a message beside it. So does
    a code that cannot be one (a NUL, 500 characters, another script): it is not looked up
    (a database may refuse such text), and is shown without its control characters, cut to
    :data:`SHOWN_LENGTH`."""
    cert = queries.find_by_code(code) if codes.CODE_PATTERN.fullmatch(code) else None
    if cert is None:
        shown = "".join(c for c in code if unicodedata.category(c) not in ("Cc", "Cs"))
        form = VerifyForm(data={"code": shown[:SHOWN_LENGTH]})
        form.code.errors = [
            _serial_typed() if codes.looks_like_serial(code)
            else _("No certificate has this code. Check that it is typed exactly as printed: "
                   "capital and small letters are different.")
        ]
        return render_template("public/verify.html", form=form), 404
    facts = CertificateSnapshot.from_dict(cert.snapshot)
    successor = (
        queries.current_successor(cert) if cert.status is CertificateStatus.SUPERSEDED else None
    )
    return render_template(
        "public/verify_result.html", cert=cert, facts=facts, successor=successor
    )
