"""Portals end to end in a real browser (issue 5): a volunteer logs hours, a sending partner
looks at its volunteers, a host partner confirms hours, an invited volunteer sets a password.

Runs on the shared live server with the demo data (tests/browser/conftest.py).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in, sign_out


def test_volunteer_sees_placements_and_logs_hours(page):
    sign_in(page, "volunteer@aljisr.example.org")
    current = page.locator("#placements-current")
    expect(current.get_by_text("(second step)").first).to_be_visible()
    expect(current.get_by_text("coordinator@aljisr.example.org")).to_be_visible()
    expect(page.locator("#placements-past").get_by_text("(first step)").first).to_be_visible()

    page.get_by_role("link", name="My hours").first.click()
    page.wait_for_url("**/me/hours")
    form = page.locator("#log-hours-form")
    assert "second step" in form.get_by_label("Placement").inner_text()
    form.get_by_label("Hours").fill("2.5")
    form.get_by_label("Activity").fill("Reading workshop with the youngest pupils — ورشة قراءة")
    form.get_by_role("button", name="Log hours").click()

    page.wait_for_url("**/me/hours")
    expect(page.get_by_text("Hours logged and submitted for review.")).to_be_visible()
    row = page.locator("#my-hours tr", has_text="Reading workshop with the youngest pupils")
    expect(row).to_have_count(1)
    expect(row.get_by_text("Submitted")).to_be_visible()
    expect(row.get_by_text("2.5")).to_be_visible()


def test_volunteer_sees_a_refusal_beside_the_field(page):
    sign_in(page, "volunteer@aljisr.example.org")
    page.goto("/me/hours")
    form = page.locator("#log-hours-form")
    form.get_by_label("Hours").fill("25")
    form.get_by_label("Activity").fill("Too much")
    form.get_by_role("button", name="Log hours").click()
    expect(page.locator("#hours-error").get_by_text("cannot exceed 24")).to_be_visible()
    assert page.locator("#log-hours-form").get_by_label("Activity").input_value() == "Too much"


def test_sending_partner_sees_its_volunteers(page):
    sign_in(page, "sending@aljisr.example.org")
    page.get_by_role("link", name="Volunteer list").click()
    page.wait_for_url("**/partner/volunteers")
    table = page.locator("#partner-volunteers")
    expect(table.get_by_role("link", name="Yasmine Haddad")).to_be_visible()
    expect(table.get_by_role("link", name="Jonas Müller")).to_have_count(0)  # sent by another
    table.get_by_role("link", name="Camille Rousseau").click()
    page.wait_for_url(re.compile(r".*/partner/volunteers/\d+$"))
    expect(page.get_by_role("heading", name="Camille Rousseau")).to_be_visible()
    expect(page.locator("#partner-placements").get_by_text("Completed").first).to_be_visible()
    expect(page.get_by_text("Asthma")).to_have_count(0)  # health notes stay with the association


def test_host_partner_confirms_an_hours_entry(page):
    sign_in(page, "host@aljisr.example.org")
    page.get_by_role("link", name="Hours at our sites").click()
    page.wait_for_url("**/partner/hours")
    first = page.locator("#host-hours tbody tr").first
    entry_id = first.get_attribute("data-entry")
    first.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/partner/hours*")
    expect(page.get_by_text("1 entry confirmed.")).to_be_visible()
    expect(page.locator(f'#host-hours tr[data-entry="{entry_id}"]')).to_have_count(0)
    page.get_by_role("link", name="Confirmed").click()
    confirmed = page.locator(f'#host-hours tr[data-entry="{entry_id}"]')
    expect(confirmed.get_by_text("Confirmed on")).to_be_visible()


def test_invited_volunteer_sets_a_password_and_lands_on_the_portal(page):
    sign_in(page, "coordinator@aljisr.example.org")
    page.goto("/invitations?q=Theo")
    row = page.locator("tr", has_text="Théo Marchand")
    row.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("Invitation sent to volunteer02@aljisr.example.org")).to_be_visible()
    sign_out(page)

    sign_in(page, "admin@aljisr.example.org")
    page.goto("/admin/outbox")
    body = page.locator(".card", has_text="volunteer02@aljisr.example.org").first.inner_text()
    link = re.search(r"https?://\S+/invitation/\S+", body).group(0)
    sign_out(page)

    page.goto(link)
    expect(page.get_by_text("volunteer02@aljisr.example.org")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the new password").fill("a long enough password")
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_url("**/home")
    expect(page.get_by_role("heading", name="My placements")).to_be_visible()
    page.goto(link)
    expect(page.get_by_text("already been used")).to_be_visible()
