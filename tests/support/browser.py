"""Steps of the browser tests (Playwright pages on the live server of tests/browser)."""

from __future__ import annotations

from typing import Any

from aljisr.seed import DEMO_PASSWORD


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real login form."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")


def sign_out(page: Any) -> None:
    """Sign out through the account menu in the navigation bar."""
    page.locator("nav button.dropdown-toggle").click()  # the account menu
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
