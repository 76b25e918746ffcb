"""The access matrix (issue 5, item 5): every row of ``tests/support/access_matrix.py``'s
table checked for every role, and no endpoint without a row."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from aljisr.hours.models import HoursEntry
from aljisr.volunteers.models import Volunteer
from tests.support.access_matrix import LOGIN, ROLES, ROWS, MatrixWorld, endpoint_of
from tests.support.clients import login_client


def _check(response: Any, expected: Any) -> str | None:
    """None when ``response`` is what the table expects, else a description of the gap."""
    if expected == LOGIN:
        location = response.headers.get("Location", "")
        if response.status_code == 302 and location.startswith("/login"):
            return None
        return f"{response.status_code} {location}".strip()
    if response.status_code == expected:
        return None
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app: Any, world: MatrixWorld, role: str) -> None:
    """Every row of the table, for one role; all differences are reported together."""
    column = ROLES.index(role)
    client = world.client(role)
    failures = []
    for entry in ROWS:
        url = world.fill(entry.url)
        data = {key: world.fill(value) for key, value in entry.data.items()}
        response = client.open(url, method=entry.method, data=data)
        gap = _check(response, entry.expect[column])
        response.close()  # file responses (static, downloads) hold an open file
        if gap is not None:
            failures.append(f"{entry.method} {url} ({endpoint_of(app, entry)}): expected "
                            f"{entry.expect[column]}, got {gap}")
    assert not failures, f"{role}:\n  " + "\n  ".join(failures)


def test_every_endpoint_has_a_row(app: Any) -> None:
    """Every endpoint and method of ``app.url_map`` has at least one row in ``ROWS``, and
    every row's URL reaches an endpoint. There is no exception list."""
    needed = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"})
    }
    covered = {(endpoint_of(app, entry), entry.method) for entry in ROWS}
    missing = sorted(needed - covered)
    assert not missing, (
        "These endpoints have no row in tests/support/access_matrix.py ROWS. Add one per method, "
        "with the status expected for each role (anonymous, volunteer, sending, host, "
        "coordinator, admin), using own and foreign record ids from MatrixWorld.ids:\n  "
        + "\n  ".join(f"{method} {endpoint}" for endpoint, method in missing)
    )


@pytest.mark.own_app
def test_the_completeness_check_can_fail(app: Any) -> None:
    """A new endpoint without a row is reported by name."""

    @app.route("/matrix-probe")
    def matrix_probe() -> str:
        return ""

    with pytest.raises(AssertionError, match="GET matrix_probe"):
        test_every_endpoint_has_a_row(app)


# --- cross-record checks ----------------------------------------------------------------------


def test_volunteer_a_cannot_reach_b_records(world: MatrixWorld, db: Any) -> None:
    """A asking for B's placement, hours entry, certificate or data gets 404 (or nothing)."""
    client = world.client("volunteer")
    ids = world.ids
    assert client.get(f"/me/placements/{ids['placement_b']}").status_code == 404
    assert client.get(f"/me/hours/{ids['entry_b']}").status_code == 404
    assert client.get(f"/certificates/{ids['cert_b']}/download").status_code == 404
    export = client.get("/me/export").get_data(as_text=True)
    assert "Volunteer B" not in export and "b@example.org" not in export
    # B's own export works for B, and holds B only
    b_export = login_client(world.app, world.user_b).get("/me/export").get_json()
    assert b_export["profile"]["full_name"] == "Volunteer B"


def test_hidden_volunteer_id_cannot_change_whose_record_is_written(world: MatrixWorld,
                                                                    db: Any) -> None:
    client = world.client("volunteer")
    ids = world.ids
    response = client.post("/me/hours", data={
        "placement": ids["placement_a"], "work_date": ids["today"], "hours": "1.5",
        "activity": "Reading with pupils", "volunteer_id": ids["volunteer_b"],
        "volunteer": ids["volunteer_b"]})
    assert response.status_code == 302
    entry = db.session.scalars(sa.select(HoursEntry).where(
        HoursEntry.activity == "Reading with pupils")).one()
    assert entry.volunteer_id == ids["volunteer_a"]
    assert entry.placement_id == ids["placement_a"]
    response = client.post("/me/profile", data={
        "phone": "+33 6 12 34 56 78", "volunteer_id": ids["volunteer_b"], "skills": "welding"})
    assert response.status_code == 302
    assert db.session.get(Volunteer, ids["volunteer_a"]).skills == ["welding"]
    b = db.session.get(Volunteer, ids["volunteer_b"])
    assert b.skills == [] and b.phone is None
