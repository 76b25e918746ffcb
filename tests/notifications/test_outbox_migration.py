"""The outbox migration keeps the mail already sent (as sent) and goes back down cleanly."""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from aljisr import create_app
from aljisr.extensions import db

REVISION = importlib.import_module(
    "aljisr.migrations.versions.20261207_e3a9c5d17b42_outbox_delivery_and_notifications")


def test_mail_written_before_the_outbox_became_a_queue_counts_as_sent(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    with app.app_context():
        upgrade(revision=REVISION.down_revision)
        db.session.execute(sa.text(
            "INSERT INTO outbox_messages (created_at, recipient, subject, body, transport) "
            "VALUES (CURRENT_TIMESTAMP, 'a@example.org', 'S', 'B', 'smtp'), "
            "(CURRENT_TIMESTAMP, 'b@example.org', 'S', 'B', 'outbox')"))
        db.session.commit()
        upgrade(revision=REVISION.revision)
        rows = db.session.execute(sa.text(
            "SELECT recipient, status, transport, attempts FROM outbox_messages ORDER BY id"
        )).all()
        db.session.commit()
        assert rows == [("a@example.org", "sent", "smtp", 0), ("b@example.org", "sent", "log", 0)]
        downgrade(revision=REVISION.down_revision)
        rows = db.session.execute(sa.text(
            "SELECT recipient, transport FROM outbox_messages ORDER BY id")).all()
        db.session.commit()
        assert rows == [("a@example.org", "smtp"), ("b@example.org", "outbox")]
        db.engine.dispose()
