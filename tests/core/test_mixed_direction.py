"""Latin project titles next to site names and dates on Arabic pages keep their own order:
each piece isolated (<bdi> in HTML, FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE in an
option's text, where no markup can go)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from aljisr.hours.models import HoursStatus
from aljisr.volunteers.models import Volunteer
from tests.support import factories

FSI, PDI = "\u2068", "\u2069"
TITLE = ("Construction of a multidisciplinary room at the Maggamane socio-educational centre "
         "(second step)")
SITE = "Maggamane socio-educational centre"


def _placement(db, volunteer=None, host=None):
    site = factories.site(host, name=SITE)
    project = factories.project(site, title=TITLE, start_date=date(2026, 1, 1),
                                end_date=date(2026, 12, 31))
    return factories.placement(volunteer, project)


def _options(html, name):
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select, name
    return re.findall(r"<option[^>]*>(.*?)</option>", select.group(0), re.S)


def test_the_volunteers_placement_options_isolate_title_site_and_dates(as_role, db):
    client, user = as_role("volunteer")
    user.locale = "ar"
    volunteer = db.session.scalar(sa.select(Volunteer).where(Volunteer.user_id == user.id))
    _placement(db, volunteer)
    factories.placement(volunteer, factories.project(start_date=date(2026, 1, 1),
                                                     end_date=date(2026, 12, 31)))
    db.session.commit()
    html = client.get("/me/hours").get_data(as_text=True)
    option = next(o for o in _options(html, "placement") if SITE in o)
    assert option.startswith(f"{FSI}{TITLE}{PDI} · {FSI}{SITE}{PDI} · {FSI}")
    assert option.endswith(PDI)


def test_the_hours_queue_project_options_isolate_title_and_site(as_role, db):
    client, user = as_role("coordinator")
    user.locale = "ar"
    _placement(db)
    db.session.commit()
    html = client.get("/hours/").get_data(as_text=True)
    assert f"{FSI}{TITLE}{PDI} · {FSI}{SITE}{PDI}" in _options(html, "project")


def test_partner_hours_rows_show_title_and_site_as_separate_pieces(as_role, db):
    client, user = as_role("host")
    user.locale = "ar"
    placement = _placement(db, host=user.organisation)
    factories.hours(placement, status=HoursStatus.SUBMITTED)
    db.session.commit()
    html = client.get("/partner/hours?state=all").get_data(as_text=True)
    row = re.search(r"<tr data-entry=.*?</tr>", html, re.S).group(0)
    # each on its own line, never "title · site" on one wrapping line
    assert f"<div class=\"small text-muted\"><bdi>{TITLE}</bdi></div>" in row
    assert f"<div class=\"small text-muted\"><bdi>{SITE}</bdi></div>" in row
