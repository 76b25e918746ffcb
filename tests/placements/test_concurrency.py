"""Two coordinators racing for the last place (docs/architecture.md §2.3): exactly one placement
is made, the other request gets the message (status 422, never 500). Real threads, real database
(SQLite: ``BEGIN IMMEDIATE`` on POST; PostgreSQL: ``SELECT ... FOR UPDATE`` on the project).

The capacity count is slowed down so that, without the lock, both requests would count the
same free place before either writes: the test fails if the lock is removed.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.placements import services
from aljisr.placements.models import Placement
from tests.support import factories
from tests.support.clients import login_client

PAUSE_AFTER_COUNT = 0.4  # seconds: a window in which an unlocked rival would count too


@pytest.fixture
def slow_count(monkeypatch):
    real = services.peak_occupancy

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(PAUSE_AFTER_COUNT)
        return result

    monkeypatch.setattr(services, "peak_occupancy", slow)


def race(app, user, forms):
    """POST each form to /placements/new from its own thread and client, all at once."""
    barrier = threading.Barrier(len(forms))
    results: list[tuple[int, str] | BaseException] = [None] * len(forms)  # type: ignore[list-item]

    clients = [login_client(app, user) for _ in forms]

    def run(index: int, data: dict) -> None:
        client = clients[index]
        try:
            barrier.wait(timeout=10)
            response = client.post("/placements/new", data=data)
            results[index] = (response.status_code, response.get_data(as_text=True))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not t.is_alive() for t in threads)
    assert not [r for r in results if isinstance(r, BaseException)], results
    return results


def form(volunteer, project, start, end):
    return {
        "volunteer": str(volunteer.id),
        "project": str(project.id),
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
    }


def test_two_coordinators_race_for_the_last_place(app, db, slow_count):
    coordinator = factories.user()
    project = factories.project(capacity=2, start_date=date(2026, 9, 1), end_date=date(2026, 9, 30))
    factories.placement(project_=project, start_date=date(2026, 9, 1), end_date=date(2026, 9, 30))
    first, second = factories.volunteer(), factories.volunteer()
    db.session.commit()

    results = race(
        app,
        coordinator,
        [
            form(first, project, date(2026, 9, 10), date(2026, 9, 20)),
            form(second, project, date(2026, 9, 15), date(2026, 9, 25)),
        ],
    )

    statuses = sorted(code for code, _ in results)
    assert statuses == [302, 422], statuses
    refused = next(body for code, body in results if code == 422)
    assert "The project is full on" in refused
    assert "Propose a placement" in refused  # the form again, with what was typed
    db.session.rollback()  # end the test's own snapshot (SQLite keeps it for the transaction)
    made = db.session.scalar(
        sa.select(sa.func.count(Placement.id)).where(
            Placement.project_id == project.id,
            Placement.volunteer_id.in_([first.id, second.id]),
        )
    )
    assert made == 1


def test_one_volunteer_proposed_twice_at_once(app, db, slow_count):
    """The volunteer row is locked too: two overlapping proposals cannot both pass."""
    coordinator = factories.user()
    volunteer = factories.volunteer()
    a = factories.project(start_date=date(2026, 9, 1), end_date=date(2026, 9, 30))
    b = factories.project(start_date=date(2026, 9, 1), end_date=date(2026, 10, 31))
    db.session.commit()

    results = race(
        app,
        coordinator,
        [
            form(volunteer, a, date(2026, 9, 1), date(2026, 9, 30)),
            form(volunteer, b, date(2026, 9, 30), date(2026, 10, 15)),
        ],
    )

    assert sorted(code for code, _ in results) == [302, 422]
    refused = next(body for code, body in results if code == 422)
    assert "already placed" in refused
    db.session.rollback()  # end the test's own snapshot (SQLite keeps it for the transaction)
    count = db.session.scalar(
        sa.select(sa.func.count(Placement.id)).where(Placement.volunteer_id == volunteer.id)
    )
    assert count == 1
