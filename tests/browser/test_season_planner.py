"""The season planner in the browser (issue 17): plan a season, read why a volunteer stayed
unassigned, accept part of the plan."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in


def test_coordinator_plans_a_season_and_accepts_part_of_it(page):
    sign_in(page, "coordinator@aljisr.example.org")
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Season planner").click()
    page.wait_for_url("**/planner/")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Season planner")).to_be_visible()

    # every volunteer, every project offered (ticked by default), the default 10 s
    page.get_by_label("Volunteers: status").select_option("")
    page.get_by_role("button", name="Plan").click()
    page.wait_for_url(re.compile(r"/planner/runs/\d+$"))
    expect(page.get_by_text("Nothing is placed until you accept")).to_be_visible()
    assert page.locator("#plan-summary").get_by_text("optimal").count() or \
        page.locator("#plan-summary").get_by_text("Proven gap").count()

    # why someone stayed unassigned: the rule that kept them out, beside their name
    left = page.locator("#left-out tbody tr")
    assert left.count() > 0
    reasons = left.all_inner_texts()
    assert any(re.search(r"full on their dates|Does not speak|Already placed|Not available",
                         text) for text in reasons), reasons

    # accept only the first proposed placement
    boxes = page.locator("input[name=row]")
    total = boxes.count()
    assert total >= 2
    for i in range(1, total):
        boxes.nth(i).uncheck()
    first_name = page.locator("#accept-form tbody tr").first.locator("label").inner_text()
    page.get_by_role("button", name="Accept the ticked placements").click()
    # the answer comes back to the same address: wait for its notice, not for the address
    page.get_by_text("1 placement proposed.").wait_for(timeout=30_000)
    expect(page.locator("a.badge", has_text="Accepted")).to_have_count(1)
    assert page.locator("input[name=row]").count() == total - 1

    # the planner page lists the run with how many placements it proposed
    run_url = page.url
    page.goto(run_url.rsplit("/runs/", 1)[0] + "/")
    first_run = page.locator("#runs tbody tr").first
    assert first_run.locator("td[data-label=Proposed]").inner_text().strip() == str(total)
    page.goto(run_url)

    # the placement exists, proposed, for that volunteer
    page.locator("a.badge", has_text="Accepted").click()
    page.wait_for_url(re.compile(r"/placements/\d+$"))
    expect(page.get_by_text(first_name.strip()).first).to_be_visible()
    expect(page.locator(".status-proposed").first).to_be_visible()


def test_the_plan_button_says_the_page_is_busy_and_sends_once(page):
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/planner/")
    page.get_by_label("Volunteers: status").select_option("")
    busy, aria, second_sent = page.evaluate("""() => {
        const form = document.getElementById("plan-form");
        form.querySelector("[name=time_limit]").value = "7";
        form.requestSubmit();
        const again = new Event("submit", {cancelable: true});
        form.dispatchEvent(again);  // the double click's second submission
        return [document.getElementById("plan-busy").textContent,
                form.getAttribute("aria-busy"), !again.defaultPrevented];
    }""")
    assert busy.startswith("Planning… up to 7 s.")
    assert aria == "true" and not second_sent
    page.wait_for_url(re.compile(r"/planner/runs/\d+$"))
    page.screenshot(path="test-artifacts/planner-run.png", full_page=True)
    # the run's settings, and planning again with them
    expect(page.locator("#run-settings").get_by_text("Time limit")).to_be_visible()
    page.get_by_role("link", name="Plan again with these settings").click()
    expect(page.locator("#plan-again")).to_be_visible()
    assert page.locator("[name=time_limit]").input_value() == "7"
    page.screenshot(path="test-artifacts/planner-again.png", full_page=True)


def test_planning_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "coordinator@aljisr.example.org")
        page.goto("/planner/")
        page.get_by_label("Volunteers: status").select_option("")
        page.get_by_role("button", name="Plan").click()
        page.wait_for_url(re.compile(r"/planner/runs/\d+$"))
        expect(page.get_by_text("Nothing is placed until you accept")).to_be_visible()
    finally:
        context.close()


def test_coordinator_records_a_volunteers_project_wishes(page):
    """From a volunteer's page to their Project wishes: a project chosen twice is refused
    beside the second choice, then the wishes are saved (docs/architecture.md §6.23)."""
    from pathlib import Path

    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/volunteers/")
    page.locator("table tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/volunteers/\d+$"))
    page.get_by_role("link", name="Project wishes").click()
    page.wait_for_url(re.compile(r"/planner/wishes/\d+$"))
    expect(page.get_by_role("heading", name=re.compile("Project wishes"))).to_be_visible()

    first = page.get_by_label("Their first choice")
    projects = [o for o in first.locator("option").evaluate_all("os => os.map(o => o.value)")
                if o]
    assert len(projects) >= 2
    first.select_option(projects[0])
    page.get_by_label("Their second choice").select_option(projects[0])
    page.get_by_role("button", name="Save the wishes").click()
    expect(page.get_by_text("This project is already chosen above.")).to_be_visible()
    assert page.get_by_label("Their second choice").get_attribute("aria-invalid") == "true"
    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "planner-wishes-refused.png"), full_page=True)

    page.get_by_label("Their second choice").select_option(projects[1])
    page.get_by_role("button", name="Save the wishes").click()
    page.wait_for_url(re.compile(r"/volunteers/\d+$"))
    expect(page.get_by_text("Project wishes saved.")).to_be_visible()
    page.get_by_role("link", name="Project wishes").click()
    assert page.get_by_label("Their first choice").input_value() == projects[0]
    assert page.get_by_label("Their second choice").input_value() == projects[1]
    page.screenshot(path=str(out / "planner-wishes-saved.png"), full_page=True)
