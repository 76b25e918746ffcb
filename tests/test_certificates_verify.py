"""Public verification: /verify (typed code) and /verify/<code> (status and facts only)."""

from __future__ import annotations

from datetime import date

import pytest

from aljisr.certificates import services
from aljisr.dates import today
from tests import factories
from tests.certificates_support import ISSUED, completed_placement

PRIVATE = ("olga@example.org", "1994-03-17", "Ukraine", "+380 44 123 4567", "Asthma", "Mum")


@pytest.fixture
def issued(db):
    """A valid certificate of a volunteer with plenty of personal data."""
    coordinator = factories.user(display_name="Samira Alaoui")
    volunteer = factories.volunteer(
        full_name="Ольга Петренко",
        email="olga@example.org",
        date_of_birth=date(1994, 3, 17),
        nationality="UA",
        phone="+380 44 123 4567",
        health_notes="Asthma",
        emergency_contact_name="Mum",
    )
    cert = services.issue_certificate(
        completed_placement(volunteer), actor=coordinator, today=ISSUED
    )
    db.session.commit()
    return cert, coordinator


def _page(client, code):
    response = client.get(f"/verify/{code}")
    return response, response.get_data(as_text=True)


def test_a_valid_certificate_shows_its_facts_and_nothing_else_personal(client, issued):
    cert, _ = issued
    response, html = _page(client, cert.verification_code)
    assert response.status_code == 200
    assert 'data-status="valid"' in html
    facts = cert.snapshot
    for text in ("Ольга Петренко", facts["project_title"], facts["site_name"], "Tiznit",
                 cert.serial, "7.5", "Samira Alaoui", facts["association_name"]):
        assert text in html, text
    assert "Sep 1, 2025" in html and "Sep 30, 2025" in html and "October 12, 2025" in html
    for text in PRIVATE:
        assert text not in html, text
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_status_follows_reissue_and_revoke(client, db, issued):
    old, coordinator = issued
    new = services.reissue_certificate(old, actor=coordinator)
    db.session.commit()

    _response, html = _page(client, old.verification_code)
    assert 'data-status="superseded"' in html and new.serial in html
    assert new.verification_code not in html  # a pointer, not the newer certificate's code
    _response, html = _page(client, new.verification_code)
    assert 'data-status="valid"' in html

    services.revoke_certificate(new, "Hours were entered for the wrong volunteer",
                                actor=coordinator)
    db.session.commit()
    response, html = _page(client, new.verification_code)
    assert response.status_code == 200 and 'data-status="revoked"' in html
    assert "wrong volunteer" not in html  # the reason may be personal: never shown
    assert "revoked on" in html and str(today().year) in html


def test_unknown_codes_are_a_plain_404(client, issued):
    cert, _ = issued
    response, html = _page(client, "A" * 24)
    assert response.status_code == 404
    assert "Ольга" not in html
    # case matters: a code is not found by a differently cased one
    assert client.get(f"/verify/{cert.verification_code.swapcase()}").status_code == 404


def test_the_form_takes_a_typed_or_pasted_code(client, issued):
    cert, _ = issued
    code = cert.verification_code
    assert client.get("/verify").status_code == 200
    spaced = " ".join(code[i:i + 4] for i in range(0, len(code), 4))
    for typed in (f"  {code} ", spaced, f"https://aljisr.example.org/verify/{code}"):
        response = client.get("/verify", query_string={"code": typed})
        assert response.status_code == 302, typed
        assert response.headers["Location"].endswith(f"/verify/{code}")


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Enter the verification code."), ("   ", "Enter the verification code."),
     ("abc", "This is not a verification code"), ("<b>x</b>", "This is not a verification code")],
)
def test_bad_input_gets_a_message_beside_the_field(client, db, typed, message):
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="code-error"' in html and message in html
    assert 'aria-invalid="true"' in html
    if typed.strip():
        assert 'value="&lt;b&gt;x&lt;/b&gt;"' in html or f'value="{typed}"' in html


def test_no_sign_in_is_needed(app, issued):
    cert, _ = issued
    assert app.test_client().get(f"/verify/{cert.verification_code}").status_code == 200


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "VERIFY_RATE_LIMIT": "3 per minute"}

    def test_guessing_codes_is_rate_limited(self, client, issued):
        cert, _ = issued
        statuses = [client.get(f"/verify/{'x' * 20}{n:04d}").status_code for n in range(3)]
        assert statuses == [404, 404, 404]
        blocked = client.get(f"/verify/{cert.verification_code}")
        assert blocked.status_code == 429  # even a right code, once over the limit
        # the form itself (no look-up) stays usable
        assert client.get("/verify").status_code == 200
