"""A live server and a Playwright browser (Debian's Chromium, never a downloaded one).

Browser tests are marked ``browser`` and skip with a clear reason when Chromium or Playwright
is missing. The live server runs the real app with werkzeug in a thread, on its own SQLite
database migrated and loaded with the demo data.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from aljisr import create_app
from tests.support.tools import require

#: Debian's build of Chromium's headless shell (package ``chromium-headless-shell``, from the
#: same source and version as ``chromium``), which is also what Playwright runs for headless
#: tests: the same Blink engine without the desktop browser around it, and about 40 % less CPU
#: over these journeys than ``chromium --headless`` (bench/README.md, "The test suite's time").
#: Where it is not installed, Debian's ``chromium``; ``ALJISR_CHROMIUM`` names another.
CHROMIUM = os.environ.get("ALJISR_CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
     if Path(path).exists()), "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(live_server: str) -> Flask:
    """The app the live server serves (to put its data back between tests)."""
    return _LIVE_APPS[live_server]


_LIVE_APPS: dict[str, Flask] = {}


@pytest.fixture(autouse=True)
def _languages_put_back(live_app: Flask) -> Iterator[None]:
    """Each journey starts with the demo accounts' own languages: a test that picks a language
    stores it on the account (docs/architecture.md §4.7), and the tests a process runs share
    one live server, in an order pytest-xdist chooses."""
    import sqlalchemy as sa

    from aljisr.auth.models import User
    from aljisr.extensions import db

    with live_app.app_context():
        saved = {row.id: row.locale for row in db.session.execute(sa.select(User.id, User.locale))}
        db.session.remove()
    yield
    with live_app.app_context():
        for user_id, locale in db.session.execute(sa.select(User.id, User.locale)):
            if user_id in saved and saved[user_id] != locale:
                db.session.execute(sa.update(User).where(User.id == user_id)
                                   .values(locale=saved[user_id]))
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app served with the demo data on a fresh SQLite database."""
    from flask_migrate import upgrade

    from aljisr.extensions import db
    from aljisr.seed import load_demo

    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SECRET_KEY": "browser-tests",
            "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
            "PUBLIC_BASE_URL": None,
            "RATELIMIT_ENABLED": False,
            # the demo users' passwords, hashed with one PBKDF2 round as in the other tests
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        }
    )
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    _LIVE_APPS[url] = app
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        require(CHROMIUM, package="chromium-headless-shell")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies) with its base URL set to the live server."""
    context = browser.new_context(
        base_url=live_server, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        out = Path("test-artifacts")
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
