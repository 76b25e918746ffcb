"""Placement pages through the real app: list, detail, status buttons, proposing, moving
dates, partials for the registers' pages; errors beside the field, never a 500."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.dates import association_today
from aljisr.hours.models import HoursStatus
from aljisr.placements.models import Placement, PlacementStatus
from tests.support import factories
from tests.support.sql import queries_sent

S = PlacementStatus


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


@pytest.fixture
def september(db):
    return factories.project(
        title="Peinture à l'école", start_date=d(9, 1), end_date=d(9, 30), capacity=2
    )


def text(response) -> str:
    return response.get_data(as_text=True)


class TestAccess:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [("admin", 200), ("coordinator", 200), ("volunteer", 403), ("sending", 403), ("host", 403)],
    )
    def test_only_staff(self, as_role, role, expected):
        client, _ = as_role(role)
        assert client.get("/placements/").status_code == expected
        assert client.get("/placements/new").status_code == expected

    def test_unknown_placement_is_404(self, coordinator):
        client, _ = coordinator
        assert client.get("/placements/999999").status_code == 404
        assert (
            client.post("/placements/999999/status", data={"status": "confirmed"}).status_code
            == 404
        )
        assert client.get("/placements/new?volunteer_id=999999").status_code == 404


class TestList:
    def test_lists_and_filters(self, coordinator, september, db):
        client, _ = coordinator
        other_site = factories.site(name="Centre Anwal")
        other = factories.project(
            site_=other_site, title="Jardin", start_date=d(10, 1), end_date=d(10, 31)
        )
        a = factories.placement(
            factories.volunteer(full_name="Yasmine Haddad"), september, status=S.PROPOSED
        )
        b = factories.placement(
            factories.volunteer(full_name="Ольга Петренко"), other, status=S.ACTIVE
        )
        page = text(client.get("/placements/"))
        assert "Yasmine Haddad" in page and "Ольга Петренко" in page

        page = text(client.get("/placements/?status=proposed"))
        assert "Yasmine Haddad" in page and "Ольга Петренко" not in page
        page = text(client.get(f"/placements/?site={other_site.id}"))
        assert "Ольга Петренко" in page and "Yasmine Haddad" not in page
        page = text(client.get(f"/placements/?project={september.id}"))
        assert "Yasmine Haddad" in page and "Ольга Петренко" not in page
        # Date range: placements overlapping 30 Sept (inclusive end) – 30 Sept.
        page = text(client.get("/placements/?date_from=2026-09-30&date_to=2026-09-30"))
        assert "Yasmine Haddad" in page and "Ольга Петренко" not in page
        page = text(client.get("/placements/?date_from=2026-10-01"))
        assert "Ольга Петренко" in page and "Yasmine Haddad" not in page
        assert a.id and b.id

    def test_count_stops_at_the_limit(self, coordinator, september, db, app):
        """docs/architecture.md §6.25: placements accumulate, their count stops at
        LIST_COUNT_LIMIT; a filter that matches fewer is counted exactly."""
        app.config.update(PAGE_SIZE=2, LIST_COUNT_LIMIT=3)
        client, _ = coordinator
        for n in range(5):
            factories.placement(factories.volunteer(full_name=f"Volunteer {n}"), september,
                                status=S.PROPOSED if n else S.ACTIVE)
        db.session.commit()
        page = text(client.get("/placements/"))
        assert "1–2</span> of more than 3" in page
        assert 'rel="next"' in page
        page = text(client.get("/placements/?status=active"))
        assert "1–1</span> of 1" in page

    def test_choosing_a_site_narrows_the_project_choices(self, coordinator, september, db):
        client, _ = coordinator
        anwal = factories.site(name="Centre Anwal")
        garden = factories.project(site_=anwal, title="Jardin partagé")
        db.session.commit()

        def project_options(query):
            select = re.search(r'<select[^>]*name="project".*?</select>', text(
                client.get(f"/placements/?{query}")), re.S).group(0)
            return re.findall(r"<option[^>]*>([^<]*)</option>", select)

        assert {"Jardin partagé", "Peinture à l&#39;école"} <= set(project_options(""))
        assert project_options(f"site={anwal.id}") == ["Any", "Jardin partagé"]
        # a project already chosen stays offered (and selected), whatever the site
        narrowed = project_options(f"site={anwal.id}&project={september.id}")
        assert narrowed == ["Any", "Peinture à l&#39;école", "Jardin partagé"] or narrowed == [
            "Any", "Jardin partagé", "Peinture à l&#39;école"]
        # a site that is not in the list narrows nothing (its own message says why)
        assert len(project_options("site=999999")) == len(project_options(""))
        assert garden.id

    @pytest.mark.parametrize(
        "query",
        [
            "date_from=31/02/2026",
            "date_from=2026-10-01&date_to=2026-09-01",
            "status=nope",
            "project=abc",
            "page=zzz",
            "page=-4",
        ],
    )
    def test_bad_filters_show_a_message_not_a_500(self, coordinator, query):
        client, _ = coordinator
        response = client.get(f"/placements/?{query}")
        assert response.status_code == 200

    def test_bad_date_message_beside_the_field(self, coordinator):
        client, _ = coordinator
        page = text(client.get("/placements/?date_from=2026-10-01&date_to=2026-09-01"))
        assert "The end of the range is before its start." in page

    def test_query_count_does_not_grow(self, coordinator, september, app, db):
        client, _ = coordinator
        for _ in range(3):
            factories.placement(project_=september, start_date=d(9, 1), end_date=d(9, 2))
        db.session.commit()
        with queries_sent() as small:
            assert client.get("/placements/").status_code == 200
        for _ in range(12):
            factories.placement(project_=factories.project(site_=factories.site()))
        db.session.commit()
        with queries_sent() as large:
            assert client.get("/placements/").status_code == 200
        assert len(large) == len(small), large


class TestDetailAndStatus:
    def test_detail_shows_facts_and_only_allowed_buttons(self, coordinator, september):
        client, _ = coordinator
        placement = factories.placement(
            factories.volunteer(full_name="Inès Benali"),
            september,
            status=S.PROPOSED,
            role="Team lead",
        )
        page = text(client.get(f"/placements/{placement.id}"))
        assert "Inès Benali" in page and "Peinture à l&#39;école" in page
        assert "Team lead" in page and "(30 days)" in page
        assert 'value="confirmed"' in page and 'value="cancelled"' in page
        assert 'value="active"' not in page and 'value="completed"' not in page
        assert 'value="withdrawn"' not in page

    def test_complete_button_says_when_hours_wait_for_review(self, coordinator, september,
                                                             db):
        client, _ = coordinator
        placement = factories.placement(project_=september, status=S.ACTIVE)
        db.session.commit()
        assert 'id="hours-waiting"' not in text(client.get(f"/placements/{placement.id}"))
        factories.hours(placement, d(9, 2), "3.5", HoursStatus.SUBMITTED)
        factories.hours(placement, d(9, 3), "4", HoursStatus.APPROVED)
        db.session.commit()
        page = text(client.get(f"/placements/{placement.id}"))
        hint = re.search(r'id="hours-waiting">(.*?)</p>', page, re.S).group(1)
        assert hint.startswith("3.5 h of this placement are still waiting for review.")

    def test_completed_has_no_buttons(self, coordinator, september):
        client, _ = coordinator
        placement = factories.placement(project_=september, status=S.COMPLETED)
        page = text(client.get(f"/placements/{placement.id}"))
        assert "no longer changes" in page
        assert 'name="status"' not in page

    def test_confirm_is_recorded_with_actor_and_reason(self, coordinator, september, db):
        client, user = coordinator
        placement = factories.placement(project_=september, status=S.PROPOSED)
        response = client.post(
            f"/placements/{placement.id}/status",
            data={"status": "confirmed", "reason": "Host agreed"},
        )
        assert response.status_code == 302
        assert placement.status is S.CONFIRMED
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.subject_id == placement.id, AuditEvent.action == "placement.confirm"
            )
        )
        assert event.actor_id == user.id and event.reason == "Host agreed"
        page = text(client.get(f"/placements/{placement.id}"))
        assert "Placement confirmed." in page
        assert "Host agreed" in page  # in the history
        assert 'value="active"' in page and 'value="withdrawn"' in page

    @pytest.mark.parametrize(
        ("start", "target"),
        [(S.COMPLETED, "active"), (S.PROPOSED, "completed"), (S.CANCELLED, "confirmed")],
    )
    def test_illegal_move_is_refused_with_a_message(self, coordinator, september, start, target):
        client, _ = coordinator
        placement = factories.placement(project_=september, status=start)
        response = client.post(
            f"/placements/{placement.id}/status", data={"status": target, "reason": "try"}
        )
        assert response.status_code == 422
        assert "placement cannot become" in text(response)
        assert placement.status is start

    def test_cancel_without_reason_keeps_the_page(self, coordinator, september):
        client, _ = coordinator
        placement = factories.placement(project_=september, status=S.CONFIRMED)
        response = client.post(
            f"/placements/{placement.id}/status", data={"status": "cancelled", "reason": " "}
        )
        assert response.status_code == 422
        assert "Say why the placement is cancelled" in text(response)
        assert placement.status is S.CONFIRMED

    @pytest.mark.parametrize("data", [{"status": "bogus"}, {}])
    def test_nonsense_status_is_a_message(self, coordinator, september, data):
        client, _ = coordinator
        placement = factories.placement(project_=september, status=S.PROPOSED)
        response = client.post(f"/placements/{placement.id}/status", data=data)
        assert response.status_code == 422
        assert placement.status is S.PROPOSED


class TestPropose:
    def test_prefilled_from_the_query_string(self, coordinator, september):
        client, _ = coordinator
        volunteer = factories.volunteer(available_from=d(9, 10), available_to=d(12, 1))
        page = text(
            client.get(f"/placements/new?volunteer_id={volunteer.id}&project_id={september.id}")
        )
        assert f'<option value="{volunteer.id}" selected>' in page
        assert f'<option value="{september.id}" selected>' in page
        # Dates default to the overlap of availability and project.
        assert 'value="2026-09-10"' in page and 'value="2026-09-30"' in page

    def test_propose_creates_and_redirects(self, coordinator, september, db):
        client, user = coordinator
        volunteer = factories.volunteer()
        response = client.post(
            "/placements/new",
            data={
                "volunteer": volunteer.id,
                "project": september.id,
                "start_date": "2026-09-01",
                "end_date": "2026-09-30",
                "role": "Painter",
            },
        )
        assert response.status_code == 302
        placement = db.session.scalar(
            sa.select(Placement).where(Placement.volunteer_id == volunteer.id)
        )
        assert response.headers["Location"].endswith(f"/placements/{placement.id}")
        assert placement.status is S.PROPOSED and placement.role == "Painter"
        assert placement.coordinator_id == user.id

    def test_dates_outside_the_project_beside_the_field_typed_values_kept(
        self, coordinator, september, db
    ):
        client, _ = coordinator
        volunteer = factories.volunteer()
        response = client.post(
            "/placements/new",
            data={
                "volunteer": volunteer.id,
                "project": september.id,
                "start_date": "2026-08-25",
                "end_date": "2026-09-30",
                "role": "Mural painter",
            },
        )
        assert response.status_code == 422
        page = text(response)
        assert "the placement cannot start before" in page
        assert 'id="start_date-error"' in page
        assert 'value="2026-08-25"' in page and 'value="Mural painter"' in page
        assert db.session.scalar(sa.select(sa.func.count(Placement.id))) == 0

    def test_overlap_refused_then_overridden(self, coordinator, september, db):
        client, _ = coordinator
        volunteer = factories.volunteer()
        factories.placement(volunteer, september, start_date=d(9, 1), end_date=d(9, 30))
        autumn = factories.project(start_date=d(9, 1), end_date=d(12, 31))
        data = {
            "volunteer": volunteer.id,
            "project": autumn.id,
            "start_date": "2026-09-30",
            "end_date": "2026-10-15",
        }
        response = client.post("/placements/new", data=data)
        assert response.status_code == 422
        assert "already placed" in text(response)
        response = client.post(
            "/placements/new", data={**data, "override_reason": "Mornings here, afternoons there"}
        )
        assert response.status_code == 302
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "placement.override_overlap")
        )
        assert event.reason == "Mornings here, afternoons there"

    def test_capacity_message(self, coordinator, september):
        client, _ = coordinator
        for _ in range(2):
            factories.placement(project_=september, start_date=d(9, 14), end_date=d(9, 16))
        response = client.post(
            "/placements/new",
            data={
                "volunteer": factories.volunteer().id,
                "project": september.id,
                "start_date": "2026-09-01",
                "end_date": "2026-09-30",
            },
        )
        assert response.status_code == 422
        assert "The project is full on Sep 14, 2026: 2 of 2 places are taken" in text(response)

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"volunteer": "abc", "project": "1", "start_date": "x", "end_date": "2026-13-01"},
            {
                "volunteer": "999999",
                "project": "999999",
                "start_date": "2026-09-01",
                "end_date": "2026-09-02",
            },
            {"start_date": "2026-09-10", "end_date": "2026-09-01"},
        ],
    )
    def test_bad_input_is_a_message(self, coordinator, data):
        client, _ = coordinator
        response = client.post("/placements/new", data=data)
        assert response.status_code == 422
        assert "invalid-feedback" in text(response)


class TestChangeDates:
    def test_change_and_refuse(self, coordinator, september, db):
        client, _ = coordinator
        placement = factories.placement(
            project_=september, status=S.CONFIRMED, start_date=d(9, 1), end_date=d(9, 10)
        )
        page = text(client.get(f"/placements/{placement.id}/dates"))
        assert 'value="2026-09-01"' in page
        response = client.post(
            f"/placements/{placement.id}/dates",
            data={"start_date": "2026-09-05", "end_date": "2026-10-05", "reason": "Longer"},
        )
        assert response.status_code == 422
        assert "cannot end after" in text(response)
        assert 'value="2026-10-05"' in text(response)
        response = client.post(
            f"/placements/{placement.id}/dates",
            data={"start_date": "2026-09-05", "end_date": "2026-09-25", "reason": "Longer"},
        )
        assert response.status_code == 302
        assert (placement.start_date, placement.end_date) == (d(9, 5), d(9, 25))
        page = text(client.get(f"/placements/{placement.id}"))
        assert "Dates changed" in page and "Longer" in page

    def test_completed_has_no_dates_button(self, coordinator, september):
        client, _ = coordinator
        placement = factories.placement(project_=september, status=S.COMPLETED)
        assert "Change dates" not in text(client.get(f"/placements/{placement.id}"))
        response = client.post(
            f"/placements/{placement.id}/dates",
            data={"start_date": "2026-09-05", "end_date": "2026-09-25"},
        )
        assert response.status_code == 422
        assert "cannot change" in text(response)


class TestSectionsOnOtherPages:
    """The placements sections of the volunteer and project pages, read by those pages'
    views."""

    def test_volunteer_page_lists_placements(self, coordinator, db, september):
        client, _ = coordinator
        volunteer = factories.volunteer()
        factories.placement(volunteer, september, status=S.CONFIRMED)
        db.session.commit()
        html = text(client.get(f"/volunteers/{volunteer.id}"))
        assert "Peinture à l&#39;école" in html
        assert f"/placements/match/volunteer/{volunteer.id}" in html
        assert "Find projects" in html

    def test_project_page_lists_placements_with_occupancy(self, coordinator, db, september):
        client, _ = coordinator
        factories.placement(
            factories.volunteer(full_name="Amal"), september, start_date=d(9, 1), end_date=d(9, 15)
        )
        factories.placement(
            factories.volunteer(full_name="Zoé"), september, start_date=d(9, 15), end_date=d(9, 30)
        )
        db.session.commit()
        html = text(client.get(f"/projects/{september.id}"))
        assert "Amal" in html and "Zoé" in html
        assert "At most 2 of 2 places taken on one day" in html
        assert f"/placements/match/project/{september.id}" in html


def test_a_refused_start_is_shown_above_the_buttons_not_on_the_note(coordinator, db):
    """Starting before the first day is refused by a rule of the move, not by the note: the
    message stands above the button and the note box is not marked wrong."""
    client, _ = coordinator
    soon = factories.project(start_date=association_today() + timedelta(days=10),
                             end_date=association_today() + timedelta(days=40))
    placement = factories.placement(project_=soon, status=S.CONFIRMED)
    db.session.commit()
    response = client.post(f"/placements/{placement.id}/status",
                           data={"status": "active", "reason": "arrived early"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="status-error"[^>]*>(.*?)</div></div>', html, re.S)
    assert error and "start it on that day or later" in error.group(1)
    assert 'id="reason-active-error"' not in html and "is-invalid" not in html
    assert "arrived early" in html  # the note typed is kept


def test_completing_early_asks_before_moving_the_last_day(coordinator, db):
    client, _ = coordinator
    running = factories.project(start_date=association_today() - timedelta(days=10),
                                end_date=association_today() + timedelta(days=40))
    early = factories.placement(project_=running, status=S.ACTIVE)
    db.session.commit()
    html = client.get(f"/placements/{early.id}").get_data(as_text=True)
    assert re.search(r'data-confirm="Complete this placement today\? Its last day becomes '
                     r'[^"]+ instead of [^"]+\."', html)


def test_list_searches_volunteers_and_sorts_by_name_project_dates_and_status(coordinator, db):
    client, _ = coordinator
    project = factories.project(title="Peinture", start_date=d(9, 1), end_date=d(12, 31),
                                capacity=10)
    other = factories.project(title="Bibliothèque", start_date=d(9, 1), end_date=d(12, 31),
                              capacity=10)
    for name, proj, start, status in [("Ольга Петренко", project, d(9, 1), S.ACTIVE),
                                      ("Élodie Martin", other, d(10, 1), S.PROPOSED),
                                      ("Zoë Adams", project, d(11, 1), S.CONFIRMED)]:
        factories.placement(factories.volunteer(full_name=name), proj, start_date=start,
                            end_date=start + timedelta(days=20), status=status)
    db.session.commit()

    def names(query):
        html = text(client.get(f"/placements/?{query}"))
        if 'id="placements"' not in html:
            assert "No placement matches these filters." in html
            return []
        table = html.split('id="placements"')[1].split("</table>")[0]
        return re.findall(r"<bdi>(Ольга Петренко|Élodie Martin|Zoë Adams)</bdi>", table)

    assert names("") == ["Zoë Adams", "Élodie Martin", "Ольга Петренко"]  # latest first
    assert names("sort=volunteer") == ["Élodie Martin", "Zoë Adams", "Ольга Петренко"]
    assert names("sort=volunteer&dir=desc") == ["Ольга Петренко", "Zoë Adams", "Élodie Martin"]
    assert names("sort=project") == ["Élodie Martin", "Ольга Петренко", "Zoë Adams"]
    assert names("q=OLGA") == [] and names("q=ольга") == ["Ольга Петренко"]
    assert names("q=elodie") == ["Élodie Martin"]  # accents ignored
    assert names("q=zoe&status=confirmed") == ["Zoë Adams"]
    assert names("sort=nonsense") == names("")  # unknown sort: the default


@pytest.mark.parametrize(("available", "warned"), [
    ((d(9, 10), d(12, 31)), True),   # starts before they are free
    ((None, d(9, 20)), True),        # ends after
    ((d(8, 1), d(10, 31)), False),   # inside
    ((None, None), False),           # nothing said
])
def test_proposing_outside_the_volunteers_availability_warns(coordinator, september, db,
                                                              available, warned):
    client, _ = coordinator
    volunteer = factories.volunteer(full_name="Léa Fontaine", available_from=available[0],
                                    available_to=available[1])
    db.session.commit()
    response = client.post("/placements/new", data={
        "volunteer": volunteer.id, "project": september.id,
        "start_date": "2026-09-01", "end_date": "2026-09-30"}, follow_redirects=True)
    html = text(response)
    assert "Placement proposed." in html
    assert ("Léa Fontaine said they are available" in html) is warned


def test_cancel_and_withdraw_say_how_they_differ(coordinator, september, db):
    client, _ = coordinator
    placement = factories.placement(project_=september, status=S.CONFIRMED)
    db.session.commit()
    html = text(client.get(f"/placements/{placement.id}"))
    assert "Cancel: the placement will not take place." in html
    assert "Withdraw: the volunteer leaves a placement that was confirmed or had started." in html


def test_proposing_dates_that_are_over_says_how_to_record_them(coordinator, db):
    client, _ = coordinator
    now = association_today()
    project = factories.project(start_date=now - timedelta(days=90),
                                end_date=now + timedelta(days=90))
    volunteer = factories.volunteer()
    db.session.commit()

    def propose(start, end):
        return text(client.post("/placements/new", data={
            "volunteer": volunteer.id, "project": project.id, "start_date": start.isoformat(),
            "end_date": end.isoformat()}, follow_redirects=True))

    html = propose(now - timedelta(days=60), now - timedelta(days=31))
    assert "Placement proposed." in html and "These dates are over" in html
    volunteer = factories.volunteer()  # one ongoing placement per volunteer and project
    db.session.commit()
    html = propose(now - timedelta(days=5), now + timedelta(days=20))
    assert "Placement proposed." in html and "These dates are over" not in html
