"""``flask --app aljisr volunteers ...``: the retention period, applied from the command line
(for a scheduled job: ``flask --app aljisr volunteers anonymise-expired --yes``)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from aljisr.dates import association_today
from aljisr.errors import DomainError
from aljisr.extensions import db

volunteers_cli = AppGroup("volunteers", help="Volunteers: import lists, personal data.")


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


@volunteers_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--organisation", "organisation_id", type=int, default=None,
              help="Id of the sending organisation the volunteers come with.")
@click.option("--date-order", type=click.Choice(["dmy", "mdy"]), default=None,
              help="Dates day first (dmy) or month first (mdy), when the file cannot tell.")
@click.option("--dry-run", is_flag=True, help="Check and print, save nothing.")
def import_file(file: str, organisation_id: int | None, date_order: str | None,
                dry_run: bool) -> None:
    """Import volunteers from FILE (CSV, XLSX, ODS or VEF XML) as one batch, printing what is
    done row by row. Rows like an existing volunteer are skipped. Exits with status 1 when
    no row is valid."""
    from pathlib import Path

    from aljisr.imports import queries as import_queries
    from aljisr.imports import services as import_services

    path = Path(file)
    try:
        batch = import_services.start_batch(
            path.name, path.read_bytes(), organisation_id=organisation_id, actor=None,
            max_bytes=int(current_app.config["IMPORT_MAX_BYTES"]))
        if date_order:
            batch.options = {**batch.options, "date_order": date_order}
        table = import_queries.load_table(
            batch, max_bytes=int(current_app.config["IMPORT_MAX_BYTES"]))
        result = import_queries.preview(batch, table)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    detected = (f", {table.encoding}, delimiter {table.delimiter!r}" if table.kind == "csv"
                else "")
    click.echo(f"{path.name}: {table.kind}{detected}, {len(result.rows)} row(s)")
    mapped = [f"{h} -> {t}" for h, t in zip(table.headers, result.targets, strict=True) if t]
    click.echo("columns: " + "; ".join(mapped))
    if result.needs_date_order:
        db.session.rollback()
        raise click.ClickException("the dates cannot tell whether the day or the month comes "
                                   "first: give --date-order dmy or --date-order mdy")
    for row in result.rows:
        if row.values is None:
            problems = "; ".join(f"{where}: {message}" for where, message in row.errors)
            click.echo(f"row {row.number}: error: {problems}")
        elif row.default == import_services.SKIP:
            why = (f"like volunteer #{row.duplicates[0].volunteer.id}" if row.duplicates
                   else f"same person as row {row.same_as_row}")
            click.echo(f"row {row.number}: skip {row.name} ({why})")
        else:
            click.echo(f"row {row.number}: {'would create' if dry_run else 'create'} {row.name}")
    if not result.valid:
        db.session.rollback()
        click.echo("No valid row: nothing imported.", err=True)
        raise SystemExit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {result.valid} valid row(s), {result.invalid} with errors; "
                   "nothing saved.")
        return
    try:
        counts = import_services.commit_batch(batch, result, {}, actor=None)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo("Imported batch {id}: {created} created, {updated} updated, {skipped} skipped, "
               "{invalid} with errors.".format(id=batch.id, **counts))
