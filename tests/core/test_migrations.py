"""Migrations have one head and produce exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app


def test_one_head(app):
    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(app, db):
    # the session fixture built this database with `upgrade()`; nothing may differ from models
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_revision_files_are_date_prefixed(app):
    config = current_app.extensions["migrate"].migrate.get_config()
    for script in ScriptDirectory.from_config(config).walk_revisions():
        name = script.path.rsplit("/", 1)[-1]
        assert name[:8].isdigit(), name
