"""Command-line interface: init-db, seed-demo (idempotent, real sites), create-user."""

from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.sites.models import Site
from aljisr.volunteers.models import Volunteer
from tests.support import factories


def test_seed_demo_loads_the_real_sites_and_projects_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Site)) == 5
    # the nine listed projects, and three further steps open for 2027
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 12
    counts = {
        m: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Volunteer, Placement, User)
    }
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "0 placements" in second.output
    db.session.expire_all()
    assert counts == {
        m: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Volunteer, Placement, User)
    }
    titles = set(db.session.scalars(sa.select(Project.title)))
    assert "Renovations and decorations at Anwal primary school" in titles
    phase_two = db.session.scalars(
        sa.select(Project).where(
            Project.title.contains("multidisciplinary room"), Project.phase_number == 2
        )
    ).one()
    assert phase_two.parent.phase_number == 1


def test_seed_demo_has_every_role_and_a_volunteer_with_past_and_current_placements(app, db):
    app.test_cli_runner().invoke(args=["seed-demo"])
    for local in ("admin", "coordinator", "volunteer", "sending", "host"):
        user = db.session.scalar(sa.select(User).where(User.email == f"{local}@aljisr.example.org"))
        assert user is not None and user.check_password("demo-aljisr"), local
    volunteer = db.session.scalar(
        sa.select(Volunteer).where(Volunteer.email == "volunteer@aljisr.example.org")
    )
    statuses = {p.status for p in volunteer.placements}
    assert {PlacementStatus.COMPLETED, PlacementStatus.ACTIVE} <= statuses
    scripts = db.session.scalars(sa.select(Volunteer.full_name)).all()
    assert any("\u0600" <= c <= "\u06ff" for n in scripts for c in n)  # Arabic
    assert any("\u0400" <= c <= "\u04ff" for n in scripts for c in n)  # Cyrillic
    assert any("\u4e00" <= c <= "\u9fff" for n in scripts for c in n)  # CJK
    assert len(scripts) >= 40


def test_seed_demo_respects_capacity_and_overlap(app, db):
    from datetime import timedelta

    app.test_cli_runner().invoke(args=["seed-demo"])
    placements = db.session.scalars(sa.select(Placement)).all()
    for p in placements:
        assert p.project.start_date <= p.start_date <= p.end_date <= p.project.end_date
        others = [o for o in placements if o.volunteer_id == p.volunteer_id and o.id != p.id]
        assert all(o.end_date < p.start_date or o.start_date > p.end_date for o in others)
    for project in db.session.scalars(sa.select(Project)):
        day = project.start_date
        while day <= project.end_date:
            booked = sum(1 for p in project.placements if p.start_date <= day <= p.end_date)
            assert booked <= project.capacity, (project.title, day)
            day += timedelta(days=7)


def test_create_user_with_password(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "New.Coord@Example.org",
            "--role",
            "coordinator",
            "--password",
            "a long password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "new.coord@example.org"))
    assert user.check_password("a long password")


def test_create_user_prompts_for_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-user", "admin2@example.org", "--role", "admin"],
        input="prompted password\nprompted password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "admin2@example.org"))
    assert user.check_password("prompted password")


def test_create_user_refuses_duplicates_clearly(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-user", "x@example.org", "--role", "admin", "--password", "p" * 12])
    result = runner.invoke(
        args=["create-user", "X@example.org", "--role", "admin", "--password", "p" * 12]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_init_db_leaves_the_planner_statistics_behind(app, db, is_postgres):
    factories.volunteer()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    if not is_postgres:  # SQLite keeps ANALYZE's figures in sqlite_stat1
        with db.engine.connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT DISTINCT tbl FROM sqlite_stat1").scalars().all()
        assert "volunteers" in tables


def test_flask_db_commands_run_and_the_last_revision_goes_down_and_up(empty_database_url):
    """``flask db`` (Flask-Migrate, loaded on use: aljisr/extensions.py), run as the command
    itself: its commands work (they failed with ``AttributeError: directory``), and the newest
    revision (the trigram index, PostgreSQL only) is undone and done again."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    from aljisr import create_app

    env = {**os.environ, "ALJISR_DATABASE_URL": empty_database_url, "ALJISR_SECRET_KEY": "test"}

    def run(*args):
        result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "flask", "--app", "aljisr", "db", *args],
            env=env, capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout + result.stderr

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": empty_database_url})

    def current():
        with app.app_context(), db.engine.connect() as conn:
            return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))

    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        [head] = ScriptDirectory.from_config(config).get_heads()
    run("upgrade")
    assert current() == head
    assert head in run("current")
    run("downgrade")
    assert current() not in (None, head)
    run("upgrade")
    assert current() == head
    with app.app_context():
        db.engine.dispose()
