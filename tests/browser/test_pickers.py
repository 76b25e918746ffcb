"""The proposal form's pickers in the browser: an ARIA 1.2 combobox driven by the keyboard,
and, without JavaScript, a plain search that sends the form back with the matches."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in


def test_the_combobox_searches_as_one_types_and_chooses_with_the_keyboard(page):
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/placements/new")
    volunteer = page.get_by_role("combobox", name="Volunteer")
    assert volunteer.get_attribute("aria-expanded") == "false"
    assert page.locator("select#volunteer").is_hidden()

    volunteer.fill("ιωαν")  # unaccented, lower case: the server folds both
    listbox = page.get_by_role("listbox", name="Volunteer")
    option = listbox.get_by_role("option", name=re.compile("Ιωάννα Παπαδοπούλου"))
    option.wait_for()
    assert volunteer.get_attribute("aria-expanded") == "true"
    volunteer.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    assert volunteer.get_attribute("aria-activedescendant") == option.get_attribute("id")
    volunteer.press("Enter")
    assert listbox.is_hidden() and volunteer.get_attribute("aria-expanded") == "false"
    assert "Ιωάννα Παπαδοπούλου" in volunteer.input_value()
    chosen = page.locator("select#volunteer").input_value()
    assert chosen.isdigit()

    # Escape closes the list first, then clears the choice
    project = page.get_by_role("combobox", name="Project")
    project.fill("multidisciplinary")
    page.get_by_role("listbox", name="Project").get_by_role("option").first.wait_for()
    project.press("Escape")
    assert page.get_by_role("listbox", name="Project").is_hidden()
    project.press("ArrowDown")
    project.press("ArrowDown")
    project.press("Enter")
    label = project.input_value()
    assert "multidisciplinary" in label and page.locator("select#project").input_value()
    first, last = re.findall(r"\d{4}-\d{2}-\d{2}", label)[:2]

    # the proposal sends what was chosen
    page.get_by_label("First day").fill(first)
    page.get_by_label("Last day").fill(first)
    page.get_by_role("button", name="Propose placement").click()
    page.wait_for_url(re.compile(r"/placements/\d+$"))
    expect(page.get_by_text("Placement proposed.")).to_be_visible()
    expect(page.get_by_role("link", name="Ιωάννα Παπαδοπούλου").first).to_be_visible()
    assert last


def test_without_javascript_the_picker_is_a_search_that_sends_the_form_back(browser,
                                                                            live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "coordinator@aljisr.example.org")
        page.goto("/placements/new")
        expect(page.get_by_role("combobox", name="Volunteer")).to_have_count(1)  # the select
        page.get_by_label("Role").fill("Mural painter")
        page.get_by_role("searchbox", name="Search volunteers by name or e-mail").fill("ιωαν")
        page.get_by_role("button", name="Search").first.click()
        page.wait_for_load_state()
        select = page.get_by_label("Volunteer", exact=True)
        names = select.locator("option").all_inner_texts()
        assert any("Ιωάννα Παπαδοπούλου" in n for n in names) and len(names) <= 21
        assert page.get_by_label("Role").input_value() == "Mural painter"
        assert "match" in page.locator("#volunteer-status").inner_text()
    finally:
        context.close()


def test_the_combobox_shows_under_the_box_what_the_server_says(page):
    # docs/architecture.md §6.19: "Nothing matches" and "type more" are seen, not only heard
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/placements/new")
    volunteer = page.get_by_role("combobox", name="Volunteer")
    status = page.locator("#volunteer-status")
    assert status.get_attribute("role") == "status" and status.is_hidden()  # empty: no line
    volunteer.fill("zzz")
    page.get_by_text("Nothing matches “zzz”.").wait_for()
    assert status.is_visible() and status.inner_text() == "Nothing matches “zzz”."
    assert page.get_by_role("listbox", name="Volunteer").is_hidden()
    volunteer.fill("a")
    page.get_by_text(re.compile("The first 20 matches of “a”")).wait_for()
    expect(status).to_be_visible()
    assert volunteer.get_attribute("aria-describedby").split()[-1] == "volunteer-status"


def test_leaving_the_box_with_the_exact_name_of_the_only_match_chooses_it(page):
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/placements/new")
    volunteer = page.get_by_role("combobox", name="Volunteer")
    volunteer.fill("emma lindqvist")
    volunteer.press("Tab")  # at once: before the list was even asked for
    select = page.locator("select#volunteer")
    expect(select).not_to_have_value("")
    assert "Emma Lindqvist" in volunteer.input_value()
    assert "Emma Lindqvist" in page.locator(".picker-chosen").first.inner_text()
    chosen = select.input_value()
    # a part of a name is no choice
    project = page.get_by_role("combobox", name="Project")
    project.fill("multidisciplinary")
    page.get_by_role("listbox", name="Project").get_by_role("option").first.wait_for()
    project.press("Tab")
    assert page.locator("select#project").input_value() == ""
    # backspacing off the chosen label's e-mail searches with what is left (its isolates too)
    volunteer.focus()
    volunteer.press("End")
    for _ in range(12):
        volunteer.press("Backspace")
    assert select.input_value() == ""  # edited: no longer the choice
    option = page.get_by_role("listbox", name="Volunteer").get_by_role(
        "option", name=re.compile("Emma Lindqvist"))
    option.wait_for()
    option.click()
    assert select.input_value() == chosen


def test_the_chosen_label_wraps_beside_its_own_clear_button_on_a_phone_in_arabic(browser,
                                                                                  live_server):
    context = browser.new_context(base_url=live_server, locale="ar",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto("/login")
        page.locator("#email").fill("coordinator@aljisr.example.org")
        page.locator("#password").fill("demo-aljisr")
        page.locator("#submit").click()
        page.wait_for_url("**/home")
        page.goto("/placements/new")
        project = page.locator("#project-q")
        project.fill("multidisciplinary")
        page.locator("#project-listbox [role=option]").first.wait_for()
        project.press("ArrowDown")
        project.press("Enter")
        chosen = page.locator("#project").locator("xpath=..").locator(".picker-chosen")
        label, clear = chosen.locator(".picker-chosen-label"), chosen.locator(".picker-clear")
        assert re.search(r"\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}", label.inner_text())
        # the whole label is shown, on several lines, not cut off
        assert label.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert label.bounding_box()["height"] > 2 * clear.bounding_box()["height"] / 1.5
        # the × stands on its own, at the line's end: the left in Arabic
        text, cross = label.bounding_box(), clear.bounding_box()
        assert cross["x"] + cross["width"] <= text["x"]
        assert clear.get_attribute("aria-label") == "مسح الاختيار"
        clear.click()
        assert page.locator("select#project").input_value() == ""
        assert project.input_value() == "" and chosen.is_hidden()
    finally:
        context.close()
