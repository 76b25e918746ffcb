"""Issue 14 in the browser: a coordinator confirms a placement, the volunteer's message
reaches a real SMTP server in their language (French) with the pre-arrival infosheet
attached; the volunteer records their travel in the portal; it appears on the arrivals board.

The module has its own live server (the shared one has no mail server): the demo data, a real
SMTP server (aiosmtpd), and one proposed placement of the demo volunteer, whose interface is
in French. The mail worker runs in the test (``worker.run(once=True)``), as ``flask worker``
would beside the web server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from aljisr import create_app
from tests.support.browser import sign_in, sign_out
from tests.support.pdf import pdftotext
from tests.support.smtp import SMTPServer, mail_config

VOLUNTEER = "volunteer@aljisr.example.org"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory, smtp: SMTPServer) -> Iterator[dict]:
    """The live app (its base URL, the app, the new placement's id and first day)."""
    from flask_migrate import upgrade

    from aljisr.auth.models import User
    from aljisr.dates import association_today
    from aljisr.extensions import db
    from aljisr.placements.models import Placement, PlacementStatus
    from aljisr.projects.models import Project, ProjectStatus, Theme
    from aljisr.seed import load_demo
    from aljisr.sites.models import Site

    folder = tmp_path_factory.mktemp("arrivals-live")
    app = create_app({
        "SECRET_KEY": "browser-tests", "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
        "PUBLIC_BASE_URL": None, "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", **mail_config(smtp.port),
    })
    with app.app_context():
        upgrade()
        load_demo()
        today = association_today()
        user = db.session.scalar(db.select(User).filter_by(email=VOLUNTEER))
        user.locale = "fr"
        coordinator = db.session.scalar(db.select(User).filter_by(
            email="coordinator@aljisr.example.org"))
        site = db.session.scalar(db.select(Site).filter_by(name="Anwal primary school"))
        start = today + timedelta(days=100)
        project = Project(title="Summer reading club", title_fr="Club de lecture d'été",
                          site=site, theme=Theme.EDUCATION, status=ProjectStatus.OPEN,
                          start_date=start, end_date=start + timedelta(days=30), capacity=4,
                          required_skills=[], required_languages=[],
                          working_days="Monday to Friday", working_hours="9:00 to 12:00")
        placement = Placement(volunteer=user.volunteer, project=project, start_date=start,
                              end_date=start + timedelta(days=13),
                              status=PlacementStatus.PROPOSED, coordinator=coordinator)
        db.session.add_all([project, placement])
        db.session.commit()
        ids = {"placement": placement.id, "start": start}
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "app": app, **ids}
    server.shutdown()


@pytest.fixture
def page(browser: Any, journey: dict) -> Iterator[Any]:
    context = browser.new_context(base_url=journey["url"], locale="en-GB",
                                  viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _deliver(app: Any) -> None:
    from aljisr.notifications import worker

    with app.app_context():
        worker.run(once=True)


def test_confirmation_mail_with_infosheet_then_travel_on_the_board(page, journey, smtp):
    placement_id, start = journey["placement"], journey["start"]

    # the coordinator confirms the proposed placement
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto(f"/placements/{placement_id}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Placement confirmed.")).to_be_visible()
    sign_out(page)

    # the worker delivers: the volunteer's message, in French, with the infosheet in French
    _deliver(journey["app"])
    [message] = [m for m in smtp.inbox.to(VOLUNTEER)
                 if m["Subject"].startswith("Affectation confirmée")]
    assert message["Content-Language"] == "fr"
    assert "Club de lecture d'été" in message["Subject"]
    [sheet] = list(message.iter_attachments())
    assert sheet.get_content_type() == "application/pdf"
    text = " ".join(pdftotext(sheet.get_content()).split())
    assert "Avant votre arrivée" in text and "Yasmine Haddad" in text
    assert "Marrakech Menara airport (RAK)" in text  # the site's airports and stations
    assert "Code de conduite pour le travail dans les écoles" in text

    # the volunteer records their travel in the portal (French interface)
    sign_in(page, VOLUNTEER)
    page.goto(f"/me/placements/{placement_id}")
    page.get_by_role("link", name="Enregistrer mes informations d'arrivée").click()
    arrival = start - timedelta(days=1)
    page.locator("#arrival_date").fill(arrival.isoformat())
    page.locator("#arrival_time").fill("14:35")
    page.locator("#arrival_mode").select_option("flight")
    page.locator("#arrival_number").fill("at 801")
    page.locator("#arrival_point").select_option("Marrakech Menara airport (RAK), 8 km")
    page.locator("#pickup_needed").check()
    page.locator("#departure_date").fill((start + timedelta(days=13)).isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Informations d'arrivée enregistrées.")).to_be_visible()
    assert "AT 801" in page.locator("#arrival-summary").inner_text()
    page.context.clear_cookies()  # (the account menu speaks French: leave by forgetting)

    # the coordinator sees it on the arrivals board, with the pickup
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/home")
    page.locator("#board-link").click()
    # the next 14 days are filled in: both ends are moved
    assert page.locator("#date_from").input_value() and page.locator("#date_to").input_value()
    page.get_by_label("From").fill(arrival.isoformat())
    page.locator("#date_to").fill((arrival + timedelta(days=13)).isoformat())
    page.get_by_role("button", name="Filter").click()
    row = page.locator(f"#board tr[data-placement='{placement_id}'].board-arrival")
    assert "Yasmine Haddad" in row.inner_text() and "AT 801" in row.inner_text()
    assert "Pickup needed" in row.inner_text()
    assert "Marrakech Menara airport (RAK)" in row.inner_text()
    # printed: no navigation, no filters, the table kept
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator(".filter-bar")).to_be_hidden()
    expect(row).to_be_visible()
