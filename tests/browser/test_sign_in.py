"""The main journey of the foundation: a coordinator signs in and sees the overview."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import sign_in


def test_coordinator_signs_in_and_sees_the_overview(page):
    sign_in(page, "coordinator@aljisr.example.org")
    expect(page.get_by_role("heading", name="Overview", exact=False).first).to_be_visible()
    sites = page.locator(".site-card")
    expect(sites).to_have_count(5)
    # twelve projects: three a site are listed, the centre's fourth is "and 1 more"
    expect(page.locator(".project-item")).to_have_count(11)
    expect(page.get_by_text("and 1 more").first).to_be_visible()
    expect(page.get_by_text("Anwal primary school").first).to_be_visible()


def test_wrong_password_stays_on_login_with_message(page):
    page.goto("/login")
    page.get_by_label("E-mail").fill("coordinator@aljisr.example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("E-mail or password is wrong.")).to_be_visible()
    assert page.get_by_label("E-mail").input_value() == "coordinator@aljisr.example.org"


def test_arabic_interface_is_right_to_left(page):
    sign_in(page, "volunteer@aljisr.example.org")
    with page.expect_navigation():
        page.select_option("#language-select", "ar")  # submits itself (static/js/app.js)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    # the choice is remembered for the user: a new sign-in keeps it
    page.context.clear_cookies()
    sign_in(page, "volunteer@aljisr.example.org")
    assert page.locator("html").get_attribute("dir") == "rtl"
