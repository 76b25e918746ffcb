"""Migrations have one head, produce exactly the schema the models describe, and keep the data
written under the schema they change."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from aljisr import create_app
from aljisr.audit import AuditEvent
from aljisr.database import schema_objects_of
from aljisr.extensions import db
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.projects.models import Project


def test_one_head(app):
    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(app, db):
    # the session fixture built this database with `upgrade()`; nothing may differ from models
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True,
                        "include_object": schema_objects_of(conn.dialect.name)}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_revision_files_are_date_prefixed(app):
    config = current_app.extensions["migrate"].migrate.get_config()
    for script in ScriptDirectory.from_config(config).walk_revisions():
        name = script.path.rsplit("/", 1)[-1]
        assert name[:8].isdigit(), name


BEFORE_FUNDER = "5d0c1e7a9b21"  # the revision before organisations of kind "partner" became funders


def _old_schema_rows(conn) -> None:
    """Rows as the schema before the funder revision stored them: a funder of kind 'partner'
    linked by ``projects.partner_id``, and an audit event naming that column."""
    stamp = {"created_at": datetime(2026, 11, 1, 9, 0), "updated_at": datetime(2026, 11, 1, 9, 0)}
    conn.execute(sa.text(
        "INSERT INTO organisations (id, name, kind, search_key, created_at, updated_at) "
        "VALUES (1, 'British Foundation for Schools', 'partner', 'british', :created_at, "
        ":updated_at), (2, 'Centre', 'host', 'centre', :created_at, :updated_at)"), stamp)
    conn.execute(sa.text(
        "INSERT INTO sites (id, name, kind, organisation_id, search_key, created_at, updated_at) "
        "VALUES (1, 'School', 'school', 2, 'school', :created_at, :updated_at)"), stamp)
    conn.execute(sa.text(
        "INSERT INTO projects (id, title, site_id, partner_id, theme, status, start_date, "
        "end_date, capacity, required_skills, required_languages, search_key, created_at, "
        "updated_at) VALUES (1, 'School supplies', 1, 1, 'education', 'completed', "
        "'2020-10-05', '2020-12-18', 4, '[]', '[]', 'school', :created_at, :updated_at)"), stamp)
    conn.execute(sa.text(
        "INSERT INTO audit_events (occurred_at, action, subject_type, subject_id, details) "
        "VALUES (:created_at, 'project.update', 'projects', 1, :details)"),
        {**stamp, "details": json.dumps({"changed": ["title", "partner_id"]})})


def test_funders_keep_their_projects_through_the_funder_revision(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade(revision=BEFORE_FUNDER)
        with db.engine.begin() as conn:
            _old_schema_rows(conn)
        upgrade()

        funder = db.session.get(Organisation, 1)
        assert funder.kind is OrganisationKind.FUNDER
        project = db.session.get(Project, 1)
        assert project.funder_id == 1 and project.funder is funder
        assert project.site.organisation.kind is OrganisationKind.HOST
        event = db.session.scalar(sa.select(AuditEvent))
        assert event.details == {"changed": ["title", "funder_id"]}
        db.session.rollback()
        # the renamed link still refuses a missing organisation, and the kind a retired value
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE projects SET funder_id = 99 WHERE id = 1"))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE organisations SET kind = 'partner' WHERE id = 1"))

        downgrade(revision=BEFORE_FUNDER)
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT kind FROM organisations WHERE id = 1")).scalar() \
                == "partner"
            assert conn.execute(sa.text("SELECT partner_id FROM projects")).scalar() == 1
            details = conn.execute(sa.text("SELECT details FROM audit_events")).scalar()
        assert (json.loads(details) if isinstance(details, str) else details) == {
            "changed": ["title", "partner_id"]}
        db.session.remove()
        db.engine.dispose()



BEFORE_REFOLD = "c5e8a2d4f1b6"  # the revision before search keys were folded again


def test_the_refold_revision_recomputes_every_stored_search_key(empty_database_url):
    # aljisr.text.search_key changed (format characters, ı ø ł..., O'Connor): keys stored
    # under the older folding are recomputed, on both engines, past one batch of rows
    from aljisr.applications.models import CONSENT_VERSION, Application
    from tests.support import factories

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade(revision=BEFORE_REFOLD)
        org = factories.organisation(name="Øresund Kollektiv", city="Malmö")
        site = factories.site(org, name="Dar Ḥamza", name_ar="دار حمزة\u200f", city=None)
        factories.project(site, title="Kızılay first aid")
        db.session.add(Application(
            full_name="Łukasz Đurić", email="lukasz@example.org", open_email="lukasz@example.org",
            consent_version=CONSENT_VERSION, consent_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
            languages={}, skills=[], interests=[], link_version=1))
        db.session.commit()
        stamp = datetime(2026, 11, 1, 9, 0)
        rows = [{"name": f"Ayşe Yılmaz {n:04d}", "at": stamp} for n in range(1001)]
        rows.append({"name": "Siobhán O’Connor", "at": stamp})
        old = {"organisations": "øresund kollektiv malmo", "sites": "dar hamza دار حمزة\u200f",
               "projects": "kızılay first aid", "applications": "łukasz đuric lukasz@example.org"}
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO volunteers (full_name, status, skills, interests, search_key, "
                "created_at, updated_at) VALUES (:name, 'active', '[]', '[]', 'old', :at, :at)"),
                rows)
            for table, key in old.items():
                conn.execute(sa.text(f"UPDATE {table} SET search_key = :key"), {"key": key})
        db.session.remove()

        upgrade()

        with db.engine.connect() as conn:
            def keys(table):
                return sorted(conn.execute(sa.text(f"SELECT search_key FROM {table}")).scalars())

            assert keys("volunteers") == [f"ayse yilmaz {n:04d}" for n in range(1001)] + [
                "siobhan oconnor"]
            assert keys("applications") == ["lukasz duric lukasz@example.org"]
            assert keys("organisations") == ["oresund kollektiv malmo"]
            assert keys("sites") == ["dar hamza دار حمزة"]
            assert keys("projects") == ["kizilay first aid"]
        db.session.remove()
        db.engine.dispose()
