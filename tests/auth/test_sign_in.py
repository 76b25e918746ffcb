"""Signing in and out: passwords, CSRF, rate limits, safe redirects, session cookies."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from aljisr.auth.models import User
from aljisr.permissions import Role
from tests.support import factories
from tests.support.factories import PASSWORD


def _post_login(client, email, password, next_=""):
    return client.post("/login", data={"email": email, "password": password, "next": next_})


def test_good_login_lands_on_home(client, db):
    user = factories.user()
    db.session.commit()
    response = _post_login(client, "  " + user.email.upper() + " ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200


def test_bad_password_shows_message_beside_field_and_keeps_email(client, db):
    user = factories.user()
    db.session.commit()
    response = _post_login(client, user.email, "wrong password")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "E-mail or password is wrong." in html
    assert 'id="password-error"' in html
    assert f'value="{user.email}"' in html
    assert client.get("/home").status_code == 302  # not signed in


def test_unknown_email_and_empty_fields(client, db):
    html = _post_login(client, "nobody@example.org", "whatever").get_data(as_text=True)
    assert "E-mail or password is wrong." in html
    html = _post_login(client, "not-an-email", "").get_data(as_text=True)
    assert 'id="email-error"' in html and 'id="password-error"' in html
    assert 'value="not-an-email"' in html


def test_inactive_user_cannot_sign_in(client, db):
    user = factories.user(active=False)
    db.session.commit()
    response = _post_login(client, user.email, PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "E-mail or password is wrong." in html and f'value="{user.email}"' in html
    assert client.get("/home").status_code == 302  # not signed in
    assert db.session.get(User, user.id).last_login_at is None


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "https:\\\\evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "/%0d%0aSet-Cookie:x=y",
        "http:evil.example",
        "/\tevil",
        "",
    ],
)
def test_hostile_next_values_go_home(client, db, target):
    user = factories.user()
    db.session.commit()
    response = _post_login(client, user.email, PASSWORD, next_=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/home" or (target.startswith("/%0d") and location == target)


def test_local_next_is_followed(client, db):
    user = factories.user()
    db.session.commit()
    response = _post_login(client, user.email, PASSWORD, next_="/admin/users?page=2")
    assert response.headers["Location"] == "/admin/users?page=2"


def test_next_from_query_string_survives_the_form(client):
    html = client.get("/login?next=/admin/users").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/admin/users"' in html


def test_logout_really_ends_the_session(app, client, db):
    user = factories.user(display_name="Nadia Berrada")
    db.session.commit()
    _post_login(client, user.email, PASSWORD)
    assert "Nadia Berrada" in client.get("/home").get_data(as_text=True)
    stolen = client.get_cookie("session").value
    version = user.session_version
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "You are signed out." in page and "Nadia Berrada" not in page
    assert client.get("/home").headers["Location"] == "/login?next=/home"
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == version + 1
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/home")  # the old cookie is worthless
    assert response.headers["Location"] == "/login?next=/home"
    assert "Nadia Berrada" not in replay.get("/login").get_data(as_text=True)


def test_logout_needs_post(as_role):
    client, _ = as_role("coordinator")
    assert client.get("/logout").status_code == 405


def test_session_cookie_flags(client, db):
    user = factories.user()
    db.session.commit()
    _post_login(client, user.email, PASSWORD)
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_password_is_hashed(db):
    user = factories.user(password="s3cret-long-enough")
    assert user.password_hash != "s3cret-long-enough"
    assert user.check_password("s3cret-long-enough")
    assert not user.check_password("other")


def test_production_hashes_with_scrypt(app, db):
    """The suite hashes with one PBKDF2 round for speed; the app's own default is scrypt."""
    from aljisr.config import Defaults

    assert Defaults.PASSWORD_HASH_METHOD == "scrypt"
    app.config["PASSWORD_HASH_METHOD"] = Defaults.PASSWORD_HASH_METHOD
    user = factories.user(password="s3cret-long-enough")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("s3cret-long-enough")
    assert not user.check_password("other")


def test_email_is_unique_case_insensitively(db):
    factories.user(email="Same@Example.org")
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        factories.user(email=" same@EXAMPLE.org ")
    db.session.rollback()


class TestWithCsrfAndRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {
            **app_config,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
        }

    def test_login_without_csrf_token_is_refused(self, client, db):
        user = factories.user()
        db.session.commit()
        response = _post_login(client, user.email, PASSWORD)
        assert response.status_code == 400 or b"CSRF" in response.data
        assert client.get("/home").status_code == 302

    def test_a_form_from_an_earlier_session_says_what_happened(self, client, db):
        user = factories.user()
        db.session.commit()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                               "csrf_token": "from-an-earlier-session"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This form could not be sent" in html and "nothing was saved" in html
        assert "Back button" in html

    def _token(self, client):
        html = client.get("/login").get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    def test_login_attempts_are_rate_limited(self, client, db):
        user = factories.user()
        db.session.commit()
        token = self._token(client)
        for _ in range(3):
            response = client.post(
                "/login", data={"email": user.email, "password": "bad", "csrf_token": token}
            )
            assert response.status_code == 422
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 429
        assert "Too many attempts" in response.get_data(as_text=True)

    def test_login_with_token_works(self, client, db):
        user = factories.user()
        db.session.commit()
        response = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": self._token(client)},
        )
        assert response.headers["Location"] == "/home"


