"""At phone width (390 px) tables turn into one card per row: the page never scrolls sideways,
each value keeps its column's name beside it, and the hours queue's buttons and checkboxes are
inside the screen and work with a tap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh touch-screen browser context 390 px wide, as on a common phone."""
    context = browser.new_context(base_url=live_server, locale="en-GB", viewport=PHONE,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def page_width(page: Any) -> tuple[int, int]:
    """(document width, viewport width) in CSS pixels; wider means sideways scrolling."""
    scroll, inner = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    return scroll, inner


def label_of(cell: Any) -> str:
    """The text shown before a cell's value when its row is a card (its ::before content)."""
    return cell.evaluate("c => getComputedStyle(c, '::before').content")


def on_screen(element: Any) -> bool:
    box = element.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def choose_language(page: Any, code: str) -> None:
    """Open the collapsed navigation menu and pick a language, as a phone user does."""
    page.locator(".navbar-toggler").tap()
    with page.expect_navigation():
        page.select_option("#language-select", code)  # submits itself (static/js/app.js)


def test_hours_queue_fits_a_phone_and_entries_are_approved_with_a_tap(phone):
    sign_in(phone, "coordinator@aljisr.example.org")
    phone.goto("/hours/")
    scroll, inner = page_width(phone)
    assert scroll <= inner, f"the hours queue is {scroll} px wide on a {inner} px screen"

    # each entry is a card: the thead is gone, the hours carry their label, all on screen
    expect(phone.locator("#review-form thead th", has_text="Activity")).to_be_hidden()
    rows = phone.locator("#review-form tbody tr", has=phone.locator("input[name=entry]"))
    row = rows.first
    assert label_of(row.locator('td[data-label="Hours"]')) == '"Hours"'
    # a value gets the card's width, not a column squeezed to a few letters
    assert row.locator('td[data-label="Project"]').bounding_box()["width"] > PHONE["width"] / 2
    approve = row.get_by_role("button", name="Approve", exact=True)
    box = approve.bounding_box()
    assert on_screen(approve) and box["height"] >= 32  # big enough to tap
    checkbox = row.locator("input[name=entry]")
    assert on_screen(checkbox) and checkbox.bounding_box()["width"] >= 24

    # approve one entry with a tap
    entry_id = checkbox.get_attribute("value")
    with phone.expect_navigation():
        approve.tap()
    expect(phone.get_by_text("Entry approved.")).to_be_visible()
    expect(phone.locator(f"input[name=entry][value='{entry_id}']")).to_have_count(0)
    scroll, inner = page_width(phone)
    assert scroll <= inner

    # bulk: tick two cards' checkboxes, then "Approve selected"
    ids = [rows.nth(i).locator("input[name=entry]").get_attribute("value") for i in (0, 1)]
    for entry in ids:
        phone.locator(f"input[name=entry][value='{entry}']").tap()
    assert phone.locator("#select-all").evaluate("b => b.indeterminate")
    approve_selected = phone.locator("#approve-selected")
    assert on_screen(approve_selected)
    with phone.expect_navigation():
        approve_selected.tap()
    expect(phone.get_by_text("2 entries approved.")).to_be_visible()
    for entry in ids:
        expect(phone.locator(f"input[name=entry][value='{entry}']")).to_have_count(0)

    # "select all" stays reachable above the cards, with its name written out
    select_all = phone.get_by_label("Select all entries on this page")
    select_all.tap()
    assert select_all.is_checked()
    boxes = phone.locator("input[name=entry]")
    assert boxes.count() > 0
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))


def test_report_fits_a_phone_in_english_and_arabic(phone):
    sign_in(phone, "coordinator@aljisr.example.org")
    phone.goto("/reports/")
    organisation = phone.locator("#organisation option", has_text="Passerelles Solidaires")
    phone.goto(f"/reports/organisations/{organisation.get_attribute('value')}")
    expect(phone.get_by_role("heading", name="Activity report")).to_be_visible()
    scroll, inner = page_width(phone)
    assert scroll <= inner, f"the report is {scroll} px wide on a {inner} px screen"

    rows = phone.locator("#placement-rows tbody tr")
    assert rows.count() > 0
    hours = rows.first.locator("td").last
    assert label_of(hours) == '"Approved hours"'
    assert on_screen(hours)
    assert label_of(phone.locator(".report-table tfoot td").first) == '"Volunteers"'

    try:
        choose_language(phone, "ar")
        assert phone.locator("html").get_attribute("dir") == "rtl"
        scroll, inner = page_width(phone)
        assert scroll <= inner, f"the Arabic report is {scroll} px wide on a {inner} px screen"
        assert on_screen(phone.locator("#placement-rows tbody tr").first.locator("td").last)
        phone.goto("/hours/")
        scroll, inner = page_width(phone)
        assert scroll <= inner, f"the Arabic hours queue is {scroll} px wide on {inner} px"
    finally:  # the live server is shared: give the coordinator English back
        phone.goto("/hours/")
        if phone.locator("html").get_attribute("lang") != "en":
            choose_language(phone, "en")


def test_audit_log_rows_are_cards_on_a_phone(phone):
    """The log's six columns squeezed names to a letter a line at 390 px."""
    sign_in(phone, "coordinator@aljisr.example.org")
    phone.goto("/audit/")
    scroll, inner = page_width(phone)
    assert scroll <= inner, f"the audit log is {scroll} px wide on a {inner} px screen"
    row = phone.locator("#audit-events tbody tr").first
    who = row.locator('td[data-label="Who"]')
    assert label_of(who) == '"Who"'
    assert row.locator('td[data-label="Action"]').bounding_box()["width"] > PHONE["width"] / 2
