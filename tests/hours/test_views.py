"""Hours pages through the real app: the review queue (filters, single and bulk review with
per-row errors), logging hours for a placement, the placement partial, permissions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from aljisr.dates import association_today
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.placements.models import PlacementStatus
from tests.support import factories
from tests.support.a11y import unlabelled_controls
from tests.support.sql import queries_sent

D = association_today()


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def _placement(**kw):
    kw.setdefault("start_date", D - timedelta(days=20))
    kw.setdefault("end_date", D + timedelta(days=20))
    project = factories.project(start_date=kw["start_date"], end_date=kw["end_date"])
    return factories.placement(project_=project, **kw)


def _submitted(placement, days_ago, amount="4", **kw):
    return factories.hours(placement, D - timedelta(days=days_ago), amount,
                           HoursStatus.SUBMITTED, **kw)


def _status(db, entry):
    return db.session.scalar(sa.select(HoursEntry.status).where(HoursEntry.id == entry.id))


# --- queue ----------------------------------------------------------------------------------------


def test_queue_lists_submitted_entries_only_oldest_first(coordinator, db):
    client, _ = coordinator
    p = _placement(volunteer_=factories.volunteer(full_name="Ольга Петренко"))
    newer = _submitted(p, 1, activity="Newer task")
    older = _submitted(p, 5, activity="Older task")
    factories.hours(p, D - timedelta(days=3), activity="Already approved")
    factories.hours(p, D - timedelta(days=4), status=HoursStatus.REJECTED, activity="Refused one")
    response = client.get("/hours/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ольга Петренко" in html
    assert html.index("Older task") < html.index("Newer task")
    assert "Already approved" not in html and "Refused one" not in html
    assert f'value="{older.id}"' in html and f'value="{newer.id}"' in html
    assert unlabelled_controls(html) == []


def test_queue_filters_by_project_site_volunteer_and_dates(coordinator, db):
    client, _ = coordinator
    a = _placement(volunteer_=factories.volunteer(full_name="Yasmine Haddad"))
    b = _placement(volunteer_=factories.volunteer(full_name="Léa Fontaine"))
    _submitted(a, 2, activity="Task A recent")
    _submitted(a, 10, activity="Task A old")
    _submitted(b, 2, activity="Task B")

    def shown(query):
        html = client.get("/hours/?" + query).get_data(as_text=True)
        return sorted(set(re.findall(r"Task [AB][a-z ]*", html)))

    assert shown(f"project={a.project_id}") == ["Task A old", "Task A recent"]
    assert shown(f"site={b.project.site_id}") == ["Task B"]
    assert shown("volunteer=lea") == ["Task B"]  # accents and case ignored
    assert shown("volunteer=YASMINE") == ["Task A old", "Task A recent"]
    since = (D - timedelta(days=5)).isoformat()
    assert shown(f"date_from={since}") == ["Task A recent", "Task B"]
    assert shown(f"date_to={since}") == ["Task A old"]
    assert shown(f"volunteer_id={b.volunteer_id}") == ["Task B"]
    # nonsense in the query string is ignored, never a 500
    nonsense = "/hours/?project=abc&date_from=yesterday&page=x&status=zzz"
    assert client.get(nonsense).status_code == 200


def test_queue_can_show_other_statuses(coordinator, db):
    client, _ = coordinator
    p = _placement()
    factories.hours(p, D - timedelta(days=3), activity="Approved task")
    _submitted(p, 2, activity="Submitted task")
    html = client.get("/hours/?status=approved").get_data(as_text=True)
    assert "Approved task" in html and "Submitted task" not in html
    html = client.get("/hours/?status=all").get_data(as_text=True)
    assert "Approved task" in html and "Submitted task" in html


def test_bulk_approve(coordinator, db):
    client, user = coordinator
    p = _placement()
    entries = [_submitted(p, d) for d in (1, 2, 3)]
    response = client.post("/hours/", data={"entry": [entries[0].id, entries[1].id],
                                            "action": "approve"})
    assert response.status_code == 302
    assert [_status(db, e) for e in entries] == [HoursStatus.APPROVED, HoursStatus.APPROVED,
                                                 HoursStatus.SUBMITTED]
    reviewed = db.session.get(HoursEntry, entries[0].id)
    assert reviewed.reviewed_by_id == user.id


def test_bulk_reject_needs_a_reason_and_keeps_the_selection(coordinator, db):
    client, _ = coordinator
    p = _placement()
    entries = [_submitted(p, d) for d in (1, 2)]
    response = client.post("/hours/", data={"entry": [entries[0].id], "action": "reject",
                                            "reason": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give a reason for the rejection." in html
    assert re.search(rf'value="{entries[0].id}"[^>]*checked', html)
    assert not re.search(rf'value="{entries[1].id}"[^>]*checked', html)
    assert _status(db, entries[0]) is HoursStatus.SUBMITTED

    response = client.post("/hours/", data={"entry": [e.id for e in entries], "action": "reject",
                                            "reason": "Not on the timesheet"})
    assert response.status_code == 302
    assert {_status(db, e) for e in entries} == {HoursStatus.REJECTED}
    assert db.session.get(HoursEntry, entries[0].id).rejection_reason == "Not on the timesheet"


def test_bulk_errors_are_shown_beside_their_rows_and_the_rest_is_done(coordinator, db):
    client, _ = coordinator
    p = _placement()
    fine = _submitted(p, 1)
    over_a = _submitted(p, 2, "20")
    over_b = _submitted(p, 2, "20")  # together over 24 h: only the first can be approved
    response = client.post("/hours/", data={"entry": [fine.id, over_a.id, over_b.id],
                                            "action": "approve"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _status(db, fine) is HoursStatus.APPROVED
    assert _status(db, over_a) is HoursStatus.APPROVED
    assert _status(db, over_b) is HoursStatus.SUBMITTED
    row = re.search(rf'<tr id="entry-{over_b.id}".*?</tr>', html, re.S).group(0)
    assert "At most 24 hours per day" in row and "table-danger" in row
    assert "2 entries approved." in html


def test_nothing_selected_is_a_message_not_an_error_page(coordinator, db):
    client, _ = coordinator
    _submitted(_placement(), 1)
    response = client.post("/hours/", data={"action": "approve"})
    assert response.status_code == 422
    assert "Select at least one entry." in response.get_data(as_text=True)
    response = client.post("/hours/", data={"entry": ["x", "999999"], "action": "approve"})
    assert response.status_code == 422


def test_single_review(coordinator, db):
    client, _ = coordinator
    p = _placement()
    a, b = _submitted(p, 1), _submitted(p, 2)
    assert client.post(f"/hours/{a.id}/review", data={"action": "approve"}).status_code == 302
    assert _status(db, a) is HoursStatus.APPROVED
    # a row's own reason field is used
    response = client.post(f"/hours/{b.id}/review",
                           data={"action": "reject", f"reason-{b.id}": "Duplicate of another"})
    assert response.status_code == 302
    entry = db.session.get(HoursEntry, b.id)
    assert entry.status is HoursStatus.REJECTED and entry.rejection_reason == "Duplicate of another"
    assert client.post("/hours/999999/review", data={"action": "approve"}).status_code == 404


def test_single_review_errors_show_beside_the_row(coordinator, db):
    client, _ = coordinator
    p = _placement()
    entry = _submitted(p, 1)
    response = client.post(f"/hours/{entry.id}/review?status=submitted",
                           data={"action": "reject", f"reason-{entry.id}": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    row = re.search(rf'<tr id="entry-{entry.id}".*?</tr>', html, re.S).group(0)
    assert "Give a reason for the rejection." in row
    # reviewing twice: the second is refused with a message
    client.post(f"/hours/{entry.id}/review", data={"action": "approve"})
    response = client.post(f"/hours/{entry.id}/review?status=all", data={"action": "approve"})
    assert response.status_code == 422
    assert "already reviewed" in response.get_data(as_text=True)


def test_queue_query_count_does_not_grow_with_rows(coordinator, db, app):
    client, _ = coordinator
    _submitted(_placement(), 1)
    with queries_sent() as few:
        assert client.get("/hours/").status_code == 200
    for _ in range(6):
        p = _placement()
        for d in (1, 2, 3):
            _submitted(p, d)
    with queries_sent() as many:
        assert client.get("/hours/").status_code == 200
    assert len(many) == len(few), many


def _summary(html):
    return re.sub(r"\s+", " ", html.split('id="queue-summary">', 1)[1].split("</p>", 1)[0]).strip()


def _page_links(html):
    return [int(n) for n in re.findall(r'href="/hours/\?[^"]*page=(\d+)', html)]


def test_queue_count_stops_at_the_limit_and_the_pager_has_no_last_page(coordinator, db, app):
    """docs/architecture.md §6.25: past LIST_COUNT_LIMIT the queue says "more than" and links
    forward page by page; the page asked for is always counted, and the end is exact."""
    app.config.update(PAGE_SIZE=2, LIST_COUNT_LIMIT=5)
    client, _ = coordinator
    p = _placement()
    for d in range(12):
        _submitted(p, 12 - d, activity=f"Task {d:02d}")

    first = client.get("/hours/").get_data(as_text=True)
    assert _summary(first) == "Entries 1–2 of more than 5"
    assert "Task 00" in first and "Task 01" in first and "Task 02" not in first
    assert _page_links(first) == [2, 3, 2]  # the window around page 1, no last page; Next
    assert 'rel="next"' in first and 'rel="prev"' not in first
    # a page past the limit is counted up to itself, and has a next page
    fifth = client.get("/hours/?page=5").get_data(as_text=True)
    assert _summary(fifth) == "Entries 9–10 of more than 10"
    assert "Task 08" in fifth and "Task 09" in fifth
    assert 6 in _page_links(fifth)
    # the last page is exact
    last = client.get("/hours/?page=6").get_data(as_text=True)
    assert _summary(last) == "Entries 11–12 of 12"
    assert max(_page_links(last)) == 5
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get("/hours/?page=40").get_data(as_text=True).count("Task 11") == 1
    # under the limit, the count is exact as before
    app.config["LIST_COUNT_LIMIT"] = 12
    assert _summary(client.get("/hours/").get_data(as_text=True)) == "Entries 1–2 of 12"
    app.config["LIST_COUNT_LIMIT"] = 5
    french = client.get("/hours/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert _summary(french) == "Saisies 1–2 sur plus de 5"
    arabic = client.get("/hours/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "أكثر من 5" in _summary(arabic)


def test_a_refused_review_of_an_entry_not_on_the_page_shown_says_why(coordinator, db, app):
    """The queue moved since the page was drawn (or the URL names another page): the entry's
    message shows above the list, since no row of it is drawn."""
    app.config["PAGE_SIZE"] = 2
    client, _ = coordinator
    p = _placement()
    entries = [_submitted(p, 10 - d, activity=f"Task {d}") for d in range(5)]
    db.session.commit()
    response = client.post(f"/hours/{entries[0].id}/review?page=3",
                           data={"action": "reject", f"reason-{entries[0].id}": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Task 4" in html and "Task 0" not in html  # page 3 is drawn, without the entry
    assert re.search(r'role="alert"[^>]*>\s*Give a reason', html), html
    assert _status(db, entries[0]) is HoursStatus.SUBMITTED


def test_queue_filters_by_the_hosts_answer_and_tells_of_queried_entries_it_hides(coordinator,
                                                                                 db):
    client, _ = coordinator
    p = _placement()
    other = _placement()
    queried = _submitted(p, 1, activity="Task queried", host_query="Was she there?")
    confirmed = _submitted(p, 2, activity="Task confirmed",
                           host_confirmed_at=datetime.now(UTC))
    plain = _submitted(p, 3, activity="Task plain")
    approved = factories.hours(p, D - timedelta(days=4), activity="Task approved queried",
                               host_query="Only two hours")
    db.session.commit()

    def shown(query):
        html = client.get("/hours/?" + query).get_data(as_text=True)
        ids = {int(i) for i in re.findall(r'<tr id="entry-(\d+)"', html)}
        hidden = re.search(r'id="queried-elsewhere">\s*(\d+) ', html)
        return ids, int(hidden.group(1)) if hidden else 0

    assert shown("") == ({queried.id, confirmed.id, plain.id}, 1)
    assert shown("host=queried") == ({queried.id}, 1)
    assert shown("status=all&host=queried") == ({queried.id, approved.id}, 0)
    assert shown("status=approved") == ({approved.id}, 1)
    assert shown("host=confirmed") == ({confirmed.id}, 0)
    assert shown("status=all") == ({queried.id, confirmed.id, plain.id, approved.id}, 0)
    # the notice counts within the other filters only
    assert shown(f"project={other.project_id}") == (set(), 0)
    html = client.get("/hours/?host=queried").get_data(as_text=True)
    assert '<option value="queried" selected>Queried</option>' in html
    assert unlabelled_controls(html) == []


@pytest.mark.parametrize("query", ["", "?host=queried", "?status=all&host=queried"])
def test_queue_query_count_does_not_grow_with_queried_rows(coordinator, db, query):
    client, _ = coordinator
    p = _placement()
    _submitted(p, 1, host_query="Check")
    factories.hours(p, D - timedelta(days=2), host_query="Check")
    with queries_sent() as few:
        assert client.get("/hours/" + query).status_code == 200
    for _ in range(5):
        p = _placement()
        for d in (1, 2):
            _submitted(p, d, host_query="Check")
        factories.hours(p, D - timedelta(days=3), host_query="Check")
        factories.hours(p, D - timedelta(days=4), host_confirmed_at=datetime.now(UTC))
    with queries_sent() as many:
        assert client.get("/hours/" + query).status_code == 200
    assert len(many) == len(few), many


# --- sorting the queue ---------------------------------------------------------------------------


def _rows(html):
    """Ids of the queue's rows, in the order shown."""
    return [int(i) for i in re.findall(r'<tr id="entry-(\d+)"', html)]


