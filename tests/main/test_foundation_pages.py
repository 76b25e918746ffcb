"""Health check, error pages, landing pages per role (scoped), language, admin user form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from aljisr.auth.models import User
from aljisr.dates import association_today
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from tests.support import REPOSITORY, factories


def test_healthz_answers_after_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # rate limiting is off in the tests' app (tests/auth/test_rate_limit_storage.py: on)
    assert response.json == {"status": "ok", "database": "ok", "rate_limits": "off"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    from aljisr import create_app

    app = create_app(
        {
            "TESTING": True,
            # nothing listens on port 1: the connection is refused at once
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
    assert int(response.headers["Retry-After"]) > 0


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_public_page_lists_only_open_projects(client, db):
    factories.project(title="Open project")
    from aljisr.projects.models import ProjectStatus

    factories.project(title="Draft project", status=ProjectStatus.DRAFT)
    html = client.get("/").get_data(as_text=True)
    assert "Open project" in html
    assert "Draft project" not in html


def _world(db):
    """Two sending organisations, two hosts, placements for each; returns the pieces."""
    send_a = factories.organisation(OrganisationKind.SENDING, name="Sender A")
    send_b = factories.organisation(OrganisationKind.SENDING, name="Sender B")
    host_a = factories.organisation(OrganisationKind.HOST, name="Host A")
    host_b = factories.organisation(OrganisationKind.HOST, name="Host B")
    d = association_today()
    proj_a = factories.project(
        factories.site(host_a),
        title="Project at host A",
        start_date=d - timedelta(days=10),
        end_date=d + timedelta(days=30),
    )
    proj_b = factories.project(
        factories.site(host_b),
        title="Project at host B",
        start_date=d - timedelta(days=10),
        end_date=d + timedelta(days=30),
    )
    vol_a = factories.volunteer(send_a, full_name="Ольга Петренко")
    vol_b = factories.volunteer(send_b, full_name="山田 さくら")
    factories.placement(vol_a, proj_a)
    factories.placement(vol_b, proj_b)
    return send_a, send_b, host_a, host_b, vol_a, vol_b


def test_coordinator_overview_shows_counts_and_current_placements(as_role, db):
    _world(db)
    client, _ = as_role("coordinator")
    html = client.get("/home").get_data(as_text=True)
    assert "Ольга Петренко" in html and "山田 さくら" in html
    assert "Project at host A" in html and "Project at host B" in html


def test_volunteer_sees_only_own_placements(app, db):
    _send_a, _send_b, _ha, _hb, vol_a, _vol_b = _world(db)
    user = factories.user(Role.VOLUNTEER)
    vol_a.user = user
    db.session.commit()
    from tests.support.clients import login_client

    html = login_client(app, user).get("/home").get_data(as_text=True)
    assert "Project at host A" in html
    assert "Project at host B" not in html


def test_sending_partner_sees_only_volunteers_it_sent(app, db):
    send_a, *_ = _world(db)
    user = factories.user(Role.PARTNER, organisation=send_a)
    db.session.commit()
    from tests.support.clients import login_client

    html = login_client(app, user).get("/home").get_data(as_text=True)
    assert "Ольга Петренко" in html
    assert "山田 さくら" not in html


def test_host_partner_sees_only_placements_at_its_sites(app, db):
    _sa, _sb, host_a, *_ = _world(db)
    user = factories.user(Role.PARTNER, organisation=host_a)
    db.session.commit()
    from tests.support.clients import login_client

    html = login_client(app, user).get("/home").get_data(as_text=True)
    assert "Project at host A" in html and "Ольга Петренко" in html
    assert "Project at host B" not in html and "山田 さくら" not in html


def test_host_partner_stops_seeing_volunteer_after_the_placement(app, db):
    from aljisr.extensions import db as _db
    from aljisr.scopes import volunteers_for
    from aljisr.volunteers.models import Volunteer

    _sa, _sb, host_a, _hb, vol_a, _vb = _world(db)
    user = factories.user(Role.PARTNER, organisation=host_a)
    visible = _db.session.scalars(volunteers_for(user).order_by(Volunteer.id)).all()
    assert visible == [vol_a]
    vol_a.placements[0].status = PlacementStatus.COMPLETED
    _db.session.flush()
    assert _db.session.scalars(volunteers_for(user)).all() == []


def test_language_switch_sets_lang_dir_and_is_remembered(as_role, db):
    client, user = as_role("volunteer")
    response = client.post("/language", data={"language": "ar", "next": "/home"})
    assert response.headers["Location"] == "/home"
    html = client.get("/home").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert db.session.get(User, user.id).locale == "ar"


def test_language_from_browser_for_anonymous(client):
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html


def test_language_switch_refuses_hostile_next(client):
    response = client.post("/language", data={"language": "fr", "next": "//evil.example"})
    assert response.headers["Location"] == "/home"


def test_every_input_has_a_label(client, as_role):
    from tests.support.a11y import unlabelled_controls

    assert unlabelled_controls(client.get("/login").get_data(as_text=True)) == []
    admin, _ = as_role("admin")
    for url in ("/home", "/admin/users/new", "/admin/users"):
        assert unlabelled_controls(admin.get(url).get_data(as_text=True)) == [], url
    assert unlabelled_controls('<input id="x" name="x">') == ["x"]  # the check can fail


def test_admin_user_form_shows_errors_beside_fields_and_keeps_input(as_role, db):
    client, _ = as_role("admin")
    existing = factories.user(email="taken@example.org")
    db.session.commit()
    response = client.post(
        "/admin/users/new",
        data={
            "email": "TAKEN@example.org",
            "display_name": "Фатима Ζωή",
            "role": "coordinator",
            "organisation": "0",
            "password": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A user with this e-mail already exists." in html
    assert 'id="email-error"' in html
    assert 'value="Фатима Ζωή"' in html
    assert db.session.query(User).count() == 2  # the admin and the existing one
    assert existing.id


def test_admin_creates_a_partner_user(as_role, db):
    client, _ = as_role("admin")
    org = factories.organisation(OrganisationKind.HOST)
    db.session.commit()
    response = client.post(
        "/admin/users/new",
        data={
            "email": "Host.Contact@Example.org",
            "display_name": "Hassan",
            "role": "partner",
            "organisation": str(org.id),
            "password": "long enough password",
        },
    )
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="host.contact@example.org").one()
    assert user.organisation_id == org.id and user.check_password("long enough password")


def test_partner_without_organisation_is_refused_beside_the_field(as_role, db):
    client, _ = as_role("admin")
    html = client.post(
        "/admin/users/new",
        data={
            "email": "p@example.org",
            "display_name": "P",
            "role": "partner",
            "organisation": "0",
        },
    ).get_data(as_text=True)
    assert "A partner user must belong to an organisation." in html
    assert 'id="organisation-error"' in html


@pytest.mark.own_app
def test_unexpected_error_is_a_friendly_500_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom-for-test")
    def boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_navigation_highlights_one_item(as_role, db):
    client, _ = as_role("volunteer")
    html = client.get("/me/hours").get_data(as_text=True)
    assert html.count('aria-current="page"') == 1
    assert 'active" aria-current="page"\n             href="/me/hours"' in html


def test_active_nav_endpoint_rules():
    from aljisr.permissions import Permission
    from aljisr.templating import NavItem, active_nav_endpoint

    items = [NavItem("volunteers.index", "V", Permission.SIGNED_IN),
             NavItem("portal.hours", "H", Permission.SIGNED_IN),
             NavItem("portal.profile", "P", Permission.SIGNED_IN)]
    assert active_nav_endpoint(items, "volunteers.detail") == "volunteers.index"
    assert active_nav_endpoint(items, "portal.profile") == "portal.profile"
    assert active_nav_endpoint(items, "portal.export") is None
    assert active_nav_endpoint(items, None) is None


def test_timestamps_are_shown_in_the_association_zone(app):
    from datetime import UTC, datetime

    from aljisr.i18n import format_datetime

    with app.test_request_context("/"):
        # Morocco is on UTC+1 outside Ramadan (tz database, Africa/Casablanca)
        shown = format_datetime(datetime(2026, 11, 29, 11, 10, tzinfo=UTC), "HH:mm")
    assert shown == "12:10"


def test_absurd_ids_are_404_not_500(as_role):
    client, _ = as_role("coordinator")
    for url in ("/volunteers/99999999999999999999", "/placements/9223372036854775808",
                "/certificates/99999999999999999999/download"):
        assert client.get(url).status_code == 404, url


@pytest.mark.own_app
def test_a_value_the_database_cannot_hold_is_a_400(app):
    from aljisr.permissions import public

    @app.route("/overflow-for-test")
    @public
    def overflow() -> str:
        import sqlalchemy as sa

        from aljisr.extensions import db
        from aljisr.volunteers.models import Volunteer

        db.session.get(Volunteer, 99999999999999999999)  # past any integer column
        return str(db.session.scalar(sa.select(sa.literal(1))))

    response = app.test_client().get("/overflow-for-test")
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)


def test_admin_edits_a_user_and_their_sessions_end(app, as_role, db):
    from tests.support.clients import login_client

    admin, _ = as_role("admin")
    partner = factories.user(Role.PARTNER, organisation=factories.organisation())
    db.session.commit()
    partner_client = login_client(app, partner)
    assert partner_client.get("/home").status_code == 200
    response = admin.post(f"/admin/users/{partner.id}", data={
        "display_name": "Renamed", "role": "partner", "organisation": str(partner.organisation_id),
    })  # "active" unticked: may no longer sign in
    assert response.status_code == 302
    db.session.refresh(partner)
    assert partner.display_name == "Renamed" and not partner.active
    assert partner_client.get("/home").status_code == 302


def test_only_partners_belong_to_an_organisation(as_role, db):
    admin, _ = as_role("admin")
    org = factories.organisation()
    coordinator = factories.user(Role.COORDINATOR)
    db.session.commit()
    html = admin.post(f"/admin/users/{coordinator.id}", data={
        "display_name": "C", "role": "coordinator", "organisation": str(org.id), "active": "y",
    }).get_data(as_text=True)
    assert "Only partner users belong to an organisation" in html
    assert 'id="organisation-error"' in html
    html = admin.post("/admin/users/new", data={
        "email": "c2@example.org", "display_name": "C2", "role": "coordinator",
        "organisation": str(org.id),
    }).get_data(as_text=True)
    assert "Only partner users belong to an organisation" in html


def test_an_admin_cannot_lock_themselves_out(as_role, db):
    admin, me = as_role("admin")
    html = admin.post(f"/admin/users/{me.id}", data={
        "display_name": "Me", "role": "coordinator", "organisation": "0", "active": "y",
    }).get_data(as_text=True)
    assert "You cannot take away your own administrator role." in html
    db.session.refresh(me)
    assert me.role is Role.ADMIN


def test_every_font_the_stylesheet_names_is_served(client):
    """The web pages show CJK and Hangul names with a bundled face (offline laptops may lack
    fonts for them): every ``url(...)`` in app.css answers 200 from the app itself."""
    import re

    css = client.get("/static/css/app.css").get_data(as_text=True)
    urls = re.findall(r'url\("\.\./([^"]+)"\)', css)
    assert "fonts/DroidSansFallback.ttf" in urls
    assert "Aljisr CJK" in css.split("--bs-font-sans-serif:")[1].split(";")[0]
    for url in urls:
        response = client.get(f"/static/{url}")
        assert response.status_code == 200, url
        response.close()


def test_fonts_and_vendor_files_are_cached_and_the_apps_own_revalidated(client):
    font = client.get("/static/fonts/DroidSansFallback.ttf")
    vendor = client.get("/static/vendor/bootstrap-5.3.9/bootstrap.min.css")
    own = client.get("/static/css/app.css")
    for response in (font, vendor, own):
        response.close()
    assert "max-age=2592000" in font.headers["Cache-Control"]
    assert "max-age=2592000" in vendor.headers["Cache-Control"]
    assert "max-age" not in own.headers.get("Cache-Control", "") or "no-cache" in own.headers[
        "Cache-Control"]


def test_every_status_badge_has_a_colour():
    """status_badge() writes class="badge status-<value>"; a value without a rule in app.css
    is white text on no background (invisible)."""

    from aljisr.certificates.models import CertificateStatus
    from aljisr.hours.models import HoursStatus
    from aljisr.placements.models import PlacementStatus
    from aljisr.projects.models import ProjectStatus
    from aljisr.volunteers.models import VolunteerStatus

    css = (REPOSITORY / "static" / "css" / "app.css").read_text()
    styled = set(re.findall(r"\.badge\.status-([a-z_]+)", css))
    values = {s.value for e in (CertificateStatus, HoursStatus, PlacementStatus, ProjectStatus,
                                VolunteerStatus) for s in e}
    assert values - styled == set()


def test_a_funder_has_no_partner_login(as_role, db):
    from aljisr.auth.services.accounts import create_user
    from aljisr.errors import Conflict

    client, _ = as_role("admin")
    funder = factories.organisation(OrganisationKind.FUNDER, name="British Foundation")
    factories.organisation(OrganisationKind.HOST, name="Centre Maggamane")
    db.session.commit()
    html = client.get("/admin/users/new").get_data(as_text=True)
    assert "Centre Maggamane" in html and "British Foundation" not in html
    with pytest.raises(Conflict) as refused:
        create_user("f@example.org", Role.PARTNER, organisation_id=funder.id)
    assert refused.value.field == "organisation"
    db.session.rollback()
    assert db.session.query(User).filter_by(email="f@example.org").count() == 0
