"""The season planner in the browser (issue 17): plan a season, read why a volunteer stayed
unassigned, accept part of the plan."""

from __future__ import annotations

import re

from tests.support.browser import sign_in


def test_coordinator_plans_a_season_and_accepts_part_of_it(page):
    sign_in(page, "coordinator@aljisr.example.org")
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Season planner").click()
    assert page.get_by_role("heading", name="Season planner").is_visible()

    # every volunteer, every project offered (ticked by default), the default 10 s
    page.get_by_label("Volunteers: status").select_option("")
    page.get_by_role("button", name="Plan").click()
    page.wait_for_url(re.compile(r"/planner/runs/\d+$"))
    assert page.get_by_text("Nothing is placed until you accept").is_visible()
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
    assert page.get_by_text("1 placement proposed.").is_visible()
    assert page.locator("a.badge", has_text="Accepted").count() == 1
    assert page.locator("input[name=row]").count() == total - 1

    # the planner page lists the run with how many placements it proposed
    run_url = page.url
    page.goto(run_url.rsplit("/runs/", 1)[0] + "/")
    first_run = page.locator("#runs tbody tr").first
    assert first_run.locator("td").nth(3).inner_text().strip() == str(total)
    page.goto(run_url)

    # the placement exists, proposed, for that volunteer
    page.locator("a.badge", has_text="Accepted").click()
    page.wait_for_url(re.compile(r"/placements/\d+$"))
    assert page.get_by_text(first_name.strip()).first.is_visible()
    assert page.locator(".status-proposed").first.is_visible()
