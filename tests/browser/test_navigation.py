"""The back office's navigation bar with and without JavaScript: at phone width the menu
opens and every page under "More" is reachable; at laptop width (1280 px) the bar fits the
screen in every language, the account menu included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SHOTS = Path("test-artifacts")


@pytest.fixture
def context_for(browser: Any, live_server: str) -> Iterator[Any]:
    """Make a fresh page of ``viewport`` with JavaScript on or off."""
    contexts = []

    def make(viewport: dict[str, int], *, javascript: bool) -> Any:
        context = browser.new_context(base_url=live_server, locale="en-GB", viewport=viewport,
                                      java_script_enabled=javascript)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def overflow(page: Any) -> tuple[int, int]:
    return page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]")


def test_without_javascript_the_phone_menu_opens_and_more_pages_are_reachable(context_for):
    page = context_for(PHONE, javascript=False)
    sign_in(page, "coordinator@aljisr.example.org")
    nav = page.get_by_role("navigation", name="Main navigation")
    planner = nav.get_by_role("link", name="Season planner")
    # the menu is open (no ☰ button that would need a script) and lists "More"'s pages
    expect(nav.locator(".navbar-toggler")).to_be_hidden()
    expect(nav.get_by_role("link", name="Volunteers")).to_be_visible()
    expect(planner).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "nav-phone-no-js.png"), full_page=True)
    scroll, inner = overflow(page)
    assert scroll <= inner, f"the page is {scroll} px wide on a {inner} px screen"
    planner.click()
    page.wait_for_url("**/planner/")
    expect(page.get_by_role("heading", name="Season planner")).to_be_visible()


def test_with_javascript_the_phone_menu_still_opens_with_its_button(context_for):
    page = context_for(PHONE, javascript=True)
    sign_in(page, "coordinator@aljisr.example.org")
    nav = page.get_by_role("navigation", name="Main navigation")
    planner = nav.get_by_role("link", name="Season planner")
    expect(planner).to_be_hidden()  # collapsed until the ☰ button is pressed
    nav.locator(".navbar-toggler").click()
    # Bootstrap's collapse slides open: More is pressed once it has finished (class "show",
    # not "collapsing"), else the press can land while the menu still moves
    expect(nav.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
    nav.get_by_role("button", name="More").click()
    expect(planner).to_be_visible()
    planner.click()
    page.wait_for_url("**/planner/")


def test_without_javascript_more_opens_with_the_keyboard_at_laptop_width(context_for):
    page = context_for(LAPTOP, javascript=False)
    sign_in(page, "coordinator@aljisr.example.org")
    nav = page.get_by_role("navigation", name="Main navigation")
    planner = nav.get_by_role("link", name="Season planner")
    expect(planner).to_be_hidden()
    nav.get_by_role("button", name="More").focus()
    page.keyboard.press("Tab")  # into the menu: focus inside keeps it open
    expect(planner).to_be_visible()
    page.screenshot(path=str(SHOTS / "nav-laptop-no-js-more.png"))
    planner.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/planner/")


def choose_language(page: Any, code: str, *, javascript: bool) -> None:
    """Pick a language in the bar: the select submits itself with JavaScript, else its
    "Change language" button sends it. The choice is stored on the account."""
    if javascript:
        with page.expect_navigation():
            page.locator("#language-select").select_option(code)
    else:
        page.locator("#language-select").select_option(code)
        page.locator("#language-select ~ button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_bar_fits_a_laptop_screen_in_every_language(context_for, language, javascript):
    page = context_for(LAPTOP, javascript=javascript)
    sign_in(page, "coordinator@aljisr.example.org")
    choose_language(page, language, javascript=javascript)
    try:
        page.wait_for_url("**/home")
        assert page.evaluate("() => document.documentElement.lang") == language
        SHOTS.mkdir(exist_ok=True)
        mode = "js" if javascript else "no-js"
        page.screenshot(path=str(SHOTS / f"nav-laptop-{language}-{mode}.png"))
        scroll, inner = overflow(page)
        assert scroll <= inner, f"the page is {scroll} px wide on a {inner} px screen"
        account = page.locator("nav .dropdown > button.dropdown-toggle")
        box = account.bounding_box()
        assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= LAPTOP["width"]
    finally:
        # the other browser tests read the coordinator's pages in English
        if language != "en":
            choose_language(page, "en", javascript=javascript)
