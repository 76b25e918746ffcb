"""Public verification: /verify (typed code) and /verify/<code> (status and facts only)."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date

from aljisr.certificates import queries, services
from aljisr.certificates.models import CertificateStatus
from aljisr.dates import association_today
from aljisr.extensions import babel
from tests.support import factories
from tests.support.certificates import ISSUED, completed_placement
from tests.support.sql import queries_sent

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
    assert "revoked on" in html and str(association_today().year) in html


def _chain(db, first, coordinator, length):
    """``first`` and ``length - 1`` re-issues of it, oldest first (committed)."""
    chain = [first]
    for _n in range(length - 1):
        chain.append(services.reissue_certificate(chain[-1], actor=coordinator))
    db.session.commit()
    return chain


def _successor_text(html):
    return html.split('id="verify-successor">', 1)[1].split("</div>", 1)[0]


def test_a_superseded_certificate_names_the_end_of_its_chain(client, db, issued):
    first, coordinator = issued
    chain = _chain(db, first, coordinator, 4)
    _response, html = _page(client, first.verification_code)
    assert 'data-status="superseded"' in html
    text = _successor_text(html)
    assert chain[-1].serial in text and "replaces it; ask its holder" in text
    for middle in chain[1:-1]:  # not the next one, which is itself superseded
        assert middle.serial not in html
    # from the middle of the chain too
    assert chain[-1].serial in _successor_text(_page(client, chain[1].verification_code)[1])


def test_a_revoked_end_of_the_chain_is_said_plainly_without_its_reason(client, db, issued):
    first, coordinator = issued
    chain = _chain(db, first, coordinator, 4)
    services.revoke_certificate(chain[-1], "Hours were entered for the wrong volunteer",
                                actor=coordinator)
    db.session.commit()
    _response, html = _page(client, first.verification_code)
    assert 'data-status="superseded"' in html
    text = _successor_text(html)
    assert chain[-1].serial in text
    assert "which has since been revoked. Neither certificate is valid." in text
    assert "ask its holder for the new one" not in text
    assert "wrong volunteer" not in html


PLAIN_SUCCESSOR = "A newer certificate replaces it; ask its holder for the new one."


def test_following_the_chain_takes_the_same_queries_whatever_its_length(client, db, issued):
    first, coordinator = issued
    chain = _chain(db, first, coordinator, 2)
    with queries_sent() as short:
        assert client.get(f"/verify/{first.verification_code}").status_code == 200
    chain = _chain(db, chain[-1], coordinator, 6)
    assert chain[-1].serial in _page(client, first.verification_code)[1]
    with queries_sent() as long:
        assert client.get(f"/verify/{first.verification_code}").status_code == 200
    assert len(long) == len(short), long


def test_following_the_chain_is_bounded(client, db, issued, monkeypatch):
    first, coordinator = issued
    chain = _chain(db, first, coordinator, 4)
    monkeypatch.setattr(queries, "SUCCESSOR_DEPTH", 2)
    _response, html = _page(client, first.verification_code)
    assert _successor_text(html) == PLAIN_SUCCESSOR
    monkeypatch.undo()
    # a loop (which the services never make) ends too, with the same plain message
    chain[-1].status = CertificateStatus.SUPERSEDED
    chain[-1].superseded_by = first
    db.session.commit()
    response, html = _page(client, first.verification_code)
    assert response.status_code == 200
    assert _successor_text(html) == PLAIN_SUCCESSOR


@pytest.mark.parametrize("language, message", [
    ("en", "No certificate has this code."),
    ("fr", "Aucune attestation ne porte ce code."),
    ("ar", "لا توجد شهادة بهذا الرمز."),
])
def test_a_malformed_code_answers_the_verify_page_404(client, issued, language, message):
    """A code that cannot be one (a NUL, too long, another script, a broken UTF-8 sequence)
    answers the verification page's own "not found" in the reader's language, on both
    databases, never the generic "Bad request" page."""
    for code in ("%00", "abc%00defghijklmnopqrs", "A" * 500, "كودالتحققالطويلجداً",
                 "%F0%9F%98%80" * 20, "%ED%A0%80", "%01%1F%7F"):
        response = client.get(f"/verify/{code}", headers={"Accept-Language": language})
        html = response.get_data(as_text=True)
        assert response.status_code == 404, code
        assert message in html and 'aria-invalid="true"' in html, code
        assert "\x00" not in html
    html = client.get("/verify/" + "A" * 500).get_data(as_text=True)
    assert 'value="' + "A" * 100 + '"' in html  # shown back, cut


def test_unknown_codes_answer_404_with_a_plain_message(client, issued):
    cert, _ = issued
    response, html = _page(client, "A" * 24)
    assert response.status_code == 404
    assert "Ольга" not in html
    assert "No certificate has this code." in html and 'aria-invalid="true"' in html
    assert 'value="' + "A" * 24 + '"' in html  # kept in the form, to correct a typo
    assert "is not yours to see" not in html
    # case matters: a code is not found by a differently cased one
    assert client.get(f"/verify/{cert.verification_code.swapcase()}").status_code == 404


SERIAL_HELP = ("This looks like a certificate&#39;s serial number. The verification code is "
               "the other code printed under the QR code")


def test_a_typed_serial_number_is_explained_without_saying_whether_it_exists(client, issued):
    cert, _ = issued
    unknown = cert.serial[:-4] + "9999"
    answers = []
    for typed in (cert.serial, unknown):
        response = client.get("/verify", query_string={"code": typed})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and SERIAL_HELP in html, typed
        answers.append(html.replace(typed, "SERIAL"))
    assert answers[0] == answers[1]  # an existing serial and an unknown one: the same page
    for typed in (cert.serial.lower(), cert.serial.replace("-", " "),
                  cert.serial.replace("-", "\u2013")):
        html = client.get("/verify", query_string={"code": typed}).get_data(as_text=True)
        assert SERIAL_HELP in html, typed
    # typed into the address instead: 404, the same explanation
    for serial in (cert.serial, unknown):
        response, html = _page(client, serial)
        assert response.status_code == 404 and SERIAL_HELP in html
        assert "Ольга" not in html


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


@pytest.fixture
def arabic_catalogue(app, tmp_path, monkeypatch):
    """An Arabic catalogue with the list separator "، " (as the project's gives it), used
    instead of the project's for this test only (Flask-Babel caches catalogues per process)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="ar")
    catalog.add(", ", "، ")
    folder = tmp_path / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(app.extensions["babel"], "translation_directories", [str(tmp_path)])
    monkeypatch.setattr(babel.domain_instance, "cache", {})


def test_arabic_page_isolates_each_value_and_joins_them_with_the_arabic_comma(
        client, issued, arabic_catalogue):
    cert, _ = issued
    facts = cert.snapshot
    html = client.get(f"/verify/{cert.verification_code}",
                      headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert f'<bdi>{facts["site_name"]}</bdi>، <bdi>Tiznit</bdi>' in html
    day = format_date(cert.issue_date, "long", locale="ar")
    assert f'<bdi>{day}</bdi>، <bdi>{facts["issue_place"]}</bdi>' in html
    assert f'<bdi>Samira Alaoui</bdi>، <bdi>{facts["signatory_role"]}</bdi>' in html
    # the serial keeps its left-to-right order inside the value, aligned like the others
    serial = f'<bdi dir="ltr" class="text-nowrap">{cert.serial}</bdi>'
    assert f'<dd class="col-sm-8">{serial}</dd>' in html
    assert ", <bdi>" not in html


def test_english_page_joins_values_with_a_comma(client, issued):
    cert, _ = issued
    html = _page(client, cert.verification_code)[1]
    assert f'<bdi>{cert.snapshot["site_name"]}</bdi>, <bdi>Tiznit</bdi>' in html
    assert "<bdi>October 12, 2025</bdi>, <bdi>" in html


def test_a_bilingual_certificate_names_the_place_in_arabic_on_the_arabic_page(
        client, db, issued):
    old, coordinator = issued
    new = services.reissue_certificate(old, actor=coordinator, bilingual=True)
    db.session.commit()
    place, place_ar = new.snapshot["issue_place"], new.snapshot["issue_place_ar"]
    assert place_ar and place_ar != place
    arabic = client.get(f"/verify/{new.verification_code}",
                        headers={"Accept-Language": "ar"}).get_data(as_text=True)
    french = client.get(f"/verify/{new.verification_code}",
                        headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f"<bdi>{place_ar}</bdi>" in arabic and f"<bdi>{place}</bdi>" not in arabic
    assert f"<bdi>{place}</bdi>" in french and place_ar not in french


def test_no_sign_in_is_needed(app, issued):
    cert, _ = issued
    assert app.test_client().get(f"/verify/{cert.verification_code}").status_code == 200


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "VERIFY_RATE_LIMIT": "3 per minute"}

    def test_guessing_codes_is_rate_limited(self, client, issued):
        cert, _ = issued
        answers = [client.get(f"/verify/{'x' * 20}{n:04d}") for n in range(3)]
        assert [answer.status_code for answer in answers] == [404, 404, 404]
        assert "No certificate has this code." in answers[0].get_data(as_text=True)
        blocked = client.get(f"/verify/{cert.verification_code}")
        assert blocked.status_code == 429  # even a right code, once over the limit
        # the form itself (no look-up) stays usable
        assert client.get("/verify").status_code == 200

    @pytest.mark.parametrize("first, blocked_at", [(1_000.9, 1_001.2), (1_000.1, 1_030.7)])
    def test_retry_after_is_when_a_look_up_is_allowed_again(self, client, issued, monkeypatch,
                                                           first, blocked_at):
        """Waiting exactly ``Retry-After`` seconds (RFC 9110 §10.2.3) is enough, whatever
        fractions of a second the window started and the refusal came at; and it is not
        far too long (the window is a minute)."""
        import time

        cert, _ = issued
        clock = [first]
        monkeypatch.setattr(time, "time", lambda: clock[0])
        url = f"/verify/{cert.verification_code}"
        assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
        clock[0] = blocked_at
        blocked = client.get(url)
        assert blocked.status_code == 429
        wait = int(blocked.headers["Retry-After"])
        assert 0 < wait <= first + 60 - blocked_at + 2
        clock[0] = blocked_at + wait
        assert client.get(url).status_code == 200