def _sortable_queue():
    """Three submitted entries whose order differs by every sort key (ascending):
    date p q r, volunteer q r p, project r p q, hours p r q."""
    rows = {}
    for key, name, title, days_ago, amount in (
        ("p", "Zoé Martin", "Bustan garden", 6, "2"),
        ("q", "anna Weiß", "Zaytoun school", 4, "7"),
        ("r", "Élodie Brun", "Atlas centre", 2, "5"),
    ):
        start, end = D - timedelta(days=20), D + timedelta(days=20)
        project = factories.project(title=title, start_date=start, end_date=end)
        placement = factories.placement(volunteer_=factories.volunteer(full_name=name),
                                        project_=project, start_date=start, end_date=end)
        rows[key] = _submitted(placement, days_ago, amount).id
    return rows


@pytest.mark.parametrize(("sort", "ascending"), [
    ("date", "pqr"),
    ("volunteer", "qrp"),  # by search key: accents and case ignored (anna, Élodie, Zoé)
    ("project", "rpq"),
    ("hours", "prq"),
])
def test_queue_sorts_by_each_column_both_ways(coordinator, db, sort, ascending):
    client, _ = coordinator
    rows = _sortable_queue()

    def shown(**args):
        response = client.get("/hours/", query_string=args)
        assert response.status_code == 200
        return _rows(response.get_data(as_text=True))

    assert shown() == [rows[k] for k in "pqr"]  # the default: oldest date first
    assert shown(sort=sort) == [rows[k] for k in ascending]
    assert shown(sort=sort, dir="asc") == [rows[k] for k in ascending]
    assert shown(sort=sort, dir="desc") == [rows[k] for k in reversed(ascending)]
    html = client.get("/hours/", query_string={"sort": sort, "dir": "desc"}).get_data(
        as_text=True)
    # the active header says so and its link reverses the direction
    header = re.search(r'<th [^>]*aria-sort="descending">\s*<a [^>]*href="([^"]*)"', html)
    assert header and f"sort={sort}" in header.group(1) and "dir=asc" in header.group(1)
    assert unlabelled_controls(html) == []


