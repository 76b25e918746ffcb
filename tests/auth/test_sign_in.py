"""Signing in and out: passwords, CSRF, rate limits, safe redirects, session cookies."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from aljisr.auth.models import User
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
    assert response.status_code == 200
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
    assert _post_login(client, user.email, PASSWORD).status_code == 200


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
    user = factories.user()
    db.session.commit()
    _post_login(client, user.email, PASSWORD)
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    assert client.get("/home").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/home").status_code == 302  # the old cookie is worthless


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
            assert response.status_code == 200
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
