"""The partner portal (issue 5, item 2): sending and host organisations see what
docs/architecture.md §3 allows."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from babel import dates as babel_dates

from aljisr.audit import AuditEvent
from aljisr.certificates.models import Certificate, CertificateKind
from aljisr.dates import association_today
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.mail import OutboxMessage
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from tests.support import factories
from tests.support.clients import login_client


class World:
    """A sending organisation S and a host organisation H.

    - ``ana``: sent by S, placed (active, now) at H's site; health and internal notes set.
    - ``uma``: sent by S, confirmed for an upcoming placement at H's site.
    - ``pat``: sent by another organisation, placed at H's site in the past (completed).
    - ``xen``: sent by another organisation, placed elsewhere.
    """

    def __init__(self, app, db):
        today = association_today()
        self.sender = factories.organisation(OrganisationKind.SENDING, name="Passerelles")
        self.host = factories.organisation(OrganisationKind.HOST, name="Maggamane Association")
        other = factories.organisation(OrganisationKind.SENDING, name="Other Sender")
        self.coordinator = factories.user(Role.COORDINATOR, email="samira@aljisr.example.org",
                                          display_name="Samira", locale="fr")
        site = factories.site(self.host, name="Maggamane centre")
        elsewhere = factories.site(None, name="Elsewhere school")
        now = factories.project(site, title="Room now", start_date=today - timedelta(days=20),
                                end_date=today + timedelta(days=20))
        soon = factories.project(site, title="Room soon", start_date=today + timedelta(days=10),
                                 end_date=today + timedelta(days=40))
        before = factories.project(site, title="Room before", start_date=date(2024, 7, 1),
                                   end_date=date(2024, 8, 30))
        away = factories.project(elsewhere, title="Away project",
                                 start_date=today - timedelta(days=20),
                                 end_date=today + timedelta(days=20))
        self.ana = factories.volunteer(self.sender, {"fr": "native", "ar": "B1"},
                                       full_name="Ana Ruiz", email="ana@example.org",
                                       phone="+33 6 12 34 56 78", dietary_notes="No pork",
                                       emergency_contact_name="Marta Ruiz",
                                       emergency_contact_phone="+34 600 000 000",
                                       health_notes="Asthma inhaler", notes="Internal remark",
                                       date_of_birth=date(1999, 4, 2))
        self.uma = factories.volunteer(self.sender, full_name="Uma Soon",
                                       dietary_notes="Vegan")
        self.pat = factories.volunteer(other, full_name="Pat Past", dietary_notes="Halal",
                                       emergency_contact_name="Pat's mother")
        self.xen = factories.volunteer(other, full_name="Xen Away")
        self.p_ana = factories.placement(self.ana, now, coordinator=self.coordinator)
        self.p_uma = factories.placement(self.uma, soon, status=PlacementStatus.CONFIRMED)
        self.p_pat = factories.placement(self.pat, before, status=PlacementStatus.COMPLETED)
        self.p_xen = factories.placement(self.xen, away)
        self.e_ana = factories.hours(self.p_ana, today - timedelta(days=3), "4",
                                     HoursStatus.SUBMITTED)
        self.e_ana2 = factories.hours(self.p_ana, today - timedelta(days=2), "5",
                                      HoursStatus.APPROVED)
        self.e_rejected = factories.hours(self.p_ana, today - timedelta(days=1), "2",
                                          HoursStatus.REJECTED, rejection_reason="Duplicate")
        self.e_pat = factories.hours(self.p_pat, date(2024, 7, 2), "6")
        self.e_xen = factories.hours(self.p_xen, today - timedelta(days=3), "7")
        db.session.add(Certificate(
            serial="AJ-2024-0007", year=2024, sequence=7, verification_code="v7",
            kind=CertificateKind.PARTICIPATION, language="fr", volunteer_id=self.ana.id,
            issue_date=date(2024, 9, 1), snapshot={}))
        db.session.add(Certificate(
            serial="AJ-2024-0008", year=2024, sequence=8, verification_code="v8",
            kind=CertificateKind.PARTICIPATION, language="fr", volunteer_id=self.pat.id,
            issue_date=date(2024, 9, 1), snapshot={}))
        self.sending_user = factories.user(Role.PARTNER, organisation=self.sender)
        self.host_user = factories.user(Role.PARTNER, organisation=self.host,
                                        display_name="Hassan", email="hassan@host.example")
        db.session.commit()
        self.sending = login_client(app, self.sending_user)
        self.hosting = login_client(app, self.host_user)


@pytest.fixture
def world(app, db):
    return World(app, db)


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- sending organisations ------------------------------------------------------------------

def test_sending_partner_lists_the_volunteers_it_sent(world):
    html = _html(world.sending.get("/partner/volunteers"))
    assert "Ana Ruiz" in html and "Uma Soon" in html
    assert "Pat Past" not in html and "Xen Away" not in html
    assert "Ana Ruiz" in _html(world.sending.get("/partner/volunteers?q=ANA"))
    assert "Uma Soon" not in _html(world.sending.get("/partner/volunteers?q=ana"))


def test_sending_partner_sees_profile_without_health_notes(world):
    html = _html(world.sending.get(f"/partner/volunteers/{world.ana.id}"))
    for shown in ("ana@example.org", "+33 6 12 34 56 78", "No pork", "Marta Ruiz",
                  "Room now", "AJ-2024-0007"):
        assert shown in html, shown
    assert "Asthma" not in html and "Internal remark" not in html
    assert "AJ-2024-0008" not in html
    assert 'id="partner-placements"' in html


def test_sending_partner_cannot_open_volunteers_of_others(world):
    assert world.sending.get(f"/partner/volunteers/{world.pat.id}").status_code == 404
    assert world.sending.get(f"/partner/volunteers/{world.xen.id}").status_code == 404
    assert world.sending.get("/partner/volunteers/999999").status_code == 404


def test_sending_partner_has_no_host_hours(world):
    assert world.sending.get("/partner/hours").status_code == 403
    assert world.sending.post("/partner/hours/confirm",
                              data={"only": world.e_ana.id}).status_code == 403
    assert world.sending.get(f"/partner/hours/{world.e_ana.id}/query").status_code == 403


def test_sending_partner_home_links_its_volunteers(world):
    html = _html(world.sending.get("/home"))
    assert f"/partner/volunteers/{world.ana.id}" in html
    assert "Pat Past" not in html


# --- host organisations ---------------------------------------------------------------------

def test_host_lists_volunteers_placed_at_its_sites_while_placed(world):
    html = _html(world.hosting.get("/partner/volunteers"))
    assert "Ana Ruiz" in html and "Uma Soon" in html
    assert "Pat Past" not in html and "Xen Away" not in html


def test_host_sees_name_languages_dietary_and_emergency_only(world):
    html = _html(world.hosting.get(f"/partner/volunteers/{world.ana.id}"))
    assert "Ana Ruiz" in html and "No pork" in html and "Marta Ruiz" in html
    assert "+34 600 000 000" in html
    for hidden in ("ana@example.org", "+33 6 12 34 56 78", "Asthma", "Internal remark",
                   "AJ-2024-0007", "1999"):
        assert hidden not in html, hidden


def test_host_sees_nothing_after_the_placement(world, db):
    assert world.hosting.get(f"/partner/volunteers/{world.pat.id}").status_code == 404
    assert world.hosting.get(f"/partner/volunteers/{world.xen.id}").status_code == 404
    home = _html(world.hosting.get("/home"))
    assert "Pat Past" in home  # a past placement at its site stays in its history ...
    assert f"/partner/volunteers/{world.pat.id}" not in home  # ... without the person's page
    assert f"/partner/volunteers/{world.ana.id}" in home

    world.p_ana.end_date = association_today() - timedelta(days=1)
    db.session.commit()
    assert world.hosting.get(f"/partner/volunteers/{world.ana.id}").status_code == 404
    world.p_ana.end_date = association_today() + timedelta(days=5)
    world.p_ana.status = PlacementStatus.WITHDRAWN
    db.session.commit()
    assert world.hosting.get(f"/partner/volunteers/{world.ana.id}").status_code == 404


def test_host_hours_lists_entries_at_its_sites_only(world):
    html = _html(world.hosting.get("/partner/hours?state=all"))
    assert f'data-entry="{world.e_ana.id}"' in html and f'data-entry="{world.e_pat.id}"' in html
    assert f'data-entry="{world.e_xen.id}"' not in html
    to_confirm = _html(world.hosting.get("/partner/hours"))
    assert f'data-entry="{world.e_rejected.id}"' not in to_confirm
    assert f'data-entry="{world.e_ana.id}"' in to_confirm


def test_host_confirms_one_entry(world, db):
    response = world.hosting.post("/partner/hours/confirm", data={"only": world.e_ana.id,
                                                                 "entry_ids": world.e_ana2.id})
    assert response.status_code == 302
    entry = db.session.get(HoursEntry, world.e_ana.id)
    assert entry.host_confirmed_at is not None
    assert db.session.get(HoursEntry, world.e_ana2.id).host_confirmed_at is None
    assert entry.status is HoursStatus.SUBMITTED  # the association still reviews it
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "hours.host_confirm")).one()
    assert event.actor_id == world.host_user.id and event.subject_id == entry.id
    html = _html(world.hosting.get("/partner/hours?state=confirmed"))
    assert f'data-entry="{entry.id}"' in html


def test_host_confirms_ticked_entries(world, db):
    response = world.hosting.post("/partner/hours/confirm",
                                  data={"entry_ids": [world.e_ana.id, world.e_pat.id]})
    assert response.status_code == 302
    assert db.session.get(HoursEntry, world.e_ana.id).host_confirmed_at is not None
    assert db.session.get(HoursEntry, world.e_pat.id).host_confirmed_at is not None


def test_confirming_an_entry_elsewhere_is_404_and_confirms_nothing(world, db):
    response = world.hosting.post("/partner/hours/confirm",
                                  data={"entry_ids": [world.e_ana.id, world.e_xen.id]})
    assert response.status_code == 404
    assert db.session.get(HoursEntry, world.e_ana.id).host_confirmed_at is None
    assert db.session.get(HoursEntry, world.e_xen.id).host_confirmed_at is None
    assert world.hosting.post("/partner/hours/confirm",
                              data={"only": "not-a-number"}).status_code == 404


def test_rejected_entry_cannot_be_confirmed(world, db):
    response = world.hosting.post("/partner/hours/confirm", data={"only": world.e_rejected.id},
                                  follow_redirects=True)
    assert "A rejected entry cannot be confirmed." in response.get_data(as_text=True)
    assert db.session.get(HoursEntry, world.e_rejected.id).host_confirmed_at is None


def test_host_queries_an_entry_and_the_coordinator_is_told(world, db):
    path = f"/partner/hours/{world.e_ana.id}/query"
    assert "Ana Ruiz" in _html(world.hosting.get(path))
    empty = world.hosting.post(path, data={"message": "   "})
    assert empty.status_code == 422 and 'id="message-error"' in empty.get_data(as_text=True)
    message = "Ana n'était pas là ce jour-là.\nأرجو التحقق."
    response = world.hosting.post(path, data={"message": message})
    assert response.status_code == 302
    entry = db.session.get(HoursEntry, world.e_ana.id)
    assert entry.host_query == message and entry.host_confirmed_at is None
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "hours.host_query")).one()
    assert event.reason == message and event.actor_id == world.host_user.id
    # the coordinator's copy (the volunteer's notice: tests/notifications/)
    [mail] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind.is_(None))).all()
    assert mail.recipient == "samira@aljisr.example.org"
    assert message in mail.body and "Ana Ruiz" in mail.body and "Maggamane Association" in mail.body
    # in the coordinator's language (French): the date is written the French way
    assert babel_dates.format_date(world.e_ana.work_date, "long", locale="fr") in mail.body
    queried = _html(world.hosting.get("/partner/hours?state=queried"))
    assert f'data-entry="{entry.id}"' in queried


def test_query_without_placement_coordinator_goes_to_every_coordinator(world, db):
    other = factories.user(Role.COORDINATOR, email="second@aljisr.example.org")
    factories.user(Role.COORDINATOR, email="gone@aljisr.example.org", active=False)
    db.session.commit()
    response = world.hosting.post(f"/partner/hours/{world.e_pat.id}/query",
                                  data={"message": "Wrong date"})
    assert response.status_code == 302
    recipients = set(db.session.scalars(
        sa.select(OutboxMessage.recipient).where(OutboxMessage.kind.is_(None))))
    assert recipients == {"samira@aljisr.example.org", other.email}


def test_confirming_after_a_query_closes_it(world, db):
    world.hosting.post(f"/partner/hours/{world.e_ana.id}/query", data={"message": "Check"})
    world.hosting.post("/partner/hours/confirm", data={"only": world.e_ana.id})
    entry = db.session.get(HoursEntry, world.e_ana.id)
    assert entry.host_query is None and entry.host_confirmed_at is not None


def test_querying_an_entry_elsewhere_is_404(world, db):
    assert world.hosting.get(f"/partner/hours/{world.e_xen.id}/query").status_code == 404
    assert world.hosting.post(f"/partner/hours/{world.e_xen.id}/query",
                              data={"message": "x"}).status_code == 404
    assert db.session.get(HoursEntry, world.e_xen.id).host_query is None


@pytest.mark.parametrize("role", ["volunteer", "coordinator", "admin"])
def test_partner_portal_is_for_partners(as_role, role):
    client, _ = as_role(role)
    assert client.get("/partner/volunteers").status_code == 403
    assert client.get("/partner/hours").status_code == 403


# --- what still needs the host, and where its queries reach the coordinators ----------------

def _rows(html):
    return {int(i) for i in re.findall(r'data-entry="(\d+)"', html)}


def _reviewer(app, db):
    """A coordinator reading in English (Samira, the placement's coordinator, reads French)."""
    user = factories.user(Role.COORDINATOR, locale="en")
    db.session.commit()
    return login_client(app, user)


def _count(html, state):
    return int(re.search(rf'data-count="{state}">(\d+)<', html).group(1))


def test_to_confirm_holds_only_entries_waiting_for_review_and_for_the_host(world, db):
    elsewhere = factories.hours(world.p_xen, association_today() - timedelta(days=4), "3",
                                HoursStatus.SUBMITTED)
    confirmed = factories.hours(world.p_ana, association_today() - timedelta(days=5), "1",
                                HoursStatus.SUBMITTED)
    queried = factories.hours(world.p_ana, association_today() - timedelta(days=6), "1",
                              HoursStatus.SUBMITTED)
    db.session.commit()
    assert world.hosting.post("/partner/hours/confirm", data={"only": confirmed.id}).status_code \
        == 302
    assert world.hosting.post(f"/partner/hours/{queried.id}/query",
                              data={"message": "Not here"}).status_code == 302

    html = _html(world.hosting.get("/partner/hours"))
    # approved by a coordinator (e_ana2, e_pat), rejected, confirmed, queried or elsewhere: out
    assert _rows(html) == {world.e_ana.id}
    assert elsewhere.id not in _rows(_html(world.hosting.get("/partner/hours?state=all")))
    assert _count(html, "to_confirm") == 1 and _count(html, "queried") == 1
    # the entries that left the list stay in reach
    every = _rows(_html(world.hosting.get("/partner/hours?state=all")))
    assert {world.e_ana2.id, world.e_pat.id, confirmed.id, queried.id} <= every
    assert _rows(_html(world.hosting.get("/partner/hours?state=confirmed"))) == {confirmed.id}
    assert _rows(_html(world.hosting.get("/partner/hours?state=queried"))) == {queried.id}

    world.hosting.post("/partner/hours/confirm", data={"only": world.e_ana.id})
    html = _html(world.hosting.get("/partner/hours"))
    assert _rows(html) == set() and _count(html, "to_confirm") == 0
    assert "Nothing to confirm." in html


def test_to_confirm_count_matches_its_list_across_pages(world, db, app):
    app.config["PAGE_SIZE"] = 2
    for days in (4, 5, 6, 7):
        factories.hours(world.p_ana, association_today() - timedelta(days=days), "1",
                        HoursStatus.SUBMITTED)
    db.session.commit()
    html = _html(world.hosting.get("/partner/hours"))
    listed = _rows(html) | _rows(_html(world.hosting.get("/partner/hours?page=2"))) \
        | _rows(_html(world.hosting.get("/partner/hours?page=3")))
    assert _count(html, "to_confirm") == len(listed) == 5


def test_host_query_on_approved_hours_says_what_happens(world, db):
    response = world.hosting.post(f"/partner/hours/{world.e_ana2.id}/query",
                                  data={"message": "Ana left at noon"}, follow_redirects=True)
    html = _html(response)
    assert "These hours were already approved" in html
    assert "see your message beside the entry in their hours review" in html
    assert "sent to the coordinator" not in html
    assert f'data-entry="{world.e_ana2.id}"' in html  # back on the "queried" tab
    form = _html(world.hosting.get(f"/partner/hours/{world.e_ana.id}/query"))
    assert "see your message beside this entry when they review hours" in form
    response = world.hosting.post(f"/partner/hours/{world.e_ana.id}/query",
                                  data={"message": "Check"}, follow_redirects=True)
    assert "before they approve or reject it" in _html(response)


def test_host_query_reaches_the_coordinators_review_queue(world, db, app):
    message = "Ana left at noon <b>that day</b>.\nأرجو التحقق."
    world.hosting.post(f"/partner/hours/{world.e_ana2.id}/query", data={"message": message})
    world.hosting.post("/partner/hours/confirm", data={"only": world.e_ana.id})
    coordinator = _reviewer(app, db)

    # the default queue (submitted) says a queried entry is hidden by its status, and links it
    html = _html(coordinator.get("/hours/"))
    notice = re.search(r'id="queried-elsewhere">(.*?)</div>', html, re.S).group(1)
    assert "1 entry queried by its host is not shown here" in notice
    link = re.search(r'href="([^"]+)"', notice).group(1).replace("&amp;", "&")
    assert "host=queried" in link and "status=all" in link

    html = _html(coordinator.get(link))
    assert f'id="entry-{world.e_ana2.id}"' in html and f'id="entry-{world.e_ana.id}"' not in html
    row = html[html.index(f'id="entry-{world.e_ana2.id}"'):]
    row = row[:row.index("</tr>")]
    assert 'class="table-warning"' in row and "Queried by the host" in row
    assert "Ana left at noon &lt;b&gt;that day&lt;/b&gt;.\nأرجو التحقق." in row
    assert "status-approved" in row
    assert 'id="queried-elsewhere"' not in html

    # the link in the coordinator's e-mail opens the same view, for that volunteer
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind.is_(None))).one()
    mailed = re.search(r"https://aljisr\.example\.org(/hours/\S+)", mail.body).group(1)
    assert "host=queried" in mailed
    assert f'id="entry-{world.e_ana2.id}"' in _html(coordinator.get(mailed))

    # submitted entries carry the host's answer too; the host filter picks them out
    html = _html(coordinator.get("/hours/?host=confirmed"))
    assert f'id="entry-{world.e_ana.id}"' in html and 'data-host="confirmed"' in html
    assert f'id="entry-{world.e_ana2.id}"' not in html
    assert _html(coordinator.get("/hours/?host=nonsense")).count('id="entry-') == 1


def test_queried_submitted_entry_is_marked_in_the_default_queue(world, db, app):
    world.hosting.post(f"/partner/hours/{world.e_ana.id}/query", data={"message": "Only 2 h"})
    html = _html(_reviewer(app, db).get("/hours/"))
    row = html[html.index(f'id="entry-{world.e_ana.id}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-host="queried"' in row and "Only 2 h" in row
    assert 'id="queried-elsewhere"' not in html


def test_host_cards_isolate_each_date_of_a_range(world):
    """In Arabic the "·" before a range and the range's own digits must not mix: each date
    and the range are bidi-isolated (a 390 px card showed "2027/03/25 – 2027/01/· 09")."""
    html = _html(world.hosting.get("/partner/volunteers"))
    start = re.escape(babel_dates.format_date(world.p_ana.start_date, "medium", locale="en"))
    assert re.search(rf'· <bdi><bdi class="text-nowrap">{start}</bdi> – <bdi', html), html
