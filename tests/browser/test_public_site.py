"""The public site on a phone (390 px), without JavaScript, in English, French and Arabic: no
sideways scrolling, text that reaches WCAG 2.1 AA contrast, and filters that work as a plain
form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.a11y import low_contrast

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def visitor(browser: Any, live_server: str) -> Iterator[Any]:
    """An anonymous phone browser with JavaScript switched off."""
    context = browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True,
                                  has_touch=True, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def fits(page: Any) -> None:
    scroll, inner = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url} is {scroll} px wide on a {inner} px screen"


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_public_pages_fit_a_phone_and_read_well_without_javascript(visitor, language):
    visitor.goto(f"/?lang={language}")
    assert visitor.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    fits(visitor)
    assert low_contrast(visitor, ".site-header a") == []
    assert low_contrast(visitor, "main a.button") == []
    assert low_contrast(visitor, ".testimonial figcaption") == []
    assert visitor.locator(".testimonial blockquote[lang]").count() >= 3

    with visitor.expect_navigation():
        visitor.locator(".project-item h3 a").first.tap()
    fits(visitor)
    expect(visitor.locator("#facts")).to_be_visible()

    visitor.goto(f"/volunteer-projects?lang={language}")
    fits(visitor)
    before = visitor.locator(".project-item").count()
    assert before >= 3
    visitor.select_option("#theme", "culture")
    with visitor.expect_navigation():
        visitor.locator(".filters button[type=submit]").tap()
    assert "theme=culture" in visitor.url and f"lang={language}" in visitor.url
    assert 0 < visitor.locator(".project-item").count() < before
    fits(visitor)

    visitor.goto(f"/past-projects?lang={language}")
    fits(visitor)


def test_language_links_keep_the_page_and_its_filters(visitor):
    visitor.goto("/volunteer-projects?lang=en&theme=culture")
    with visitor.expect_navigation():
        visitor.get_by_role("link", name="العربية").tap()
    assert visitor.locator("html").get_attribute("lang") == "ar"
    assert "theme=culture" in visitor.url and "lang=ar" in visitor.url
