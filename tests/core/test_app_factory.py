"""The application factory: configuration layers, secret key, database URL."""

from __future__ import annotations

import pytest

from aljisr import create_app
from aljisr.config import ConfigurationError, normalise_database_url


def test_refuses_to_start_without_secret_key_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("ALJISR_SECRET_KEY", raising=False)
    monkeypatch.setenv("ALJISR_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="ALJISR_SECRET_KEY"):
        create_app()


def test_environment_overrides_instance_config(monkeypatch, tmp_path):
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-file'\nPAGE_SIZE = 7\n")
    monkeypatch.setenv("ALJISR_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/aljisr.sqlite3"
    monkeypatch.setenv("ALJISR_PAGE_SIZE", "12")
    monkeypatch.setenv("ALJISR_DATABASE_URL", "postgresql://u@db.example/aljisr")
    app = create_app()
    assert app.config["PAGE_SIZE"] == 12
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/aljisr"
    app = create_app({"PAGE_SIZE": 3, "TESTING": True})
    assert app.config["PAGE_SIZE"] == 3


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_sqlite_has_foreign_keys_and_wal(app, db, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