def test_password_change_version_bump_ends_other_sessions(app, db, client):
    user = factories.user()
    db.session.commit()
    _post_login(client, user.email, PASSWORD)
    assert client.get("/home").status_code == 200
    user = db.session.get(User, user.id)
    user.session_version += 1
    db.session.commit()
    assert client.get("/home").status_code == 302


def test_a_form_sent_after_the_session_ended_says_it_was_not_saved(app, db, client):
    """Signed out in another tab, then a form is sent: the sign-in page says the change was
    not saved (not the usual "please sign in"), and brings the user back to that page."""
    user = factories.user()
    db.session.commit()
    _post_login(client, user.email, PASSWORD)
    user = db.session.get(User, user.id)
    user.session_version += 1  # what signing out elsewhere does
    db.session.commit()
    response = client.post("/volunteers/new", data={"full_name": "Léa"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.path, parse_qs(location.query)) == ("/login", {"next": ["/volunteers/new"]})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your session ended before this form was sent" in html
    assert "Please sign in to see this page." not in html

    response = client.get("/volunteers/?q=l%C3%A9a")
    location = urlsplit(response.headers["Location"])
    assert parse_qs(location.query) == {"next": ["/volunteers/?q=l%C3%A9a"]}
    assert "Please sign in to see this page." in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_language_chosen_on_the_sign_in_page_survives_signing_in(client, db):
    """A user with no saved language who picks French on the sign-in page stays in French
    once signed in (signing in starts a fresh session), and French becomes their language."""
    user = factories.user()
    db.session.commit()
    assert user.locale is None
    client.post("/language", data={"language": "fr", "next": "/login"})
    assert 'lang="fr"' in client.get("/login").get_data(as_text=True)
    assert _post_login(client, user.email, PASSWORD).headers["Location"] == "/home"
    assert 'lang="fr"' in client.get("/home").get_data(as_text=True)
    assert db.session.get(User, user.id).locale == "fr"


def test_a_language_chosen_on_the_sign_in_page_replaces_the_saved_one(client, db):
    """An explicit choice on the sign-in page in this visit beats an older saved language
    (docs/architecture.md §4.7): it is shown after signing in, and saved."""
    user = factories.user(locale="ar")
    db.session.commit()
    for language in ("fr", "en"):
        client.post("/language", data={"language": language, "next": "/login"})
        assert _post_login(client, user.email, PASSWORD).headers["Location"] == "/home"
        assert f'lang="{language}"' in client.get("/home").get_data(as_text=True)
        assert db.session.get(User, user.id).locale == language
        client.post("/logout")


def test_without_a_choice_on_the_sign_in_page_the_saved_language_applies(client, db):
    """No choice this visit: the saved language wins over the browser's, and the language
    left in the session by an earlier sign-in is no choice (it does not overwrite a language
    saved since, on another device)."""
    user = factories.user(locale="ar")
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": PASSWORD},
                headers={"Accept-Language": "fr"})
    assert 'lang="ar"' in client.get("/home").get_data(as_text=True)
    assert db.session.get(User, user.id).locale == "ar"
    # the session still holds "ar" from this sign-in; the account is changed elsewhere
    db.session.get(User, user.id).locale = "fr"
    db.session.commit()
    with client.session_transaction() as session:
        session.pop("_user_id", None)  # the session ended (as when it expires)
    _post_login(client, user.email, PASSWORD)
    assert db.session.get(User, user.id).locale == "fr"
    assert 'lang="fr"' in client.get("/home").get_data(as_text=True)


