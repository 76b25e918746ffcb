"""A form sent twice (double click, resend after a slow answer) saves once: the second
sending finds its one-time token used and goes to what the first one saved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from aljisr.dates import association_today
from aljisr.hours.models import HoursEntry
from aljisr.organisations.models import Organisation
from aljisr.placements.models import Placement
from aljisr.projects.models import Project
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer
from tests.support import factories


def _token(html: str) -> str:
    found = re.search(r'name="once" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="once" value="([^"]+)"', html) or re.search(
        r'id="once" name="once" type="hidden" value="([^"]+)"', html)
    assert found, "no one-time token in the form"
    return found.group(1)


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _send_twice(client, url: str, data: dict) -> tuple:
    token = _token(client.get(url).get_data(as_text=True))
    first = client.post(url, data={**data, "once": token})
    second = client.post(url, data={**data, "once": token})
    return first, second


def _cases():
    return {
        "organisation": ("/organisations/new", Organisation,
                         lambda: {"name": "Pont des jeunes", "kind": "sending", "country": "FR"}),
        "site": ("/sites/new", Site,
                 lambda: {"name": "École Anwal", "kind": "primary_school",
                          "organisation_id": "", "city": "Tanger"}),
        "project": ("/projects/new", Project,
                    lambda: {"title": "Peinture", "site_id": str(factories.site().id),
                             "theme": "construction", "start_date": "2026-09-01",
                             "end_date": "2026-09-30", "capacity": "5", "status": "open"}),
        "volunteer": ("/volunteers/new", Volunteer,
                      lambda: {"full_name": "Zoé Double", "email": "zoe@example.org",
                               "nationality": "FR", "status": "active",
                               "consent_date": "2026-01-10"}),
    }


@pytest.mark.parametrize("kind", sorted(_cases()))
def test_a_register_form_sent_twice_creates_one_record(as_role, db, kind):
    client, _ = as_role("coordinator")
    url, model, data = _cases()[kind]
    values = data()
    db.session.commit()
    before = _count(db, model)
    first, second = _send_twice(client, url, values)
    assert first.status_code == 302, first.get_data(as_text=True)[:3000]
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]  # to the first's record
    assert _count(db, model) == before + 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "This form had already been sent: it was saved once, here." in page


def test_a_placement_proposed_twice_is_one_placement(as_role, db):
    client, _ = as_role("coordinator")
    volunteer = factories.volunteer()
    project = factories.project(start_date=association_today() + timedelta(days=10),
                                end_date=association_today() + timedelta(days=40))
    db.session.commit()
    first, second = _send_twice(client, "/placements/new", {
        "volunteer": str(volunteer.id), "project": str(project.id),
        "start_date": project.start_date.isoformat(), "end_date": project.end_date.isoformat()})
    assert first.status_code == 302 and second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(db, Placement) == 1


def test_a_testimonial_sent_twice_is_one_testimonial(app, db):
    """The second sending goes where the first went, without a refusal of a second
    testimonial on the same placement."""
    from aljisr.permissions import Role
    from aljisr.placements.models import PlacementStatus
    from aljisr.testimonials import models as testimonials
    from tests.support.clients import login_client

    user = factories.user(Role.VOLUNTEER, email="lea@example.org")
    done = factories.placement(
        factories.volunteer(full_name="Léa Fontaine", email="lea@example.org", user=user),
        status=PlacementStatus.COMPLETED)
    db.session.commit()
    first, second = _send_twice(login_client(app, user), "/me/testimonials", {
        "placement": done.id, "language": "fr", "signature": "first_name_country",
        "body": "Nous avons repeint quatre classes avec les élèves."})
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert _count(db, testimonials.Testimonial) == 1


def test_hours_logged_twice_are_one_entry(as_role, db):
    client, _ = as_role("coordinator")
    placement = factories.placement(
        project_=factories.project(start_date=association_today() - timedelta(days=5),
                                   end_date=association_today() + timedelta(days=5)))
    db.session.commit()
    first, second = _send_twice(client, f"/hours/placement/{placement.id}/log", {
        "work_date": association_today().isoformat(), "hours": "3", "activity": "Painting"})
    assert first.status_code == 302 and second.status_code == 302
    assert _count(db, HoursEntry) == 1


def test_a_refused_form_may_be_sent_again_with_its_token(as_role, db):
    """The first sending was refused (nothing saved): its token is free again."""
    client, _ = as_role("coordinator")
    url = "/organisations/new"
    token = _token(client.get(url).get_data(as_text=True))
    refused = client.post(url, data={"name": "", "kind": "sending", "once": token})
    assert refused.status_code == 422
    assert f'value="{token}"' in refused.get_data(as_text=True)  # kept in the form shown again
    saved = client.post(url, data={"name": "Pont", "kind": "sending", "once": token})
    assert saved.status_code == 302
    assert _count(db, Organisation) == 1


def test_each_showing_of_a_form_has_its_own_token(as_role, db):
    client, _ = as_role("coordinator")
    one = _token(client.get("/organisations/new").get_data(as_text=True))
    two = _token(client.get("/organisations/new").get_data(as_text=True))
    assert one != two and len(one) >= 32


def test_a_double_click_while_the_first_is_saving_creates_one_record(app, db, monkeypatch):
    """Both requests of a double click arrive before the first has committed: the second waits
    on the token's key (PostgreSQL's unique index, SQLite's write lock), then finds it used.
    The create service is slowed down so that both requests are in flight together."""
    import threading
    import time

    from aljisr.organisations import services
    from tests.support.clients import login_client

    real = services.create_organisation

    def slow(*args, **kwargs):
        created = real(*args, **kwargs)
        time.sleep(0.4)
        return created

    monkeypatch.setattr(services, "create_organisation", slow)
    coordinator = factories.user()
    db.session.commit()
    clients = [login_client(app, coordinator) for _ in range(2)]
    token = _token(clients[0].get("/organisations/new").get_data(as_text=True))
    data = {"name": "Pont des jeunes", "kind": "sending", "country": "FR", "once": token}
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def send(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            response = clients[index].post("/organisations/new", data=data)
            results[index] = (response.status_code, response.headers.get("Location"))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = error

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _location in results] == [302, 302], results
    assert results[0][1] == results[1][1]
    assert _count(db, Organisation) == 1


def test_a_volunteer_list_uploaded_twice_is_one_import(as_role, db):
    """A double click on "Read the file" starts one import, not two drafts."""
    import io

    from aljisr.imports.models import ImportBatch

    client, _ = as_role("coordinator")
    token = _token(client.get("/imports/").get_data(as_text=True))

    def send():
        data = {"once": token, "organisation_id": "",
                "file": (io.BytesIO(b"Full name,E-mail\nZo\xc3\xa9 Double,zoe@example.org\n"),
                         "list.csv")}
        return client.post("/imports/", data=data, content_type="multipart/form-data")

    first, second = send(), send()
    assert first.status_code == 302 and second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(db, ImportBatch) == 1
