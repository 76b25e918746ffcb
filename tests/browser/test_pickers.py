"""The proposal form's pickers in the browser: an ARIA 1.2 combobox driven by the keyboard,
and, without JavaScript, a plain search that sends the form back with the matches."""

from __future__ import annotations

import re

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
    assert page.get_by_text("Placement proposed.").is_visible()
    assert page.get_by_role("link", name="Ιωάννα Παπαδοπούλου").first.is_visible()
    assert last


def test_without_javascript_the_picker_is_a_search_that_sends_the_form_back(browser,
                                                                            live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "coordinator@aljisr.example.org")
        page.goto("/placements/new")
        assert page.get_by_role("combobox", name="Volunteer").count() == 1  # the select
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