class TestSignInLimits:
    """Failed sign-ins are limited per client address and per account, with the settings'
    own defaults (``LOGIN_RATE_LIMIT``, ``LOGIN_ACCOUNT_RATE_LIMIT``); successes cost nothing."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True}

    @staticmethod
    def sign_in(app, email, password, address):
        client = app.test_client()
        return client.post("/login", data={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": address})

    @staticmethod
    def refused(response):
        """A wrong password's answer (the form again, whatever its status), not a 429."""
        return "E-mail or password is wrong." in response.get_data(as_text=True)

    def test_the_defaults(self):
        from aljisr.config import Defaults

        assert Defaults.LOGIN_RATE_LIMIT == "30 per minute; 300 per hour"
        assert Defaults.LOGIN_ACCOUNT_RATE_LIMIT == "5 per minute; 20 per hour"

    def test_one_account_locked_does_not_lock_out_a_school_sharing_its_address(self, app, db):
        school = "203.0.113.7"
        pupils = [factories.user(Role.VOLUNTEER) for _ in range(40)]
        guessed, teacher = pupils[0], factories.user()
        db.session.commit()
        for _ in range(5):
            assert self.refused(self.sign_in(app, guessed.email, "wrong password", school))
        # that account is now locked, even with the right password...
        response = self.sign_in(app, guessed.email, PASSWORD, school)
        assert response.status_code == 429
        assert "Too many attempts" in response.get_data(as_text=True)
        # ...but the teacher and the whole class (more than the address allows failures) sign in
        # from the same address, after a typo each for half of them
        assert self.sign_in(app, teacher.email, PASSWORD, school).headers["Location"] == "/home"
        for number, pupil in enumerate(pupils[1:]):
            if number % 2:
                assert self.refused(self.sign_in(app, pupil.email, "typo", school))
            assert self.sign_in(app, pupil.email, PASSWORD, school).status_code == 302
        assert db.session.get(User, teacher.id).last_login_at is not None

    def test_guessing_one_password_from_many_addresses_is_limited(self, app, db):
        victim, other = factories.user(email="victim@example.org"), factories.user()
        db.session.commit()
        typed = ["victim@example.org", " VICTIM@example.org", "Victim@Example.org ",
                 "victim@example.org", "victim@EXAMPLE.ORG"]  # one account, however typed
        for number, email in enumerate(typed):
            assert self.refused(
                self.sign_in(app, email, f"guess {number}", f"198.51.100.{number + 1}"))
        response = self.sign_in(app, "victim@example.org", PASSWORD, "198.51.100.99")
        assert response.status_code == 429  # the right password too, from a fresh address
        assert db.session.get(User, victim.id).last_login_at is None
        # other accounts, from any of those addresses, are not affected
        assert self.sign_in(app, other.email, PASSWORD, "198.51.100.1").status_code == 302

    def test_many_accounts_guessed_from_one_address_are_limited(self, app, db):
        """Trying one password on many accounts (no account reaching its own limit) is
        stopped by the per-address limit; other addresses are not affected."""
        user = factories.user()
        db.session.commit()
        attacker = "192.0.2.66"
        for number in range(30):
            assert self.refused(
                self.sign_in(app, f"person{number}@example.org", "Summer2026!", attacker))
        assert self.sign_in(app, user.email, PASSWORD, attacker).status_code == 429
        assert self.sign_in(app, user.email, PASSWORD, "192.0.2.67").status_code == 302


class TestTooManyAttemptsAnswer:
    """Over a limit, the sign-in and the reset request show their own form again with the
    e-mail address typed, the real wait in words in the user's language, 429 and
    ``Retry-After``; ordinary answers carry no rate-limit header at all."""

    WAIT = {"en": "Please try again in about 55 minutes.",
            "fr": "Veuillez réessayer dans environ 55 minutes.",
            "ar": "55 دقيقة"}

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_ACCOUNT_RATE_LIMIT": "3 per hour"}

    @pytest.mark.parametrize("language", ["en", "fr", "ar"])
    def test_an_account_over_its_hourly_limit(self, client, db, monkeypatch, language):
        import time

        user = factories.user(email="sending@example.org")
        db.session.commit()
        clock = [1_000.5]
        monkeypatch.setattr(time, "time", lambda: clock[0])
        headers = {"Accept-Language": language}
        for _ in range(3):
            response = client.post("/login", data={"email": user.email, "password": "wrong"},
                                   headers=headers)
            assert response.status_code == 422
            assert not [name for name, _value in response.headers if name.lower().startswith(
                ("retry-after", "x-ratelimit"))], response.headers
        clock[0] = 1_322.0  # 54 min 38 s before the hour's window ends
        response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                               headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3279"
        assert not [name for name, _value in response.headers
                    if name.lower().startswith("x-ratelimit")]
        assert 'value="sending@example.org"' in html and 'name="password"' in html
        assert self.WAIT[language] in html
        assert "wait a minute" not in html
        assert PASSWORD not in html
        clock[0] += 3279
        assert client.post("/login", data={"email": user.email, "password": PASSWORD},
                           headers=headers).status_code == 302

    @pytest.mark.parametrize("language, wait", [("en", "about 41 seconds"),
                                                ("fr", "environ 41\u00a0secondes"),
                                                ("ar", "41 ثانية")])
    def test_reset_requests_over_the_limit(self, client, db, monkeypatch, language, wait):
        import time

        clock = [2_000.0]
        monkeypatch.setattr(time, "time", lambda: clock[0])
        headers = {"Accept-Language": language}
        for _ in range(5):
            response = client.post("/password/forgot", data={"email": "nobody@example.org"},
                                   headers=headers)
            assert response.status_code == 302 and "Retry-After" not in response.headers
        clock[0] = 2_020.0
        response = client.post("/password/forgot", data={"email": "nobody@example.org"},
                               headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 429 and response.headers["Retry-After"] == "41"
        assert 'value="nobody@example.org"' in html and wait in html
