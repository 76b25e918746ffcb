"""Testimonials (issue 15, item 4): a volunteer writes one about a completed placement, signed as
they choose; a coordinator publishes or declines it; it shows on the public site marked with
its language; the volunteer withdraws it at any time; anonymising the volunteer removes it."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from aljisr.testimonials import models
from aljisr.volunteers.services import anonymise_volunteer
from tests.support import factories
from tests.support.a11y import unlabelled_controls
from tests.support.clients import login_client

WORDS = ("Nous avons repeint quatre classes avec les élèves.\r\n\r\n"
         "Je   reviendrai l'an prochain.")


class World:
    """A volunteer (Léa, with a login) with a completed and a current placement, another
    volunteer's completed placement, and a coordinator."""

    def __init__(self, app, db):
        self.app = app
        site = factories.site(name="Anwal primary school")
        past = factories.project(site, title="Murals at Anwal", start_date=date(2025, 3, 3),
                                 end_date=date(2025, 5, 30))
        now = factories.project(site, title="Roof at Anwal", start_date=date(2026, 9, 1),
                                end_date=date(2027, 3, 1))
        user = factories.user(Role.VOLUNTEER, email="lea@example.org")
        self.volunteer = factories.volunteer(full_name="Léa Fontaine", nationality="FR",
                                             email="lea@example.org", user=user)
        self.done = factories.placement(self.volunteer, past, status=PlacementStatus.COMPLETED)
        self.current = factories.placement(self.volunteer, now, status=PlacementStatus.ACTIVE)
        other = factories.volunteer(full_name="Other Person")
        self.foreign = factories.placement(other, past, status=PlacementStatus.COMPLETED,
                                           start_date=date(2025, 4, 1))
        self.project = past
        self.coordinator = factories.user(Role.COORDINATOR)
        db.session.commit()
        self.me = login_client(app, user)
        self.staff = login_client(app, self.coordinator)

    def write(self, **changes):
        data = {"placement": self.done.id, "language": "fr", "body": WORDS,
                "signature": "first_name_country", **changes}
        return self.me.post("/me/testimonials", data=data)


@pytest.fixture
def world(app, db):
    return World(app, db)


def only(db):
    return db.session.scalars(sa.select(models.Testimonial)).one()


def actions(db):
    return [e.action for e in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject_type == "testimonials")
        .order_by(AuditEvent.id))]


def test_written_reviewed_published_shown_then_withdrawn(world, db, client):
    page = world.me.get("/me/testimonials").get_data(as_text=True)
    assert unlabelled_controls(page) == []
    assert "Murals at Anwal" in page and "Roof at Anwal" not in page  # completed ones only

    response = world.write()
    assert response.status_code == 302
    testimonial = only(db)
    assert testimonial.status is models.TestimonialStatus.SUBMITTED
    assert testimonial.body == ("Nous avons repeint quatre classes avec les élèves.\n\n"
                                "Je reviendrai l'an prochain.")
    assert testimonial.language == "fr" and testimonial.project_id == world.project.id
    assert "quatre classes" not in client.get("/?lang=en").get_data(as_text=True)

    queue = world.staff.get("/testimonials/").get_data(as_text=True)
    assert "Léa Fontaine" in queue and "quatre classes" in queue
    assert world.staff.post(f"/testimonials/{testimonial.id}/publish").status_code == 302
    db.session.expire_all()
    assert only(db).status is models.TestimonialStatus.PUBLISHED

    for url in ("/?lang=en", f"/volunteer-projects/{world.project.id}?lang=ar"):
        html = client.get(url).get_data(as_text=True)
        assert ('<blockquote lang="fr" dir="auto"><p>Nous avons repeint quatre classes avec '
                "les élèves.</p><p>Je reviendrai l&#39;an prochain.</p></blockquote>") in html, url
        assert "<bdi>Léa</bdi>" in html and "Fontaine" not in html
    assert "written in French" in client.get("/?lang=en").get_data(as_text=True)
    assert "مكتوبة باللغة" in client.get("/?lang=ar").get_data(as_text=True)

    assert world.me.post(f"/me/testimonials/{testimonial.id}/withdraw").status_code == 302
    db.session.expire_all()
    withdrawn = only(db)
    assert withdrawn.status is models.TestimonialStatus.WITHDRAWN and withdrawn.body == ""
    assert "quatre classes" not in client.get("/?lang=en").get_data(as_text=True)
    assert actions(db) == ["testimonial.write", "testimonial.publish", "testimonial.withdraw"]
    # once withdrawn, the volunteer may write about the same placement again
    assert world.write(signature="anonymous").status_code == 302


@pytest.mark.parametrize(("signature", "shown", "hidden"), [
    ("full_name", "<bdi>Léa Fontaine</bdi>", "France"),
    ("first_name_country", "<bdi>Léa</bdi>, France", "Fontaine"),
    ("anonymous", "— a volunteer", "Léa"),
])
def test_signed_as_the_volunteer_chose(world, db, client, signature, shown, hidden):
    world.write(signature=signature)
    world.staff.post(f"/testimonials/{only(db).id}/publish")
    html = client.get("/?lang=en").get_data(as_text=True)
    figure = html[html.index('<figure class="testimonial">'):html.index("</figure>")]
    assert shown in figure and hidden not in figure


