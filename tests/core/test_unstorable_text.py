"""Text no database can store (a NUL character; lone surrogates cannot arrive through a
form, as Werkzeug decodes UTF-8 with replacement) is refused beside its field with what was
typed kept, on SQLite and PostgreSQL alike; in a search or filter it is no match."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

from aljisr.dates import association_today
from aljisr.forms import AppForm
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.organisations.models import Organisation
from aljisr.text import unstorable
from tests.support import factories

MESSAGE = "invisible character that cannot be saved"


def _error_beside(html: str, field: str) -> str:
    parts = html.split(f'id="{field}-error"', 1)
    assert len(parts) == 2, f"no error beside {field}"
    return parts[1][:400]


def test_unstorable_characters():
    assert unstorable("a\x00b") and unstorable("\ud800") and unstorable("x\udfff")
    assert not unstorable("Inès Benali ولد") and not unstorable("") and not unstorable(None)


def test_a_nul_in_a_text_field_is_refused_beside_it_and_kept(as_role, db):
    client, _ = as_role("coordinator")
    response = client.post(
        "/organisations/new",
        data={
            "name": "École\x00Anwal",
            "kind": "sending",
            "country": "MA",
            "city": "Tanger",
            "notes": "Line one\x00",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert MESSAGE in _error_beside(html, "name")
    assert MESSAGE in _error_beside(html, "notes")
    # what was typed is kept, with U+FFFD where a NUL cannot go back into the page
    assert 'value="École\ufffdAnwal"' in html and 'value="Tanger"' in html
    assert "Line one\ufffd" in html and "\x00" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def test_a_nul_in_logged_hours_activity_is_refused(as_role, db):
    client, _ = as_role("coordinator")
    placement = factories.placement(
        project_=factories.project(
            start_date=association_today() - timedelta(days=5),
            end_date=association_today() + timedelta(days=5),
        )
    )
    db.session.commit()
    response = client.post(
        f"/hours/placement/{placement.id}/log",
        data={
            "work_date": association_today().isoformat(),
            "hours": "3",
            "activity": "Paint\x00ing",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert MESSAGE in _error_beside(html, "activity")
    assert "Paint\ufffding" in html and "\x00" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HoursEntry)) == 0


def test_a_nul_in_a_rejection_reason_is_refused_beside_the_row(as_role, db):
    client, _ = as_role("coordinator")
    placement = factories.placement(
        project_=factories.project(
            start_date=association_today() - timedelta(days=5),
            end_date=association_today() + timedelta(days=5),
        )
    )
    entry = factories.hours(
        placement, association_today() - timedelta(days=1), "4", HoursStatus.SUBMITTED
    )
    db.session.commit()
    response = client.post(
        f"/hours/{entry.id}/review", data={"action": "reject", f"reason-{entry.id}": "no\x00"}
    )
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert "\x00" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(HoursEntry, entry.id).status is HoursStatus.SUBMITTED


@pytest.mark.parametrize(
    ("url", "lists_zoe"),
    [
        ("/volunteers/?q=Zo%00", True),
        ("/placements/?q=Zo%00", True),
        ("/hours/?status=all&volunteer=Zo%00", True),
        ("/invitations?q=Zo%00", True),
        ("/organisations/?q=Zo%00", False),
        ("/sites/?q=Zo%00", False),
        ("/projects/?q=Zo%00", False),
        ("/certificates/?q=Zo%00", False),
        ("/audit/?actor=Zo%00", False),
        ("/audit/?action=Zo%00", False),
    ],
)
def test_a_nul_in_a_search_is_no_match(as_role, db, url, lists_zoe):
    client, _ = as_role("admin")
    zoe = factories.volunteer(full_name="Zoé Nulle", email="zoe@example.org")
    factories.hours(
        factories.placement(zoe),
        association_today() - timedelta(days=400),
        "4",
        HoursStatus.SUBMITTED,
    )
    db.session.commit()
    found = client.get(url.replace("%00", ""))
    assert found.status_code == 200
    assert ("Zoé Nulle" in found.get_data(as_text=True)) is lists_zoe
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Zoé Nulle" not in html and MESSAGE not in html


def test_every_form_derives_from_the_app_form(app):
    """The check above holds for every form only if every form derives from AppForm."""
    import aljisr  # noqa: F401  (create_app has imported every area)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("aljisr.")]
    assert len(ours) > 30
    strays = [
        f"{c.__module__}.{c.__qualname__}"
        for c in ours
        if c is not AppForm and not issubclass(c, AppForm)
    ]
    assert strays == []
    assert "aljisr.forms" in sys.modules


def test_every_row_of_a_form_derives_from_the_row_form(app):
    """A row (a FormField's form) built on a plain wtforms.Form would speak WTForms' English
    on French and Arabic pages and skip the text rule: every one derives from RowForm."""
    import wtforms

    import aljisr  # noqa: F401  (create_app has imported every area)
    from aljisr.forms import RowForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    rows = [cls for cls in subclasses(wtforms.Form)
            if cls.__module__.startswith("aljisr.") and not issubclass(cls, FlaskForm)]
    assert len(rows) >= 3
    strays = [f"{c.__module__}.{c.__qualname__}" for c in rows
              if c is not RowForm and not issubclass(c, RowForm)]
    assert strays == []