def test_queue_sorts_names_in_the_rendered_page(coordinator, db):
    client, _ = coordinator
    _sortable_queue()

    def order(**args):
        html = client.get("/hours/", query_string=args).get_data(as_text=True)
        return sorted(("Zoé Martin", "anna Weiß", "Élodie Brun"), key=html.index)

    assert order() == ["Zoé Martin", "anna Weiß", "Élodie Brun"]
    assert order(sort="volunteer") == ["anna Weiß", "Élodie Brun", "Zoé Martin"]
    assert order(sort="volunteer", dir="desc") == ["Zoé Martin", "Élodie Brun", "anna Weiß"]


def test_queue_sorts_by_status_in_review_order_when_it_shows_several(coordinator, db):
    client, _ = coordinator
    p = _placement()
    rejected = factories.hours(p, D - timedelta(days=5), status=HoursStatus.REJECTED).id
    approved = factories.hours(p, D - timedelta(days=4)).id
    submitted = _submitted(p, 3).id
    logged_late = _submitted(p, 6).id  # an older date than its id says: same status, by date
    db.session.commit()

    def shown(**args):
        return _rows(client.get("/hours/", query_string={"status": "all", **args}
                                ).get_data(as_text=True))

    assert shown() == [logged_late, rejected, approved, submitted]
    assert shown(sort="status") == [logged_late, submitted, approved, rejected]
    assert shown(sort="status", dir="desc") == [rejected, approved, submitted, logged_late]
    # the Review column sorts only when the queue shows more than one status
    assert "sort=status" in client.get("/hours/?status=all").get_data(as_text=True)
    assert "sort=status" not in client.get("/hours/").get_data(as_text=True)


