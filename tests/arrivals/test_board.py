"""The arrivals and departures board (issue 14, item 4): any range (default the next 14 days
from the association's today), by site, travel and pickups, printable, CSV and XLSX in the
reader's language; hosts see their sites' live placements only."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from openpyxl import load_workbook

from aljisr.arrivals.models import ArrivalDetails, TravelMode
from aljisr.dates import association_today
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from tests.support import factories
from tests.support.clients import login_client


def _travel(db, world):
    db.session.add(ArrivalDetails(
        placement_id=world.placement.id,
        arrival_date=world.placement.start_date - timedelta(days=1), arrival_time=time(14, 35),
        arrival_mode=TravelMode.FLIGHT, arrival_number="AT 801",
        arrival_point="Tangier Ibn Battouta airport (TNG)", pickup_needed=True))
    db.session.commit()


def _other(db, world, days_ahead: int, name: str, status=PlacementStatus.CONFIRMED):
    start = association_today() + timedelta(days=days_ahead)
    project = factories.project(world.other_site, title="Far project", start_date=start,
                                end_date=start + timedelta(days=30))
    placement = factories.placement(factories.volunteer(full_name=name), project, status=status,
                                    start_date=start, end_date=start + timedelta(days=10))
    db.session.commit()
    return placement


def test_the_default_range_is_the_next_14_days_with_travel_and_pickups(app, db, world):
    world.placement.start_date = association_today() + timedelta(days=10)
    db.session.commit()
    _travel(db, world)
    soon = _other(db, world, 3, "Bruno Soon")
    _other(db, world, 15, "Carla Later")  # outside the 14 days
    _other(db, world, 5, "Dana Proposed", status=PlacementStatus.PROPOSED)
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    page = client.get("/arrivals/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Amal Haddad" in html and "AT 801" in html and "Pickup needed" in html
    assert "Tangier Ibn Battouta airport (TNG)" in html
    assert "Bruno Soon" in html and "Dana Proposed" in html  # staff see proposed ones too
    assert "Carla Later" not in html
    # Bruno gave no travel date: his first day, marked as not given
    assert f'data-placement="{soon.id}"' in html and "not given yet" in html
    # filtered by the other site: only its placements
    only = client.get(f"/arrivals/?site={world.other_site.id}").get_data(as_text=True)
    assert "Bruno Soon" in only and "Amal Haddad" not in only
    # any range: departures too
    end = world.placement.end_date
    later = client.get(f"/arrivals/?date_from={end.isoformat()}&date_to={end.isoformat()}")
    assert "Amal Haddad" in later.get_data(as_text=True) and "Departure" in later.get_data(
        as_text=True)
    # the overview links to it
    assert 'id="board-link"' in client.get("/home").get_data(as_text=True)


def test_a_range_backwards_or_too_long_is_said_and_no_rows_are_shown(app, db, world):
    """Tester t14: a refused range still showed rows and counts for other dates."""
    _other(db, world, 3, "Bruno Soon")
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    today = association_today()
    backwards = (f"/arrivals/?date_from={(today + timedelta(days=5)).isoformat()}"
                 f"&date_to={today.isoformat()}")
    too_long = (f"/arrivals/?date_from={today.isoformat()}"
                f"&date_to={(today + timedelta(days=400)).isoformat()}")
    for url, message in [
        (backwards, "The end of the range is before its start."),
        (too_long, "At most 366 days"),
        ("/arrivals/?date_from=0001-01-01&date_to=9999-12-31", "At most 366 days"),
        ("/arrivals/?date_from=9999-12-31", "Choose an earlier date."),
        ("/arrivals/?date_from=garbage", "Not a valid date value"),
    ]:
        page = client.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 422, url
        assert message in html, url
        assert "Bruno Soon" not in html and 'id="board-range"' not in html, url
        assert 'id="board-downloads"' not in html and 'id="board-refused"' in html, url


def test_the_downloads_refuse_a_range_as_the_board_does_never_cut_it(app, db, world):
    """Tester t14: 2026-01-01..2027-12-31 came back as a file of one year."""
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/arrivals/board.{fmt}?date_from=2026-01-01&date_to=2027-12-31",
                              follow_redirects=True)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and response.mimetype == "text/html"
        assert response.request.path == "/arrivals/"  # its filter bar comes back to the board
        assert "Content-Disposition" not in response.headers
        start = html.index('id="date_to-error"')
        assert "At most 366 days" in html[start:start + 300]
        assert 'value="2026-01-01"' in html and 'value="2027-12-31"' in html  # kept
        backwards = client.get(f"/arrivals/board.{fmt}?date_from=2026-05-10&date_to=2026-05-01",
                               follow_redirects=True)
        assert backwards.status_code == 422 and backwards.mimetype == "text/html"


def test_the_default_range_is_filled_into_the_date_fields(app, db, world):
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    today = association_today()
    html = client.get("/arrivals/").get_data(as_text=True)
    assert f'id="date_from" name="date_from" type="date" value="{today.isoformat()}"' in html
    last = (today + timedelta(days=13)).isoformat()
    assert f'id="date_to" name="date_to" type="date" value="{last}"' in html


def test_an_unknown_site_is_said_beside_the_site_field(app, db, world):
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    page = client.get("/arrivals/?site=999999999999")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    start = html.index('id="site-error"')
    assert "This choice is not in the list; the filter was ignored." in html[start:start + 300]


def test_a_host_sees_only_its_sites_and_only_confirmed_or_active_placements(app, db, world):
    _travel(db, world)
    _other(db, world, 3, "Bruno Elsewhere")
    proposed = factories.placement(factories.volunteer(full_name="Eva Proposed"), world.project,
                                   status=PlacementStatus.PROPOSED,
                                   start_date=world.placement.start_date,
                                   end_date=world.placement.end_date)
    db.session.commit()
    host = login_client(app, world.host_contact)
    first = world.placement.start_date - timedelta(days=2)
    html = host.get(f"/arrivals/?date_from={first.isoformat()}").get_data(as_text=True)
    assert "Amal Haddad" in html and "AT 801" in html
    assert "Bruno Elsewhere" not in html and "Eva Proposed" not in html
    assert proposed.id  # exists, just not shown
    # the other host's site cannot be chosen: its filter is refused
    assert host.get(f"/arrivals/?site={world.other_site.id}").status_code == 422
    # volunteers and sending organisations have no board
    assert login_client(app, world.sending_contact).get("/arrivals/").status_code == 403
    assert login_client(app, world.volunteer_user).get("/arrivals/").status_code == 403


def test_csv_has_a_bom_translated_headers_and_neutralised_formulas(app, db, world):
    _travel(db, world)
    world.volunteer.full_name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    client = login_client(app, factories.user(Role.COORDINATOR, locale="fr"))
    first = world.placement.start_date - timedelta(days=2)
    response = client.get(f"/arrivals/board.csv?date_from={first.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("Date,Heure,Mouvement,Bénévole")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    arrival = (world.placement.start_date - timedelta(days=1)).isoformat()
    assert f"{arrival},14:35,Arrivée" in text and "AT 801" in text and "Oui" in text
    assert "attachment" in response.headers["Content-Disposition"]


def test_xlsx_has_typed_dates_and_no_formula(app, db, world):
    _travel(db, world)
    world.volunteer.full_name = "=1+1"
    db.session.commit()
    client = login_client(app, factories.user(Role.COORDINATOR, locale="ar"))
    first = world.placement.start_date - timedelta(days=2)
    response = client.get(f"/arrivals/board.xlsx?date_from={first.isoformat()}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.sheet_view.rightToLeft  # Arabic reader
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("التاريخ", "الساعة", "الحركة")  # headers in the reader's language
    first_row = rows[1]
    assert first_row[0].date() == world.placement.start_date - timedelta(days=1)
    assert first_row[3] == "'=1+1"
    assert sheet.cell(row=2, column=4).data_type == "s"


def test_the_board_prints_without_navigation_filters_or_buttons(app, db, world):
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    html = client.get("/arrivals/").get_data(as_text=True)
    assert "data-print" in html and "js/print.js" in html
    css = client.get("/static/css/app.css").get_data(as_text=True)
    print_rules = css[css.index("@media print"):]
    assert "nav.navbar" in print_rules and ".filter-bar" in print_rules
    assert ".btn" in print_rules and "@page" in print_rules


def test_dates_default_to_the_association_today(app, db, world, monkeypatch):
    import aljisr.arrivals.views as views

    monkeypatch.setattr(views, "association_today", lambda: date(2030, 3, 1))
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    html = client.get("/arrivals/").get_data(as_text=True)
    assert "2030-03-01" in html and "2030-03-14" in html  # the CSV link carries the range


def test_the_board_page_sends_as_many_queries_for_many_rows_as_for_one(app, db, world):
    from tests.support.sql import queries_sent

    _travel(db, world)
    client = login_client(app, factories.user(Role.COORDINATOR, locale="en"))
    first = world.placement.start_date - timedelta(days=2)
    url = f"/arrivals/?date_from={first.isoformat()}"
    client.get(url)
    with queries_sent() as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        factories.placement(factories.volunteer(full_name=f"Extra {n}"), world.project,
                            status=PlacementStatus.CONFIRMED,
                            start_date=world.placement.start_date,
                            end_date=world.placement.end_date)
    db.session.commit()
    with queries_sent() as many:
        html = client.get(url).get_data(as_text=True)
    assert "Extra 5" in html
    assert len(many) == len(few), many
