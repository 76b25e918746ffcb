"""Report queries: what an organisation's placements are, inclusive periods, approved hours
counted once, breakdowns, and a statement count that does not grow with the rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aljisr.hours.models import HoursStatus
from aljisr.organisations.models import OrganisationKind
from aljisr.placements.models import PlacementStatus
from aljisr.projects.models import Theme
from aljisr.reports import queries
from aljisr.reports.queries import Period
from aljisr.templating import country_name
from tests.support import factories
from tests.support.sql import queries_sent

JAN = Period(date(2026, 1, 1), date(2026, 1, 31))


def _report(org, period=JAN):
    return queries.organisation_report(org, period, country_name)


def _project(**kw):
    values = {"start_date": date(2025, 12, 1), "end_date": date(2026, 3, 31)}
    return factories.project(**{**values, **kw})


def test_period_days_are_inclusive_and_end_before_start_is_refused():
    assert Period(date(2026, 9, 1), date(2026, 9, 30)).days == 30
    assert Period(date(2026, 1, 1), date(2026, 1, 1)).days == 1
    assert Period.year(2024).days == 366
    with pytest.raises(ValueError):
        Period(date(2026, 1, 2), date(2026, 1, 1))


def test_placement_days_count_only_the_days_inside_the_period(db):
    sender = factories.organisation(OrganisationKind.SENDING)
    project = _project()
    inside = factories.placement(factories.volunteer(sender), project,
                                 start_date=date(2026, 1, 10), end_date=date(2026, 1, 12))
    across_end = factories.placement(factories.volunteer(sender), project,
                                     start_date=date(2026, 1, 20), end_date=date(2026, 2, 10))
    across_start = factories.placement(factories.volunteer(sender), project,
                                       start_date=date(2025, 12, 25), end_date=date(2026, 1, 2))
    whole = factories.placement(factories.volunteer(sender), project,
                                start_date=date(2025, 12, 1), end_date=date(2026, 3, 31))
    first_day_only = factories.placement(factories.volunteer(sender), project,
                                         start_date=date(2026, 1, 31), end_date=date(2026, 2, 5))
    factories.placement(factories.volunteer(sender), project,  # after the period
                        start_date=date(2026, 2, 1), end_date=date(2026, 2, 5))
    factories.placement(factories.volunteer(sender), project,  # before it
                        start_date=date(2025, 12, 1), end_date=date(2025, 12, 31))

    report = _report(sender)

    days = {row.placement_id: row.days_in_period for row in report.rows}
    assert days == {inside.id: 3, across_end.id: 12, across_start.id: 2, whole.id: 31,
                    first_day_only.id: 1}
    assert report.totals.placement_days == 3 + 12 + 2 + 31 + 1
    assert report.totals.placements == 5
    assert report.totals.volunteers == 5


def test_approved_hours_in_the_period_count_and_the_last_day_is_included(db):
    sender = factories.organisation(OrganisationKind.SENDING)
    placement = factories.placement(factories.volunteer(sender), _project())
    factories.hours(placement, date(2026, 1, 1), "1.25")  # first day: counts
    factories.hours(placement, date(2026, 1, 31), "2.5")  # last day: counts
    factories.hours(placement, date(2026, 1, 15), "3", status=HoursStatus.SUBMITTED)
    factories.hours(placement, date(2026, 1, 16), "4", status=HoursStatus.REJECTED,
                    rejection_reason="duplicate")
    factories.hours(placement, date(2025, 12, 31), "5")  # day before: does not count
    factories.hours(placement, date(2026, 2, 1), "6")  # day after: does not count

    report = _report(sender)

    assert report.totals.approved_hours == Decimal("3.75")
    assert [row.approved_hours for row in report.rows] == [Decimal("3.75")]


def test_each_entry_counts_once_however_many_rows_the_joins_make(db):
    sender = factories.organisation(OrganisationKind.SENDING)
    project = _project(theme=Theme.CONSTRUCTION)
    project.sdgs = [4, 9, 11]
    volunteer = factories.volunteer(sender, languages={"fr": "native", "ar": "B1", "en": "B2"})
    placement = factories.placement(volunteer, project)
    for day, amount in ((5, "3"), (6, "5"), (7, "0.5")):
        factories.hours(placement, date(2026, 1, day), amount)

    report = _report(sender)
    assert report.totals.approved_hours == Decimal("8.50")
    assert report.totals.placements == 1
    for breakdown in report.breakdowns:
        assert [g.totals.approved_hours for g in breakdown.rows] == [Decimal("8.50")]

    annual = queries.annual_report(2026, "Al Jisr", country_name, with_rows=True)
    assert annual.totals.approved_hours == Decimal("8.50")
    sdgs = annual.breakdowns[1]
    assert sdgs.key == "sdg" and not sdgs.additive
    assert [g.label.split(".")[0] for g in sdgs.rows] == ["4", "9", "11"]
    assert {g.totals.approved_hours for g in sdgs.rows} == {Decimal("8.50")}
    assert {g.totals.placement_days for g in sdgs.rows} == {90}


def test_each_kind_of_organisation_gets_its_own_placements(db):
    sender = factories.organisation(OrganisationKind.SENDING, name="Sender")
    other_sender = factories.organisation(OrganisationKind.SENDING, name="Other sender")
    host = factories.organisation(OrganisationKind.HOST, name="Host")
    funder = factories.organisation(OrganisationKind.FUNDER, name="Funder")
    at_host = _project(site_=factories.site(host), title="At the host")
    funded = _project(funder=funder, title="Funded")
    elsewhere = _project(title="Elsewhere")
    a = factories.placement(factories.volunteer(sender, full_name="A"), at_host)
    b = factories.placement(factories.volunteer(sender, full_name="B"), elsewhere)
    c = factories.placement(factories.volunteer(other_sender, full_name="C"), funded)
    d = factories.placement(factories.volunteer(None, full_name="D"), at_host)

    def ids(org):
        return {row.placement_id for row in _report(org).rows}

    assert ids(sender) == {a.id, b.id}
    assert ids(other_sender) == {c.id}
    assert ids(host) == {a.id, d.id}
    assert ids(funder) == {c.id}


def test_proposed_and_cancelled_placements_do_not_count_withdrawn_ones_do(db):
    sender = factories.organisation(OrganisationKind.SENDING)
    project = _project()
    counted = {
        status: factories.placement(factories.volunteer(sender), project, status=status).id
        for status in PlacementStatus
    }
    rows = {row.placement_id for row in _report(sender).rows}
    assert rows == {counted[s] for s in queries.REPORTED_STATUSES}
    assert counted[PlacementStatus.WITHDRAWN] in rows
    assert counted[PlacementStatus.PROPOSED] not in rows
    assert counted[PlacementStatus.CANCELLED] not in rows


def test_breakdowns_group_by_project_site_and_nationality_with_country_names(db):
    sender = factories.organisation(OrganisationKind.SENDING)
    school = factories.site(name="Anwal primary school")
    centre = factories.site(name="Maggamane centre")
    painting = _project(site_=school, title="Painting")
    building = _project(site_=centre, title="Building")
    olga = factories.volunteer(sender, full_name="Ольга Петренко", nationality="UA")
    lea = factories.volunteer(sender, full_name="Léa Fontaine", nationality="FR")
    nobody = factories.volunteer(sender, full_name="No nationality", nationality=None)
    p1 = factories.placement(olga, painting, start_date=date(2026, 1, 1),
                             end_date=date(2026, 1, 10))
    factories.placement(olga, building, start_date=date(2026, 1, 11), end_date=date(2026, 1, 20))
    factories.placement(lea, painting, start_date=date(2026, 1, 1), end_date=date(2026, 1, 31))
    factories.placement(nobody, building, start_date=date(2026, 1, 1),
                        end_date=date(2026, 1, 1))
    factories.hours(p1, date(2026, 1, 2), "6")

    report = _report(sender)
    projects, sites, nationalities = report.breakdowns
    assert [(g.label, g.totals.volunteers, g.totals.placements, g.totals.placement_days)
            for g in projects.rows] == [("Building", 2, 2, 11), ("Painting", 2, 2, 41)]
    assert [g.label for g in sites.rows] == ["Anwal primary school", "Maggamane centre"]
    assert [(g.label, g.totals.volunteers, g.totals.placement_days, g.totals.approved_hours)
            for g in nationalities.rows] == [
        ("France", 1, 31, Decimal("0.00")),
        ("Not recorded", 1, 1, Decimal("0.00")),
        ("Ukraine", 1, 20, Decimal("6.00")),
    ]
    assert report.totals.volunteers == 3  # Olga once, though in two projects
    assert report.chart is projects


def test_annual_report_groups_by_theme_sdg_and_site_for_every_organisation(db):
    education = _project(theme=Theme.EDUCATION, start_date=date(2026, 3, 1),
                         end_date=date(2026, 3, 10))
    education.sdgs = [4]
    building = _project(theme=Theme.CONSTRUCTION, start_date=date(2026, 12, 25),
                        end_date=date(2027, 1, 10))
    building.sdgs = [4, 11]
    factories.placement(factories.volunteer(factories.organisation()), education)
    last_year = factories.placement(factories.volunteer(None), building)
    factories.hours(last_year, date(2026, 12, 31), "7")
    factories.hours(last_year, date(2027, 1, 1), "9")

    report = queries.annual_report(2026, "Al Jisr", country_name, with_rows=False)

    themes, sdgs, sites = report.breakdowns
    assert [(g.label, g.totals.placement_days) for g in themes.rows] == [
        ("Education", 10), ("Construction and renovation", 7)]
    assert [(g.label.split(".")[0], g.totals.placements) for g in sdgs.rows] == [
        ("4", 2), ("11", 1)]
    assert len(sites.rows) == 2
    assert report.totals.approved_hours == Decimal("7.00")
    assert report.rows == () and not report.show_rows


def test_statement_count_is_the_same_for_5_and_60_placements(db):
    counts = []
    for size in (5, 60):
        sender = factories.organisation(OrganisationKind.SENDING)
        projects = [_project(title=f"P{i}") for i in range(3)]
        for i in range(size):
            placement = factories.placement(
                factories.volunteer(sender, nationality=("FR", "MA", "UA")[i % 3]),
                projects[i % 3])
            factories.hours(placement, date(2026, 1, 5), "2")
        db.session.commit()
        assert sender.kind is OrganisationKind.SENDING  # reload it before counting
        with queries_sent() as queries:
            report = _report(sender)
        assert len(report.rows) == size
        counts.append(len(queries))
    # summary, three breakdowns, the rows: 5 whatever the size
    assert counts[0] == counts[1] == 5
