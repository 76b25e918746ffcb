"""The staff overview: figures checked against known data, approved hours only, a constant
number of queries, the chart's data served without inline script."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from aljisr.database import utcnow
from aljisr.dates import association_today
from aljisr.hours.models import HoursStatus
from aljisr.main import queries
from aljisr.placements.models import PlacementStatus
from aljisr.projects.models import ProjectStatus
from aljisr.sites.models import Site
from aljisr.volunteers.models import VolunteerStatus
from tests.support import factories
from tests.support.sql import queries_sent

D = association_today()


def _project(capacity=5, start=-60, end=60, **kw):
    return factories.project(start_date=D + timedelta(days=start),
                             end_date=D + timedelta(days=end), capacity=capacity, **kw)


def _place(project, start, end, status=PlacementStatus.CONFIRMED, volunteer_=None, **kw):
    return factories.placement(volunteer_, project, start_date=D + timedelta(days=start),
                               end_date=D + timedelta(days=end), status=status, **kw)


def _html(client):
    response = client.get("/home")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(html, element_id):
    match = re.search(rf'id="{element_id}".*?</(table|ul)>', html, re.S)
    return match.group(0) if match else ""


# --- arrivals, departures, active today --------------------------------------------------------


def test_arrivals_and_departures_in_the_next_14_days(as_role, db):
    client, _ = as_role("coordinator")
    project = _project(capacity=50)
    names = {}
    for key, start, end, status in [
        ("arrives-today", 0, 30, PlacementStatus.CONFIRMED),
        ("arrives-day-14", 13, 30, PlacementStatus.PROPOSED),
        ("arrives-day-15", 14, 30, PlacementStatus.CONFIRMED),
        ("arrived-yesterday", -1, 30, PlacementStatus.ACTIVE),
        ("arrival-cancelled", 3, 30, PlacementStatus.CANCELLED),
        ("leaves-today", -20, 0, PlacementStatus.ACTIVE),
        ("leaves-day-14", -20, 13, PlacementStatus.ACTIVE),
        ("leaves-day-15", -20, 14, PlacementStatus.ACTIVE),
        ("left-yesterday", -20, -1, PlacementStatus.COMPLETED),
        ("withdrawn-leaving", -20, 5, PlacementStatus.WITHDRAWN),
    ]:
        names[key] = f"Person {key}"
        _place(project, start, end, status, volunteer_=factories.volunteer(full_name=names[key]))
    html = _html(client)
    arrivals, departures = _section(html, "arrivals"), _section(html, "departures")
    assert "Person arrives-today" in arrivals and "Person arrives-day-14" in arrivals
    for key in ("arrives-day-15", "arrived-yesterday", "arrival-cancelled", "leaves-today"):
        assert names[key] not in arrivals
    assert "Person leaves-today" in departures and "Person leaves-day-14" in departures
    for key in ("leaves-day-15", "left-yesterday", "withdrawn-leaving", "arrives-today"):
        assert names[key] not in departures
    assert re.search(r'id="arrivals-total">2<', html)
    assert re.search(r'id="departures-total">2<', html)


def test_movements_show_the_first_rows_and_the_total(db):
    project = _project(capacity=50)
    for i in range(12):
        _place(project, i % 5, 40)
    result = queries.movements(D, 14, limit=10)
    assert len(result.arrivals) == 10 and result.arrivals_total == 12
    assert [p.start_date for p in result.arrivals] == sorted(p.start_date for p in result.arrivals)


def test_placements_active_today_and_hours_waiting(as_role, db):
    client, _ = as_role("coordinator")
    project = _project(capacity=50)
    running = [_place(project, -5, 5, PlacementStatus.ACTIVE) for _ in range(3)]
    _place(project, -10, -1, PlacementStatus.ACTIVE)  # ended yesterday
    _place(project, 1, 10, PlacementStatus.CONFIRMED)  # starts tomorrow
    _place(project, -5, 5, PlacementStatus.CONFIRMED)  # running but not started
    for days_ago, status in [(1, HoursStatus.SUBMITTED), (2, HoursStatus.SUBMITTED),
                             (3, HoursStatus.APPROVED), (4, HoursStatus.REJECTED)]:
        factories.hours(running[0], D - timedelta(days=days_ago), status=status)
    html = _html(client)
    assert re.search(r'id="count-placements-today".*?stat-value">3<', html, re.S)
    hours_card = re.search(r'id="count-hours-to-review".*?</div></div>', html, re.S).group(0)
    assert 'stat-value">2<' in hours_card and 'href="/hours/"' in hours_card
    assert "Hours entries to review" in hours_card  # a count of entries, not of hours


# --- capacity -------------------------------------------------------------------------------------


def test_projects_full_or_nearly_full_use_the_peak_day(db):
    nearly = _project(capacity=5, title="Nearly full")
    for _ in range(4):  # 4 of 5 on days 10-12: 80 %
        _place(nearly, 10, 12)
    full = _project(capacity=2, title="Full by inclusive ends")
    _place(full, -3, 6)
    _place(full, 6, 20)  # both present on day 6 (dates are inclusive)
    relaxed = _project(capacity=2, title="Never two at once")
    _place(relaxed, 0, 5)
    _place(relaxed, 6, 20)
    past_peak = _project(capacity=2, title="Busy only last month")
    _place(past_peak, -40, -20)
    _place(past_peak, -40, -20)
    _place(past_peak, -40, 5)
    cancelled = _project(capacity=2, title="Cancelled places")
    _place(cancelled, 1, 5)
    _place(cancelled, 1, 5, PlacementStatus.CANCELLED)
    later = _project(capacity=1, title="Full after the window", start=-60, end=120)
    _place(later, 31, 40)
    closed = _project(capacity=1, title="Draft", status=ProjectStatus.DRAFT)
    _place(closed, 1, 5)

    loads = queries.projects_near_capacity(D, days=30, threshold=0.8)
    assert [(load.project.title, load.peak, load.full) for load in loads] == [
        ("Full by inclusive ends", 2, True),
        ("Nearly full", 4, False),
    ]


def test_capacity_section_on_the_page(as_role, db):
    client, _ = as_role("coordinator")
    project = _project(capacity=2, title="Tiny workshop")
    _place(project, 0, 3)
    _place(project, 2, 5)
    section = _section(_html(client), "near-capacity")
    assert "Tiny workshop" in section and "2 of 2 places" in section and "Full" in section


def test_capacity_section_shows_the_six_fullest_and_counts_the_rest(as_role, db):
    client, _ = as_role("coordinator")
    for i in range(8):  # eight projects, each with its one place booked: all full
        project = _project(capacity=1, title=f"Workshop {i}")
        _place(project, i, i + 3)
    html = _html(client)
    section = re.search(r'id="near-capacity".*?</ul>', html, re.S).group(0)
    assert section.count("capacity-item") == 6
    assert re.search(r'id="near-capacity-more"[^>]*>and 2 more<', html)


# --- approved hours by month ----------------------------------------------------------------------


def test_hours_by_month_count_approved_entries_of_this_year_only(as_role, db):
    client, _ = as_role("coordinator")
    year = D.year
    project = _project(capacity=50, start=-3000, end=60)
    placement = _place(project, -3000, 60, PlacementStatus.ACTIVE)
    factories.hours(placement, date(year, 1, 1), "3.5")
    factories.hours(placement, date(year, 1, 31), "2")
    factories.hours(placement, date(year, 3, 15), "6.25")
    factories.hours(placement, date(year, 3, 16), "8", HoursStatus.SUBMITTED)
    factories.hours(placement, date(year, 3, 17), "7", HoursStatus.REJECTED)
    factories.hours(placement, date(year - 1, 12, 31), "9")

    expected = [Decimal("5.5"), 0, Decimal("6.25")] + [0] * 9
    assert queries.approved_hours_by_month(year) == expected

    html = _html(client)
    data = json.loads(re.search(r'id="hours-chart-data">(.*?)</script>', html, re.S).group(1))
    assert data["values"] == [5.5, 0, 6.25] + [0] * 9
    assert len(data["labels"]) == 12
    table = _section(html, "hours-by-month")
    assert re.search(r"January</th><td[^>]*>5.5<", table)
    assert re.search(r"March</th><td[^>]*>6.25<", table)
    assert "11.75 h in all" in html


def test_chart_is_local_and_no_inline_script_runs(as_role, db):
    client, _ = as_role("coordinator")
    html = _html(client)
    assert "/static/vendor/chart.js-4.6.1/chart.umd.min.js" in html
    assert "/static/js/overview-chart.js" in html
    for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    with client.get("/static/js/overview-chart.js") as script:
        assert script.status_code == 200


# --- nationalities -------------------------------------------------------------------------------


def test_volunteers_by_nationality_with_country_names(as_role, db):
    client, _ = as_role("coordinator")
    for code, n in [("MA", 3), ("FR", 2), ("UA", 1)]:
        for _ in range(n):
            factories.volunteer(nationality=code)
    factories.volunteer(nationality=None)
    factories.volunteer(nationality="JP", archived_at=utcnow(),  # archived: left out
                        status=VolunteerStatus.ARCHIVED)
    factories.volunteer(nationality="MA", archived_at=utcnow(), status=VolunteerStatus.ARCHIVED)
    html = _html(client)
    table = _section(html, "nationalities")
    rows = re.findall(r"<tr><td>(.*?)</td><td[^>]*>(\d+)</td></tr>", table)
    assert rows[:2] == [("Morocco", "3"), ("France", "2")]
    assert sorted(rows[2:]) == [("Not given", "1"), ("Ukraine", "1")]
    assert "Japan" not in table
    assert re.search(r'id="count-volunteers".*?stat-value">7<', html, re.S)


def test_nationalities_beyond_ten_are_added_up(as_role, db):
    client, _ = as_role("coordinator")
    codes = ["MA", "FR", "DE", "ES", "GB", "UA", "JP", "IT", "BE", "NL", "SE", "PL"]
    for i, code in enumerate(codes):
        for _ in range(20 - i):
            factories.volunteer(nationality=code)
    table = _section(_html(client), "nationalities")
    assert "Netherlands" in table and "Sweden" not in table
    assert re.search(r"2 other countries</td><td[^>]*>19<", table)  # Sweden 10 + Poland 9


def test_nationality_names_follow_the_interface_language(as_role, db):
    client, user = as_role("coordinator")
    user.locale = "fr"
    factories.volunteer(nationality="DE")
    db.session.commit()
    assert "Allemagne" in _section(_html(client), "nationalities")


# --- shape ---------------------------------------------------------------------------------------


def test_overview_query_count_does_not_grow_with_the_data(as_role, db):
    client, _ = as_role("coordinator")
    project = _project(capacity=3)
    _place(project, 0, 10, PlacementStatus.ACTIVE)
    with queries_sent() as few:
        _html(client)
    for i in range(4):
        site = factories.site(city=f"Town {i}")
        other = _project(capacity=2, site_=site)
        for start in (-5, 0, 3, 12):
            p = _place(other, start, start + 6, PlacementStatus.ACTIVE if start <= 0 else
                       PlacementStatus.CONFIRMED, volunteer_=factories.volunteer(nationality="DE"))
            factories.hours(p, D - timedelta(days=1) if start <= 0 else None,
                            status=HoursStatus.SUBMITTED if start <= 0 else HoursStatus.APPROVED)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Site)) == 5
    with queries_sent() as many:
        _html(client)
    assert len(many) == len(few), many


@pytest.mark.parametrize("locale", ["ar", "fr"])
def test_overview_renders_in_other_languages(as_role, db, locale):
    client, user = as_role("coordinator")
    user.locale = locale
    project = _project(capacity=1)
    _place(project, 0, 3, PlacementStatus.ACTIVE)
    db.session.commit()
    html = _html(client)
    data = json.loads(re.search(r'id="hours-chart-data">(.*?)</script>', html, re.S).group(1))
    assert data["rtl"] is (locale == "ar")


def test_projects_by_site_shows_the_most_relevant_first_and_counts_the_rest(as_role, db):
    client, _ = as_role("coordinator")
    busy = factories.site(name="Zeta school")  # last by name, first because it is busy
    for i, status in enumerate([ProjectStatus.COMPLETED, ProjectStatus.COMPLETED,
                                ProjectStatus.OPEN, ProjectStatus.IN_PROGRESS,
                                ProjectStatus.COMPLETED]):
        _project(site_=busy, status=status, title=f"Zeta project {status.value} {i}",
                 start=-200 + i * 10, end=100)
    for i in range(10):
        factories.site(name=f"Quiet site {i:02d}")
    result = queries.projects_by_site(sites=8, per_site=3)
    assert result.total == 11 and result.more == 3
    first = result.sites[0]
    assert first.site.name == "Zeta school" and first.total == 5 and first.more == 2
    assert [p.status for p in first.projects] == [
        ProjectStatus.IN_PROGRESS, ProjectStatus.OPEN, ProjectStatus.COMPLETED]
    assert first.projects[2].title == "Zeta project completed 4"  # the latest completed
    assert [s.site.name for s in result.sites[1:3]] == ["Quiet site 00", "Quiet site 01"]
    html = _html(client)
    assert html.count('class="card mb-3 site-card"') == 5  # the page shows five
    assert "and 2 more" in html and "6 more sites" in html