def test_declined_with_a_reason_the_volunteer_reads(world, db, client):
    world.write()
    testimonial = only(db)
    response = world.staff.post(f"/testimonials/{testimonial.id}/decline",
                                data={"reason": "Please leave out the pupils' names."})
    assert response.status_code == 302
    page = world.me.get("/me/testimonials").get_data(as_text=True)
    assert "Declined" in page and "Please leave out the pupils&#39; names." in page
    assert "quatre classes" not in client.get("/?lang=en").get_data(as_text=True)
    # a declined one may be published after all; a published one taken off again
    world.staff.post(f"/testimonials/{testimonial.id}/publish")
    world.staff.post(f"/testimonials/{testimonial.id}/decline", data={"reason": "Retired."})
    db.session.expire_all()
    assert only(db).status is models.TestimonialStatus.DECLINED
    assert only(db).decline_reason == "Retired."
    assert actions(db)[-1] == "testimonial.decline"


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_without_a_reason_is_refused_beside_the_field(world, db, reason):
    world.write()
    testimonial = only(db)
    response = world.staff.post(f"/testimonials/{testimonial.id}/decline",
                                data={"reason": reason})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="reason-{testimonial.id}-error"' in html
    assert "Say why: the volunteer reads it." in html
    db.session.expire_all()
    assert only(db).status is models.TestimonialStatus.SUBMITTED
    # declined already: not a matter of the reason, said above the queue
    world.staff.post(f"/testimonials/{testimonial.id}/decline", data={"reason": "Names."})
    again = world.staff.post(f"/testimonials/{testimonial.id}/decline",
                             data={"reason": "Names."}, follow_redirects=True)
    assert again.status_code == 200
    assert "Only a testimonial waiting for review or published can be declined." in (
        again.get_data(as_text=True))


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"body": "Too short."}, "body", "Write at least 40 characters."),
    ({"body": "x" * 3001}, "body", "Field cannot be longer than 3000 characters."),
    ({"language": ""}, "language", "Choose the language you wrote it in."),
    ({"placement": ""}, "placement", "Choose the placement."),
])
def test_bad_input_is_named_beside_its_field_and_kept(world, db, changes, field, message):
    response = world.write(**changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html, html[html.find("<main"):][:3000]
    if field != "body":
        assert "quatre classes" in html  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(models.Testimonial)) == 0


def test_refused_on_a_placement_not_completed_and_on_another_volunteers(world, db):
    response = world.write(placement=world.current.id)
    assert response.status_code == 422  # not among the completed placements offered
    # another volunteer's (a tampered form): refused beside the field, the text kept
    foreign = world.write(placement=world.foreign.id)
    assert foreign.status_code == 422
    html = foreign.get_data(as_text=True)
    assert 'id="placement-error"' in html and "quatre classes" in html
    world.write()
    again = world.write()
    assert again.status_code == 422
    assert "You have already written a testimonial about this placement" in again.get_data(
        as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(models.Testimonial)) == 1


def test_a_volunteer_cannot_withdraw_anothers_and_partners_cannot_review(world, db, as_role):
    world.write()
    testimonial = only(db)
    other, _ = as_role("volunteer")
    assert other.post(f"/me/testimonials/{testimonial.id}/withdraw").status_code == 404
    partner, _ = as_role("host")
    assert partner.get("/testimonials/").status_code == 403
    assert partner.post(f"/testimonials/{testimonial.id}/publish").status_code == 403


def test_anonymising_the_volunteer_removes_their_testimonials(world, db, client):
    world.write()
    world.staff.post(f"/testimonials/{only(db).id}/publish")
    assert "quatre classes" in client.get("/?lang=en").get_data(as_text=True)
    world.current.status = PlacementStatus.COMPLETED  # anonymising waits for ongoing ones
    db.session.commit()
    anonymise_volunteer(world.volunteer, actor=world.coordinator, reason="Their request")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(models.Testimonial)) == 0
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "quatre classes" not in html and "Léa" not in html
    assert "quatre classes" not in world.staff.get("/testimonials/?status=all").get_data(
        as_text=True)


def test_the_volunteers_data_export_holds_their_testimonials(world, db):
    world.write()
    exported = world.me.get("/me/export").get_json()
    [entry] = exported["testimonials"]
    assert entry["language"] == "fr" and entry["status"] == "submitted"
    assert entry["text"].startswith("Nous avons repeint quatre classes")


def test_the_queue_counts_by_status(world, db):
    world.write()
    html = world.staff.get("/testimonials/").get_data(as_text=True)
    assert 'Waiting for review <span class="badge text-bg-light">1</span>' in html
    assert unlabelled_controls(html) == []
    assert world.staff.get("/testimonials/?status=nonsense").status_code == 200
