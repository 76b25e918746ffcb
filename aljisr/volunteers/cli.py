"""``flask --app aljisr volunteers ...``: the retention period, applied from the command line
(for a scheduled job: ``flask --app aljisr volunteers anonymise-expired --yes``)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from aljisr.dates import association_today
from aljisr.errors import DomainError
from aljisr.extensions import db

volunteers_cli = AppGroup("volunteers", help="Volunteers' personal data.")


@volunteers_cli.command("anonymise-expired")
@click.option("--years", type=click.IntRange(min=1), default=None,
              help="Retention period in years (default: the PERSONAL_DATA_RETENTION_YEARS "
                   "setting).")
@click.option("--yes", is_flag=True, help="Anonymise them (without it, only list them).")
def anonymise_expired(years: int | None, yes: bool) -> None:
    """List, then with --yes anonymise, the volunteers past the retention period: registered
    more than YEARS years ago, with no placement ending within those years. Volunteers with
    a placement still proposed, confirmed or active are skipped and listed."""
    from aljisr.volunteers.queries import volunteers_past_retention
    from aljisr.volunteers.services import anonymise_volunteer

    years = years or int(current_app.config["PERSONAL_DATA_RETENTION_YEARS"])
    due = volunteers_past_retention(years, association_today())
    if not due:
        click.echo(f"No volunteer is past the retention period ({years} years).")
        return
    for volunteer in due:
        click.echo(f"{volunteer.id}\t{volunteer.created_at:%Y-%m-%d}\t{volunteer.full_name}")
    if not yes:
        click.echo(f"{len(due)} volunteer(s) past the retention period ({years} years); "
                   "run again with --yes to anonymise them.")
        return
    done = skipped = 0
    reason = f"Retention period of {years} years ended"
    for volunteer in due:
        try:
            with db.session.begin_nested():
                anonymise_volunteer(volunteer, actor=None, reason=reason)
        except DomainError as error:
            skipped += 1
            click.echo(f"skipped {volunteer.id}: {error.message}", err=True)
        else:
            done += 1
    db.session.commit()
    click.echo(f"Anonymised {done} volunteer(s); skipped {skipped}.")
