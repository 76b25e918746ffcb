"""Back after creating an organisation, then Save again (docs/architecture.md §6.13): the
browser shows the form again with what was typed; saving it never registers a second
organisation of the same name without a word."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in

NAME = "Jeunesse Solidaire Agadir"


def test_back_then_save_does_not_silently_register_the_organisation_twice(page):
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/organisations/new")
    shown = page.locator("input[name=once]").input_value()
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Kind").select_option("sending")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/organisations/\d+$"))
    first = page.url
    expect(page.get_by_text("Organisation registered.")).to_be_visible()

    page.go_back()
    page.wait_for_url("**/organisations/new")
    again = page.locator("input[name=once]").input_value()
    if not page.get_by_label("Name").input_value():  # refetched empty: typed again
        page.get_by_label("Name").fill(NAME)
        page.get_by_label("Kind").select_option("sending")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    if again == shown:  # the page came back as it was (the same token): the first record
        assert page.url == first
        expect(page.get_by_text("This form had already been sent")).to_be_visible()
    else:  # a fresh page, a deliberate second sending: the namesake is named, not saved
        assert "/organisations/new" in page.url
        expect(page.locator("#same-name")).to_be_visible()
        expect(page.get_by_role("link", name=NAME)).to_have_count(1)
    page.goto("/organisations/?q=Jeunesse+Solidaire")
    expect(page.locator("table tbody tr")).to_have_count(1)
    print("token on Back:", "same" if again == shown else "fresh")