@pytest.mark.parametrize("args", [
    {"sort": "password_hash"}, {"sort": "volunteer; DROP TABLE hours_entries"},
    {"sort": "activity"}, {"sort": ""}, {"sort": "date", "dir": "sideways"},
    {"dir": "up"}, {"sort": "id"},
])
def test_queue_unknown_sort_keys_fall_back_to_the_default_order(coordinator, db, args):
    client, _ = coordinator
    rows = _sortable_queue()
    response = client.get("/hours/", query_string=args)
    assert response.status_code == 200
    assert _rows(response.get_data(as_text=True)) == [rows[k] for k in "pqr"]


def test_sort_links_keep_the_filters_and_filters_pages_and_reviews_keep_the_sort(coordinator,
                                                                                 db, app):
    app.config["PAGE_SIZE"] = 1
    client, _ = coordinator
    rows = _sortable_queue()
    other = _submitted(_placement(volunteer_=factories.volunteer(full_name="Omar Filtered")), 1)
    since = (D - timedelta(days=5)).isoformat()
    # "n" is in the three names, not in Omar's; the dates leave q and r
    html = client.get(f"/hours/?volunteer=n&date_from={since}&status=submitted&page=2"
                      ).get_data(as_text=True)
    assert _rows(html) == [rows["r"]]
    link = re.search(r'<a class="sort-link" href="([^"]*sort=hours[^"]*)"', html).group(1)
    link = link.replace("&amp;", "&")
    # the sort link keeps every filter and goes back to the first page
    for kept in ("volunteer=n", f"date_from={since}", "status=submitted", "sort=hours",
                 "dir=asc"):
        assert kept in link
    assert "page=" not in link
    html = client.get(link).get_data(as_text=True)
    assert _rows(html) == [rows["r"]]  # 5 h before q's 7 h; by date q would come first
    # the page links, the filter form and "Clear filters" keep the sort
    page_link = re.search(r'class="page-link" href="([^"]*page=2[^"]*)"', html).group(1)
    page_link = page_link.replace("&amp;", "&")
    assert "sort=hours" in page_link and "volunteer=n" in page_link
    assert _rows(client.get(page_link).get_data(as_text=True)) == [rows["q"]]
    filter_form = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="sort" value="hours">' in filter_form
    assert '<input type="hidden" name="dir" value="asc">' in filter_form
    clear = re.search(r'href="([^"]*)" class="small">Clear filters', html).group(1)
    assert clear.replace("&amp;", "&") == "/hours/?sort=hours&dir=asc"
    assert other.id not in _rows(html)
    # reviewing an entry comes back to the same order
    response = client.post(f"/hours/{rows['p']}/review?sort=hours&dir=desc&volunteer=n",
                           data={"action": "approve"})
    assert response.status_code == 302
    assert "sort=hours" in response.location and "dir=desc" in response.location
    # after a refused review (shown at the review's own URL) the headers still lead to the queue
    response = client.post(f"/hours/{rows['r']}/review?sort=hours&dir=desc",
                           data={"action": "reject"})
    assert response.status_code == 422
    links = re.findall(r'<a class="sort-link[^"]*" href="([^"]*)"',
                       response.get_data(as_text=True))
    assert links and all(link.startswith("/hours/?") for link in links)


