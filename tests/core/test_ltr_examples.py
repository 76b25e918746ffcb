"""Left-to-right examples inside right-to-left sentences: in Arabic the phone field's example
read "+78 56 34 12 6 33". Each example is isolated (U+2066 ... U+2069), and the rendered help
texts and messages, laid out by the Unicode Bidirectional Algorithm (python-bidi, as a
browser does in a right-to-left paragraph), show it in its own order."""

from __future__ import annotations

import html
import re

from bidi import get_display

from aljisr.permissions import Role
from tests.support import factories
from tests.support.clients import login_client
from tests.support.forms import org_data


def _texts(page: str, element_id: str) -> list[str]:
    """The text of the element with ``element_id`` (tags dropped, entities decoded)."""
    found = re.findall(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</div>', page, re.S)
    assert found, element_id
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found]


def _shown(text: str) -> str:
    """``text`` in the visual order of a right-to-left paragraph."""
    return get_display(text, base_dir="R")


def _arabic(client_user):
    client, user = client_user
    user.locale = "ar"
    return client


def test_phone_examples_keep_their_order_in_arabic(as_role, db, app):
    client = _arabic(as_role("coordinator"))
    db.session.commit()
    volunteer_form = client.get("/volunteers/new").get_data(as_text=True)
    assert 'dir="rtl"' in volunteer_form
    (text,) = _texts(volunteer_form, "phone-help")
    assert "+33 6 12 34 56 78" in _shown(text), _shown(text)
    organisation_form = client.get("/organisations/new").get_data(as_text=True)
    (text,) = _texts(organisation_form, "phone-help")
    assert "+212 5 39 00 00 00" in _shown(text), _shown(text)

    user = factories.user(Role.VOLUNTEER, email="olga@example.org", locale="ar")
    factories.volunteer(full_name="Ольга Петренко", email="olga@example.org", user=user)
    db.session.commit()
    profile = login_client(app, user).get("/me/profile").get_data(as_text=True)
    (text,) = _texts(profile, "phone-help")
    assert "+33 6 12 34 56 78" in _shown(text), _shown(text)


def test_examples_in_error_messages_keep_their_order_in_arabic(as_role, db):
    client = _arabic(as_role("coordinator"))
    db.session.commit()
    page = client.post("/organisations/new", data=org_data(
        phone="+212 123", website="not a website")).get_data(as_text=True)
    (phone,) = _texts(page, "phone-error")
    assert "+212 …" in _shown(phone), _shown(phone)
    (website,) = _texts(page, "website-error")
    assert "https://example.org" in _shown(website)
