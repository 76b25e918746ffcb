"""``flask --app aljisr backup`` and ``flask --app aljisr restore`` (see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from aljisr.backup import retention
from aljisr.database import utcnow
from aljisr.extensions import db


def _human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)  # pragma: no cover


@click.command("backup")
@click.option("--to", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the archive (default: the BACKUP_DIR setting, instance/backups).")
@click.option("--with-secrets", is_flag=True,
              help="Keep SECRET_KEY and passwords of instance/config.py in the archive.")
@click.option("--prune/--no-prune", default=True, show_default=True,
              help="Afterwards delete archives beyond the keep rules in that folder.")
@click.option("--keep-daily", default=7, show_default=True, type=click.IntRange(0))
@click.option("--keep-weekly", default=4, show_default=True, type=click.IntRange(0))
@click.option("--keep-monthly", default=12, show_default=True, type=click.IntRange(0))
@with_appcontext
def backup_command(directory: Path | None, with_secrets: bool, prune: bool, keep_daily: int,
                   keep_weekly: int, keep_monthly: int) -> None:
    """Write a consistent, dated backup archive while the app keeps serving."""
    # imported here: every web worker registers this command, none writes a backup (§6.20)
    from aljisr.backup.dump import BackupError, write_backup

    directory = directory or Path(current_app.config["BACKUP_DIR"] or
                                  Path(current_app.instance_path) / "backups")
    started = utcnow()
    try:
        result = write_backup(directory, with_secrets=with_secrets)
    except BackupError as error:
        _record(started, error=error)
        raise click.ClickException(f"backup failed: {error}") from error
    _record(started, path=str(result.path), size_bytes=result.size)
    rows = sum(result.manifest.tables.values())
    click.echo(f"Backup written: {result.path} ({_human(result.size)}, "
               f"{len(result.manifest.tables)} tables, {rows} rows, "
               f"schema {result.manifest.schema_revision})")
    if prune:
        for path in retention.prune(directory, keep_daily, keep_weekly, keep_monthly):
            click.echo(f"Removed old backup {path.name}")


def _record(started, **fields) -> None:  # type: ignore[no-untyped-def]
    """Keep the run's record for the admin page; a backup that worked is not undone when the
    database cannot take the record (the archive is what matters)."""
    from aljisr.backup.services import record_run

    try:
        record_run(started, **fields)
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - reported, never hides the backup's own result
        db.session.rollback()
        click.echo(f"(the run could not be recorded in the database: {error})", err=True)


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(archive: Path) -> None:
    """Restore ARCHIVE into this app's empty database, then check it (row counts, migrations,
    every certificate drawn and verified again)."""
    # here, not at the top: Alembic stays out of the web workers (aljisr.extensions)
    from aljisr.backup.restore import RestoreError, restore_archive

    try:
        report = restore_archive(archive)
    except RestoreError as error:
        raise click.ClickException(f"restore refused: {error}") from error
    rows = sum(report.rows.values())
    click.echo(f"Restored {archive.name}: {rows} rows in {len(report.rows)} tables "
               f"(schema {report.archive_revision} -> {report.head_revision}).")
    click.echo(f"Checked: row counts equal the manifest, migrations at head, "
               f"{report.certificates} certificates drawn and verified with their serials.")
