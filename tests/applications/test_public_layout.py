"""The applicant's pages are public pages (docs/architecture.md §6.18): the public layout (its
small stylesheet, no Bootstrap, no script), their language in the address (``?lang=``), the
form and the privacy notice with canonical and ``hreflang`` addresses, the one-time pages
kept out of search engines, and the e-mailed links opening in the applicant's language."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from aljisr.applications.models import Application
from aljisr.applications.services import LinkPurpose, link_token
from aljisr.notifications.models import OutboxMessage
from tests.support.applications import apply_data

BASE = "https://aljisr.example.org"


def _light(html: str) -> None:
    assert "/static/css/public.css" in html
    assert "bootstrap" not in html and "<script" not in html


def test_the_form_and_the_notice_are_public_pages_in_the_addressed_language(client, projects):
    garden = projects[1]
    html = client.get(f"/apply?lang=ar&project={garden.id}",
                      headers={"Accept-Language": "fr"}).get_data(as_text=True)
    _light(html)
    assert '<html lang="ar" dir="rtl">' in html
    assert f'<link rel="canonical" href="{BASE}/apply?lang=ar">' in html  # choice dropped
    for code in ("en", "fr", "ar"):
        assert f'<link rel="alternate" hreflang="{code}" href="{BASE}/apply?lang={code}">' in html
    assert f'hreflang="x-default" href="{BASE}/apply"' in html
    assert 'href="/apply/privacy?lang=ar"' in html  # links keep the language
    assert 'name="robots"' not in html

    notice = client.get("/apply/privacy?lang=fr").get_data(as_text=True)
    _light(notice)
    assert '<html lang="fr" dir="ltr">' in notice
    assert f'<link rel="canonical" href="{BASE}/apply/privacy?lang=fr">' in notice
    assert "Loi" in notice or "loi" in notice


def test_errors_show_beside_their_fields_on_the_light_page(client, projects):
    response = client.post("/apply?lang=fr", data=apply_data([projects[0].id], full_name="",
                                                             consent=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    _light(html)
    assert '<html lang="fr"' in html
    assert 'id="full_name-error"' in html and 'aria-invalid="true"' in html
    assert 'id="consent-error"' in html


def test_one_time_pages_are_light_unindexed_and_in_the_applicants_language(client, db,
                                                                          projects):
    response = client.post("/apply?lang=ar", data=apply_data([projects[0].id],
                                                             email="amal@example.org"))
    assert response.headers["Location"].endswith("/apply/sent?lang=ar")
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    _light(sent)
    assert '<html lang="ar" dir="rtl">' in sent and '<meta name="robots" content="noindex">' in sent
    assert 'rel="canonical"' not in sent

    [mail] = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == "amal@example.org")).all()
    assert re.search(rf"{BASE}/apply/confirm/[\w.\-]+\?lang=ar", mail.body)
    assert re.search(rf"{BASE}/apply/withdraw/[\w.\-]+\?lang=ar", mail.body)

    application = db.session.scalars(sa.select(Application)).one()
    token = link_token(application, LinkPurpose.CONFIRM)
    link = client.get(f"/apply/confirm/{token}?lang=ar").get_data(as_text=True)
    _light(link)
    assert '<html lang="ar" dir="rtl">' in link and 'content="noindex"' in link
    assert 'id="link-submit"' in link
    done = client.post(f"/apply/confirm/{token}?lang=ar", data=_csrf(link))
    _light(done.get_data(as_text=True))
    assert 'id="link-done"' in done.get_data(as_text=True)
    used = client.get(f"/apply/confirm/{token}?lang=fr")
    assert used.status_code == 410
    _light(used.get_data(as_text=True))


def _csrf(html: str) -> dict[str, Any]:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return {"csrf_token": found.group(1)} if found else {}
