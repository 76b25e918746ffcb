"""``flask --app aljisr`` commands: init-db, seed-demo, create-user, translations (and the
certificates and volunteers groups, backup, restore and the mail worker)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask

from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.permissions import Role

TRANSLATIONS = Path(__file__).parent / "translations"
BABEL_CFG = Path(__file__).parent / "babel.cfg"


def register(app: Flask) -> None:
    """Attach the commands to ``app.cli``."""
    from aljisr.applications.cli import applications_cli
    from aljisr.backup.cli import backup_command, restore_command
    from aljisr.certificates.cli import certificates_cli
    from aljisr.notifications.cli import worker_command
    from aljisr.volunteers.cli import volunteers_cli

    app.cli.add_command(applications_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(volunteers_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(worker_command)

    @app.cli.command("init-db")
    def init_db() -> None:
        """Create or upgrade the database schema to the newest migration, then refresh the
        query planner's statistics (``ANALYZE``: SQLite keeps none until asked, and without
        them it can pick a poor index for the overview and the registers)."""
        from flask_migrate import upgrade

        upgrade()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Load the demo data (idempotent: running it again changes nothing)."""
        from aljisr.seed import load_demo

        summary = load_demo()
        db.session.commit()
        click.echo("Demo data: " + ", ".join(f"{v} {k}" for k, v in summary.items()))

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--name", "display_name", help="Display name (default: part before @).")
    @click.option("--organisation", "organisation_id", type=int, help="Organisation id (partners).")
    @click.password_option("--password", prompt=True, confirmation_prompt=True)
    def create_user_command(
        email: str, role: str, display_name: str | None, organisation_id: int | None, password: str
    ) -> None:
        """Create a user with ROLE; prompts for the password when --password is omitted."""
        from aljisr.auth.services.accounts import create_user

        try:
            user = create_user(
                email,
                Role(role),
                display_name=display_name,
                password=password,
                organisation_id=organisation_id,
            )
        except DomainError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
        click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")

    @app.cli.group("translations")
    def translations() -> None:
        """Extract, update and compile the message catalogues (en, fr, ar)."""

    def pybabel(*args: str) -> None:
        subprocess.run(  # noqa: S603 (fixed argv: this interpreter running pybabel)
            [sys.executable, "-m", "babel.messages.frontend", *args], check=True
        )

    @translations.command("update")
    def translations_update() -> None:
        """Extract messages from code and templates and merge them into each catalogue."""
        pot = TRANSLATIONS / "messages.pot"
        root = Path(__file__).parent.parent
        pybabel(
            "extract",
            "-F",
            str(BABEL_CFG),
            "-k",
            "_l",
            "--no-location",
            "--sort-output",
            # Babel skips directories starting with "_" by default: templates/_macros too.
            "--ignore-dirs",
            ".* __pycache__",
            "-o",
            str(pot),
            str(root / "aljisr"),
            str(root / "templates"),
        )
        pybabel("update", "-i", str(pot), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")

    @translations.command("compile")
    def translations_compile() -> None:
        """Compile the .po catalogues to .mo files (done by make run / make test)."""
        pybabel("compile", "-d", str(TRANSLATIONS))
