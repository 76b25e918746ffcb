"""A sending partner sends its spreadsheet from its portal; a coordinator reads it, fixes a
column the automatic match left out, resolves a duplicate of a registered volunteer, and
commits the batch."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in, sign_out


def test_coordinator_maps_resolves_a_duplicate_and_commits(page, tmp_path):
    sheet = tmp_path / "partner-list.csv"
    sheet.write_text(
        "Nom complet;Courriel;Date de naissance;Allergies\n"
        "Inès Haddad;ines.haddad@example.org;14/02/2001;arachides\n"
        "Volunteer Again;VOLUNTEER05@aljisr.example.org;03/09/1999;\n",
        encoding="cp1252",
    )
    sign_in(page, "sending@aljisr.example.org")
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Send volunteers", exact=True).click()
    page.get_by_label("File").set_input_files(str(sheet))
    page.get_by_role("button", name="Send the list").click()
    expect(page.get_by_text("the association will check the list")).to_be_visible()
    expect(page.locator("#partner-batches").get_by_text("Waiting to be checked")).to_be_visible()
    sign_out(page)

    sign_in(page, "coordinator@aljisr.example.org")
    nav.get_by_role("button", name="More").click()  # "Import" is under "More"
    nav.get_by_role("link", name="Import", exact=True).click()
    page.locator("#batches-table").get_by_role("link", name="partner-list.csv").first.click()

    # detected: the encoding, the semicolons, day-first dates; "Allergies" is left out
    page.wait_for_url(re.compile(r"/imports/\d+/options$"))
    assert page.get_by_label("Delimiter").input_value() == ";"
    assert page.get_by_label("Dates are written").input_value() == "dmy"
    assert page.get_by_label("Courriel").input_value() == "email"
    assert page.get_by_label("Allergies").input_value() == ""
    page.get_by_label("Allergies").select_option("dietary_notes")
    page.get_by_role("button", name="Check the rows").click()

    # the second row has a registered volunteer's e-mail: update them instead of skipping
    page.wait_for_url(re.compile(r"/imports/\d+/preview$"))
    expect(page.get_by_text("2 rows can be imported; 0 rows have errors")).to_be_visible()
    expect(page.locator("#row-3").get_by_text("same e-mail")).to_be_visible()
    assert page.get_by_label("What to do with row 3").input_value() == "skip"
    page.get_by_label("What to do with row 3").select_option("update")
    page.get_by_role("button", name="Import the valid rows").click()

    imported = page.get_by_text("Imported: 1 added, 1 updated, 0 skipped, 0 with errors.")
    expect(imported).to_be_visible()
    page.get_by_role("link", name="Inès Haddad").click()
    expect(page.get_by_role("heading", name="Inès Haddad")).to_be_visible()
    expect(page.get_by_text("arachides")).to_be_visible()
