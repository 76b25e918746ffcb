"""Colour contrast (WCAG 2.1 AA, SC 1.4.3: 4.5:1 for normal text) of the elements an outside
audit found below it: the navigation links on the teal bar (3.43:1) and a list's "Clear"
link (4.26:1), measured on the colours the browser computes."""

from __future__ import annotations

import pytest

from tests.support.a11y import contrast_ratio, low_contrast
from tests.support.browser import sign_in


def test_contrast_ratio_follows_wcag():
    assert round(contrast_ratio((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert round(contrast_ratio((118, 118, 118), (255, 255, 255)), 2) == 4.54  # #767676


@pytest.mark.parametrize("language", ["en", "ar"])
def test_navigation_and_clear_links_reach_4_5_to_1(page, language):
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/volunteers/")
    if language == "ar":
        with page.expect_navigation():
            page.select_option("#language-select", "ar")
    try:
        assert low_contrast(page, "nav.navbar .nav-link") == []
        assert low_contrast(page, "nav.navbar .navbar-brand") == []
        assert low_contrast(page, "form a.btn-link") == []  # "Clear" beside "Filter"
        page.hover("nav.navbar .nav-link:not(.active)")
        assert low_contrast(page, "nav.navbar .nav-link") == []
    finally:
        if language != "en":  # the choice is saved for the user: give the demo back English
            with page.expect_navigation():
                page.select_option("#language-select", "en")
