"""Every free-text field of every form is bounded by the column it is stored in: a field named
like a ``String(n)`` column of its area's models has ``Length(max=m)`` with ``m <= n``, so a
longer text is a message beside the field (422), never stored cut, nor refused by PostgreSQL
("value too long"), nor accepted whole by SQLite, which ignores the length."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import sqlalchemy as sa
from wtforms import HiddenField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import aljisr
from aljisr.extensions import db
from aljisr.forms import AppForm
from tests.support import factories
from tests.support.forms import org_data, project_data, site_data

#: Areas whose forms write other areas' records (audience blueprints and the admin pages).
WRITES_INTO = {"portal": ("volunteers", "hours"), "partners": ("hours",), "admin": ("auth",)}


def _all_forms() -> list[type[AppForm]]:
    for module in pkgutil.walk_packages(aljisr.__path__, "aljisr."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "views", "audit"):
            importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return sorted(set(below(AppForm)), key=lambda c: (c.__module__, c.__name__))


#: The bound of a field stored in a ``Text`` column (no length in the database).
TEXT = 10**6


def _string_columns(area: str) -> dict[str, int]:
    """Column name -> length of the ``String(n)`` columns of ``area``'s tables (``Text``
    columns: :data:`TEXT`, so that a field stored in one needs a bound of its own too)."""
    areas = WRITES_INTO.get(area, (area,))
    lengths: dict[str, int] = {}
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if model.__module__.split(".")[1] not in areas:
            continue
        for column in mapper.columns:
            if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum):
                length = column.type.length or TEXT
                lengths[column.key] = min(length, lengths.get(column.key, 10**9))
    return lengths


def _text_fields(form: type[AppForm]):
    for name in dir(form):
        unbound = getattr(form, name)
        if (isinstance(unbound, UnboundField) and issubclass(unbound.field_class, StringField)
                and not issubclass(unbound.field_class, HiddenField)):  # free text only
            validators = unbound.kwargs.get("validators") or (
                unbound.args[1] if len(unbound.args) > 1 else None) or []
            yield name, [v.max for v in validators if isinstance(v, Length) and v.max != -1]


def test_every_text_field_is_bounded_by_its_column(app):
    checked, unbounded = 0, []
    for form in _all_forms():
        columns = _string_columns(form.__module__.split(".")[1])
        for name, maxima in _text_fields(form):
            if name not in columns:
                continue
            checked += 1
            if not maxima or min(maxima) > columns[name]:
                column = "Text" if columns[name] == TEXT else f"String({columns[name]})"
                unbounded.append(f"{form.__name__}.{name}: column {column}, "
                                 f"form Length(max={min(maxima) if maxima else None})")
    assert unbounded == []
    assert checked > 30  # the walk found the registers' forms


@pytest.mark.parametrize(("url", "data", "field", "limit"), [
    ("/projects/new", "project", "title", 300),
    ("/projects/new", "project", "title_fr", 300),
    ("/organisations/new", "org", "name", 200),
    ("/sites/new", "site", "name", 200),
    ("/projects/new", "project", "description", 4000),
    ("/organisations/new", "org", "notes", 4000),
    ("/sites/new", "site", "address", 1000),
])
def test_a_text_longer_than_its_column_is_refused_beside_the_field(as_role, db, url, data,
                                                                   field, limit):
    client, _user = as_role("coordinator")
    site = factories.site()
    db.session.commit()
    values = {"project": lambda **kw: project_data(site.id, **kw), "org": org_data,
              "site": site_data}[data](**{field: "x" * 5000})
    response = client.post(url, data=values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"longer than {limit} characters" in html.split(f'id="{field}-error"', 1)[1][:300]
