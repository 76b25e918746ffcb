"""``flask --app aljisr applications anonymise-expired``: the applications' retention period,
applied from the command line (the worker's daily jobs apply it too)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from aljisr.extensions import db

applications_cli = AppGroup("applications", help="Applications sent from the public form.")


@applications_cli.command("anonymise-expired")
def anonymise_expired_command() -> None:
    """Anonymise the declined and withdrawn applications decided more than
    APPLICATION_RETENTION_DAYS days ago, and those never confirmed sent more than
    APPLICATION_UNCONFIRMED_DAYS days ago."""
    from aljisr.applications.services import anonymise_expired
    from aljisr.database import write_intent

    with write_intent():
        done = anonymise_expired()
        db.session.commit()
    click.echo(f"Anonymised {done} application(s).")