@pytest.mark.parametrize("sort", ["volunteer", "project", "hours", "status"])
def test_sorting_the_queue_sends_as_many_statements_as_the_default(coordinator, db, sort):
    client, _ = coordinator

    def queries_for(query):
        with queries_sent() as queries:
            assert client.get("/hours/" + query).status_code == 200
        return queries

    _sortable_queue()
    default = len(queries_for("?status=all"))
    assert len(queries_for(f"?status=all&sort={sort}")) == default
    assert len(queries_for(f"?status=all&sort={sort}&dir=desc")) == default
    for _ in range(4):
        p = _placement()
        _submitted(p, 1)
        factories.hours(p, D - timedelta(days=2))
    assert len(queries_for(f"?status=all&sort={sort}")) == default


# --- logging for a placement ---------------------------------------------------------------------


def test_coordinator_logs_hours_approved_at_once(coordinator, db):
    client, user = coordinator
    p = _placement()
    page = client.get(f"/hours/placement/{p.id}/log")
    assert page.status_code == 200
    assert unlabelled_controls(page.get_data(as_text=True)) == []
    response = client.post(f"/hours/placement/{p.id}/log", data={
        "work_date": (D - timedelta(days=1)).isoformat(), "hours": "3,5", "activity": "Painting"})
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(HoursEntry))
    assert entry.hours == Decimal("3.50") and entry.status is HoursStatus.APPROVED
    assert entry.submitted_by_id == user.id


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"hours": "-2"}, "hours", "more than zero"),
        ({"hours": "30"}, "hours", "cannot exceed 24"),
        ({"hours": "lots"}, "hours", "as a number"),
        ({"work_date": "tomorrow"}, "work_date", "Not a valid date"),
        ({"work_date": (D + timedelta(days=1)).isoformat()}, "work_date", "future"),
        ({"work_date": (D - timedelta(days=40)).isoformat()}, "work_date", "within the placement"),
        ({"activity": "   "}, "activity", "Describe the activity"),
    ],
)
def test_log_errors_sit_beside_the_field_and_typed_values_are_kept(coordinator, db, data, field,
                                                                   message):
    client, _ = coordinator
    p = _placement()
    values = {"work_date": (D - timedelta(days=1)).isoformat(), "hours": "4",
              "activity": "Workshop with pupils", **data}
    response = client.post(f"/hours/placement/{p.id}/log", data=values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert error and message in error.group(1)
    for name in ("hours", "activity"):
        if values[name].strip():
            assert values[name] in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HoursEntry)) == 0


