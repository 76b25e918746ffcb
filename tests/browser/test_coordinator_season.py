"""The coordinator's whole season in the browser: find a volunteer, see the best projects,
propose, confirm, start, log and approve hours, complete."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in


def test_coordinator_runs_a_placement_from_matching_to_completion(page):
    sign_in(page, "coordinator@aljisr.example.org")

    # find the volunteer: an unaccented, lower-case search finds the Greek name
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Volunteers", exact=True).click()
    page.get_by_label("Search").fill("ιωαννα")
    page.get_by_label("Search").press("Enter")
    page.get_by_role("link", name="Ιωάννα Παπαδοπούλου").click()
    expect(page.get_by_role("heading", name="Ιωάννα Παπαδοπούλου")).to_be_visible()

    # see the best projects, ranked with reasons; propose the one with room today
    page.get_by_role("link", name="Find projects").click()
    expect(page.locator(".match-reasons").first).to_be_visible()
    propose = page.get_by_role("button", name=re.compile(r"^Propose for Construction of a "
                                                         r"multidisciplinary room.*second step"))
    propose.click()
    page.wait_for_url(re.compile(r"/placements/\d+$"))
    expect(page.get_by_text("Placement proposed.")).to_be_visible()
    expect(page.locator(".status-proposed").first).to_be_visible()

    # confirm, then start
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Placement confirmed.")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Placement started.")).to_be_visible()
    placement_url = page.url

    # log hours for the placement (a coordinator's entry is approved at once)
    page.get_by_role("link", name="Log hours").click()
    page.get_by_label("Hours", exact=True).fill("5.5")
    page.get_by_label("Activity").fill("Plastering the new room with pupils")
    page.get_by_role("button", name="Log hours").click()
    expect(page.get_by_text("Hours logged and approved.")).to_be_visible()

    # approve submitted hours from the review queue
    nav.get_by_role("link", name="Hours", exact=True).click()
    first = page.locator("input[name=entry]").first.get_attribute("value")
    page.get_by_role("button", name="Approve", exact=True).first.click()
    expect(page.get_by_text("Entry approved.")).to_be_visible()
    expect(page.locator(f"input[name=entry][value='{first}']")).to_have_count(0)

    # complete the placement; the approved hours count on it
    page.goto(placement_url)
    assert "5.5" in page.locator(".placement-hours").inner_text()
    # completing before the last day asks first, naming the new last day
    questions: list[str] = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_role("button", name="Complete").click()
    assert questions and "Its last day becomes" in questions[0]
    expect(page.get_by_text("Placement completed.")).to_be_visible()
    expect(page.locator(".status-completed").first).to_be_visible()
