"""Applying without an account, end to end (issue 15): an anonymous visitor browses the catalogue
in Arabic (a filter, a project page, its Apply button), applies for two projects (the second
chosen in the form) and confirms by the link in the e-mail received by a real SMTP server; a
coordinator finds the application in the inbox and accepts it with a placement; the new
volunteer signs in by the invitation link from their e-mail.

Runs on its own live server (demo data, a second open project, mail delivered to an aiosmtpd
server by the worker's delivery function, as ``flask worker --once`` does).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from aljisr import create_app
from tests.support.browser import sign_in, sign_out
from tests.support.smtp import SMTPServer, free_port, mail_config


@pytest.fixture(scope="module")
def apply_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Any]]:
    from flask_migrate import upgrade

    from aljisr.extensions import db
    from aljisr.projects.models import Project, ProjectStatus
    from aljisr.seed import load_demo

    smtp = SMTPServer(free_port()).start()
    folder = tmp_path_factory.mktemp("apply")
    app = create_app({
        "SECRET_KEY": "browser-tests", "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
        "PUBLIC_BASE_URL": None, "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", "APPLICATION_MIN_FILL_SECONDS": 0,
        **mail_config(smtp.port),
    })
    with app.app_context():
        upgrade()
        load_demo()
        # two open projects at least, whatever the demo holds
        first = db.session.query(Project).filter_by(status=ProjectStatus.OPEN).first()
        other = db.session.query(Project).filter(Project.id != first.id).order_by(
            Project.end_date.desc()).first()
        other.status = ProjectStatus.OPEN
        other.start_date, other.end_date = first.start_date, first.end_date + timedelta(days=30)
        # the applicant speaks Arabic: a project's rules hold when an application is accepted
        # too (docs/architecture.md §6.24), so the first project asks for what she speaks
        first.required_languages, first.min_age = ["ar"], None
        db.session.commit()
        ids = {"first": first.id, "first_site": first.site_id, "other": other.id}
        db.session.remove()
    app.config["TEST_PROJECT_IDS"] = ids
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    yield base, app, smtp
    server.shutdown()
    smtp.stop()


def _deliver(app: Any) -> None:
    from aljisr.extensions import db
    from aljisr.notifications.worker import deliver_due

    with app.app_context():
        while deliver_due().claimed:  # every batch due, as the worker's loop
            pass
        db.session.remove()


def _link_in_mail(smtp: Any, address: str, pattern: str) -> str:
    for message in reversed(smtp.inbox.to(address)):
        body = message.get_body(("plain",)).get_content()
        found = re.search(pattern, body)
        if found:
            return found.group(0)
    raise AssertionError(f"no {pattern} in the mail to {address}: "
                         f"{[(m['To'], m['Subject']) for m in smtp.inbox.messages]}")


def test_an_anonymous_visitor_applies_in_arabic_and_becomes_a_volunteer(browser, apply_server):
    base, app, smtp = apply_server
    context = browser.new_context(base_url=base, locale="ar",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    email = "layla.applicant@example.org"

    ids = app.config["TEST_PROJECT_IDS"]

    # the catalogue in Arabic, filtered by the project's site
    page.goto("/volunteer-projects?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.locator("#site").select_option(str(ids["first_site"]))
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(rf"site={ids['first_site']}"))
    assert "lang=ar" in page.url
    card = page.locator(f"#projects a[href*='/volunteer-projects/{ids['first']}?']").first
    card.click()
    page.wait_for_url(re.compile(rf"/volunteer-projects/{ids['first']}\?lang=ar"))
    page.locator("#apply").click()  # the project page's Apply button
    page.wait_for_url(re.compile(r"/apply\?"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    # the project is chosen first; the second is chosen in the form
    assert page.locator("#projects-0-project").input_value() == str(ids["first"])
    assert page.locator("#projects-1-project").input_value() == ""
    page.locator("#projects-1-project").select_option(str(ids["other"]))

    page.get_by_label("الاسم الكامل").fill("ليلى بن علي")
    page.get_by_label("الجنسية").select_option("MA")
    page.get_by_label("تاريخ الميلاد").fill("1999-05-04")
    page.get_by_label("البريد الإلكتروني").fill(email)
    page.locator("#languages-0-code").select_option("ar")
    page.locator("#languages-0-level").select_option("native")
    from aljisr.dates import association_today
    start = association_today() + timedelta(days=25)
    page.locator("#available_from").fill(start.isoformat())
    page.locator("#available_to").fill((start + timedelta(days=40)).isoformat())
    page.locator("#motivation").fill("أحب العمل مع الأطفال.")
    page.locator("#consent").check()
    page.locator("#submit").click()
    page.wait_for_url("**/apply/sent*")
    expect(page.locator("#apply-sent")).to_be_visible()

    _deliver(app)
    confirm = _link_in_mail(smtp, email, r"https?://\S+/apply/confirm/\S+")
    page.goto(confirm)
    page.locator("#link-submit").click()
    expect(page.locator("#link-done")).to_be_visible()
    context.close()

    page = browser.new_context(base_url=base, locale="en-GB",
                               viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, "coordinator@aljisr.example.org")
    expect(page.locator("#nav-count-applications-index")).to_be_visible()
    page.get_by_role("link", name="Applications").first.click()
    page.get_by_role("link", name="ليلى بن علي").click()
    # both projects reached the inbox, in the applicant's order
    chosen = page.locator("#application-projects li")
    expect(chosen).to_have_count(2)
    page.get_by_role("link", name="Accept").click()
    page.locator("#placements-0-propose").check()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Application accepted")).to_be_visible()
    expect(page.locator("#accepted-volunteer")).to_be_visible()
    sign_out(page)

    _deliver(app)
    invitation = _link_in_mail(smtp, email, r"https?://\S+/invitation/\S+")
    page.goto(invitation)
    page.get_by_label("New password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the new password").fill("a long enough password")
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_url("**/home")
    # the volunteer's account speaks the language they applied in
    assert page.locator("html").get_attribute("lang") == "ar"
    expect(page.get_by_role("heading", name="تعييناتي")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_form_and_the_inbox_fit_a_phone(browser, apply_server, language):
    """At 390 px the form, with its errors shown, and the inbox never scroll sideways."""
    base, _app, _smtp = apply_server
    context = browser.new_context(base_url=base, locale=language, is_mobile=True,
                                  has_touch=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto("/apply")
        assert page.locator("html").get_attribute("lang") == language
        page.locator("#submit").click()  # empty: every required field says why
        expect(page.locator("#full_name-error")).to_be_visible()
        page.goto("/apply")
        scroll, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"/apply is {scroll} px wide on a {inner} px screen"
        page.goto("/login")
        page.locator("#email").fill("coordinator@aljisr.example.org")
        page.locator("#password").fill("demo-aljisr")
        page.locator("#submit").click()
        page.wait_for_url("**/home")
        page.goto("/applications/")
        scroll, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"the inbox is {scroll} px wide on a {inner} px screen"
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_form_works_without_javascript_and_reads_well(browser, apply_server, language):
    """The public layout's form at 390 px with scripts off: sent empty, it comes back in the
    address's language with every error beside its field, readable (WCAG 2.1 AA contrast),
    never wider than the screen."""
    from tests.support.a11y import low_contrast

    base, _app, _smtp = apply_server
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"/apply?lang={language}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar"
                                                               else "ltr")
        expect(page.locator("script")).to_have_count(0)
        with page.expect_navigation():
            page.locator("#submit").tap()
        assert f"lang={language}" in page.url
        assert page.locator("html").get_attribute("lang") == language
        expect(page.locator("#form-errors")).to_be_visible()
        expect(page.locator("#full_name-error")).to_be_visible()
        expect(page.locator("#consent-error")).to_be_visible()
        scroll, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"/apply is {scroll} px wide on a {inner} px screen"
        for selector in ("#form-errors", ".invalid-feedback", ".form-label", ".form-text",
                         "legend", "#privacy-link"):
            assert low_contrast(page, selector) == [], selector
    finally:
        context.close()