def test_a_bad_amount_and_a_missing_activity_are_named_together(coordinator, db):
    client, _ = coordinator
    p = _placement()
    response = client.post(f"/hours/placement/{p.id}/log", data={
        "work_date": (D - timedelta(days=1)).isoformat(), "hours": "25", "activity": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    hours = re.search(r'id="hours-error"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    activity = re.search(r'id="activity-error"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert hours and "cannot exceed 24" in hours.group(1)
    assert activity and "Describe the activity" in activity.group(1)
    assert 'value="25"' in html


def test_log_over_24_hours_a_day_is_refused(coordinator, db):
    client, _ = coordinator
    p = _placement()
    day = D - timedelta(days=1)
    _submitted(p, 1, "20")
    response = client.post(f"/hours/placement/{p.id}/log",
                           data={"work_date": day.isoformat(), "hours": "5", "activity": "More"})
    assert response.status_code == 422
    assert "at most 4 more" in response.get_data(as_text=True)


def test_log_for_a_proposed_placement_is_refused_and_unknown_is_404(coordinator, db):
    client, _ = coordinator
    p = _placement(status=PlacementStatus.PROPOSED)
    response = client.post(f"/hours/placement/{p.id}/log", data={
        "work_date": (D - timedelta(days=1)).isoformat(), "hours": "4", "activity": "X"})
    assert response.status_code == 422
    assert "active or completed" in response.get_data(as_text=True)
    assert client.get("/hours/placement/999999/log").status_code == 404


# --- the placement partial ------------------------------------------------------------------------


def test_placement_partial_shows_entries_and_approved_total(app, db, coordinator):
    client, _ = coordinator
    p = _placement()
    factories.hours(p, D - timedelta(days=1), "3.5", activity="Approved work")
    factories.hours(p, D - timedelta(days=2), "2", activity="Also approved")
    _submitted(p, 3, "6", activity="Pending work")
    factories.hours(p, D - timedelta(days=4), "7", HoursStatus.REJECTED, activity="Refused work")
    db.session.commit()
    html = client.get(f"/placements/{p.id}").get_data(as_text=True)
    assert "Approved work" in html and "Pending work" in html and "Refused work" in html
    approved = re.search(r'data-total="approved"><bdi>(.*?)<', html).group(1)
    submitted = re.search(r'data-total="submitted"><bdi>(.*?)<', html).group(1)
    assert approved == "5.5 h" and submitted == "6 h"


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["volunteer", "sending", "host"])
def test_only_staff_reach_the_hours_pages(as_role, db, role):
    client, _ = as_role(role)
    p = _placement()
    entry = _submitted(p, 1)
    assert client.get("/hours/").status_code == 403
    bulk = {"entry": [entry.id], "action": "approve"}
    assert client.post("/hours/", data=bulk).status_code == 403
    assert client.post(f"/hours/{entry.id}/review", data={"action": "approve"}).status_code == 403
    assert client.get(f"/hours/placement/{p.id}/log").status_code == 403
    assert _status(db, entry) is HoursStatus.SUBMITTED


def test_filter_options_are_escaped_and_keep_the_choice(coordinator, db):
    client, _ = coordinator
    p = _placement()
    p.project.title = '<script>alert("x")</script> & co'
    db.session.flush()
    html = client.get(f"/hours/?project={p.project_id}&status=approved").get_data(as_text=True)
    assert "<script>alert" not in html
    assert (f'<option value="{p.project_id}" selected>\u2068&lt;script&gt;alert(&#34;x&#34;)'
            "&lt;/script&gt; &amp; co\u2069 · ") in html
    assert '<option value="approved" selected>Approved</option>' in html


def test_a_reversed_date_range_is_named_beside_its_end_and_the_rest_still_applies(coordinator,
                                                                               db):
    """The review queue used to show an empty list without a word; like every filter bar, it
    now says so beside "To" and ignores only that end of the range."""
    client, _ = coordinator
    placement = factories.placement(start_date=D - timedelta(days=30), end_date=D)
    factories.hours(placement, D - timedelta(days=3), status=HoursStatus.SUBMITTED)
    db.session.commit()
    start, end = (D - timedelta(days=5)).isoformat(), (D - timedelta(days=20)).isoformat()
    html = client.get(f"/hours/?date_from={start}&date_to={end}").get_data(as_text=True)
    assert re.search(r'id="date_to-error"[^>]*>\s*<div>The end of the range is before its '
                     r'start\.</div>', html)
    assert "Painting" in html  # the entry from day -3 is listed: the rest still applies


def test_bulk_approval_leaves_entries_queried_by_the_host_for_review_one_by_one(coordinator,
                                                                                  db):
    client, _ = coordinator
    p = _placement()
    plain = _submitted(p, 1)
    queried = _submitted(p, 2, host_query="She left at noon")
    response = client.post("/hours/", data={"entry": [plain.id, queried.id],
                                            "action": "approve"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _status(db, plain) is HoursStatus.APPROVED
    assert _status(db, queried) is HoursStatus.SUBMITTED
    row = re.search(rf'<tr id="entry-{queried.id}".*?</tr>', html, re.S).group(0)
    assert "The host queried these hours" in row and "She left at noon" in row
    # on its own, after reading the query, it can be approved (or rejected in bulk)
    assert client.post(f"/hours/{queried.id}/review",
                       data={"action": "approve"}).status_code == 302
    assert _status(db, queried) is HoursStatus.APPROVED
