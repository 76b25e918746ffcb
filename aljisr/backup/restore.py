"""Restoring an archive into an empty database of either engine, then proving it:
:func:`restore_archive`.

Steps, each stopping with :class:`RestoreError` before anything is written when it fails:

1. the archive is read and every member checked against the manifest's checksums;
2. its schema revision must be one this code knows (an archive from newer code is refused);
3. the target database must hold no rows (empty tables left by ``init-db`` are allowed);
4. the schema is migrated to the archive's revision, and every table's rows (but the summary
   tables kept by triggers, which are recomputed) are loaded in one
   transaction, in foreign-key order (a column pointing into its own table is filled in a
   second pass); the tables' row counts must equal the manifest's before it commits, so a
   failure leaves empty tables, never half a database;
5. the schema is upgraded to this code's newest revision, the summary tables kept by triggers
   are recomputed, and every certificate is drawn again and looked up by its verification
   code, which must give back the same serial number.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from flask_migrate import downgrade, upgrade

from aljisr.backup.archive import ArchiveError, ArchiveReader, iter_jsonl
from aljisr.backup.dump import SKIPPED_TABLES, database_error
from aljisr.backup.rows import decode
from aljisr.extensions import db

BATCH = 1000


class RestoreError(Exception):
    """The archive was not restored; the message says why. Nothing was left half-written."""


@dataclass
class RestoreReport:
    """What a restore did: the archive's revision, rows loaded per table, the revision now,
    and the certificates drawn and verified again (``certificates``)."""

    archive_revision: str | None
    head_revision: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    certificates: int = 0


def derived_tables() -> dict[str, Callable[[], int]]:
    """Tables kept by database triggers from other tables, with the function that recomputes
    each (``rebuild_*``). They are loaded like the others, then recomputed after the upgrade."""
    from aljisr.hours.services import rebuild_month_totals
    from aljisr.placements.services import rebuild_project_bookings
    from aljisr.volunteers.services import rebuild_volunteer_counts

    return {
        "hours_month_totals": rebuild_month_totals,
        "project_bookings": rebuild_project_bookings,
        "volunteer_counts": rebuild_volunteer_counts,
    }


def _script() -> ScriptDirectory:
    migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)
    return ScriptDirectory.from_config(config)


def _check_revision(revision: str | None, name: str) -> None:
    if revision is None:
        raise RestoreError(f"{name} records no schema revision: it cannot be restored.")
    try:
        known = _script().get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise RestoreError(
            f"{name} was made by a newer version of aljisr (schema revision {revision} is "
            "unknown to this code): upgrade the application first, then restore."
        )


def _current_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _check_empty(conn: sa.Connection) -> None:
    meta = sa.MetaData()
    meta.reflect(bind=conn)
    full = [
        t.name for t in meta.sorted_tables
        if t.name not in SKIPPED_TABLES
        and conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
    ]
    if full:
        raise RestoreError(
            "the target database is not empty (rows in " + ", ".join(sorted(full)) + "): "
            "restore only into a new, empty database, so that nothing stored is overwritten."
        )


def _load(conn: sa.Connection, reader: ArchiveReader) -> dict[str, int]:
    """Insert the archive's rows; return the row count of each table after loading."""
    meta = sa.MetaData()
    meta.reflect(bind=conn)
    archived = {n.removeprefix("data/").removesuffix(".jsonl.gz") for n in reader.names("data/")}
    missing = archived - set(meta.tables)
    if missing:
        raise RestoreError(f"the schema has no table {', '.join(sorted(missing))}.")
    derived = derived_tables()
    for table in meta.sorted_tables:
        if table.name not in archived or table.name in derived:
            continue  # summary tables are recomputed once the schema is at its head
        self_refs = [
            fk.parent.name for fk in table.foreign_keys if fk.column.table is table
        ]
        pk = [c.name for c in table.primary_key.columns]
        later: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []
        for raw in iter_jsonl(reader.read(f"data/{table.name}.jsonl.gz")):
            row = {k: decode(v, table.c[k]) for k, v in raw.items() if k in table.c}
            pending = {k: row[k] for k in self_refs if row.get(k) is not None}
            if pending:
                later.append({**{f"pk_{k}": row[k] for k in pk}, **pending})
                row.update({k: None for k in pending})
            batch.append(row)
            if len(batch) >= BATCH:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
        for update in later:
            values = {k: v for k, v in update.items() if not k.startswith("pk_")}
            where = [table.c[k] == update[f"pk_{k}"] for k in pk]
            conn.execute(table.update().where(*where).values(**values))
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn, meta)
    return {
        table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in meta.sorted_tables
        if table.name not in SKIPPED_TABLES
    }


def _reset_sequences(conn: sa.Connection, meta: sa.MetaData) -> None:
    """Move each serial/identity sequence past the highest id loaded."""
    for table in meta.sorted_tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": column.name},
            ).scalar()
            if sequence:
                conn.execute(
                    sa.text(
                        f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") '  # noqa: S608
                        f'FROM "{table.name}"), 0) + 1, false)'
                    ),
                    {"s": sequence},
                )


def _prepare_schema(revision: str) -> None:
    """Bring the (empty) database to ``revision``."""
    with db.engine.connect() as conn:
        current = _current_revision(conn)
    if current is not None and current != revision:
        downgrade(revision="base")
    upgrade(revision=revision)


def _verify_certificates() -> int:
    """Draw every certificate from its snapshot and look it up by its code again; return how
    many. :class:`RestoreError` names the first that does not come back the same."""
    from aljisr.certificates.downloads import certificate_pdf
    from aljisr.certificates.models import Certificate
    from aljisr.certificates.queries import find_by_code

    count = 0
    for cert in db.session.scalars(sa.select(Certificate).order_by(Certificate.id)):
        pdf = certificate_pdf(cert)
        found = find_by_code(cert.verification_code)
        if not pdf.startswith(b"%PDF") or found is None or found.serial != cert.serial:
            raise RestoreError(
                f"certificate {cert.serial} does not render or verify after the restore."
            )
        count += 1
    return count


def restore_archive(path: Path) -> RestoreReport:
    """Restore the archive at ``path`` into the app's (empty) database and prove it.

    Anything that fails once the schema was created (a row the database refuses, a count that
    differs, a check after the upgrade) takes the schema away again, so the target is left as
    empty as it was found.

    :raises RestoreError: for a damaged, foreign or newer archive, a target that cannot be
        reached or holds rows, or a check that fails (row counts, migrations, certificates).
    """
    try:
        reader = ArchiveReader(Path(path))
    except ArchiveError as error:
        raise RestoreError(str(error)) from error
    with reader:
        manifest = reader.manifest
        _check_revision(manifest.schema_revision, reader.path.name)
        assert manifest.schema_revision is not None
        try:
            with db.engine.connect() as conn:
                if _current_revision(conn) is not None or sa.inspect(conn).get_table_names():
                    _check_empty(conn)
        except sa.exc.SQLAlchemyError as error:
            raise RestoreError(
                f"cannot use the target database: {database_error(error)}"
            ) from error
        db.session.remove()
        try:
            return _restore_into_empty(reader)
        except BaseException as error:
            # Any failure once the schema exists (a refused row, a failed check, a library
            # missing when the certificates are drawn, Ctrl-C) empties the target again.
            left = _take_schema_away()
            if not isinstance(error, Exception):
                raise
            if isinstance(error, RestoreError):
                reason = str(error)
            elif isinstance(error, sa.exc.SQLAlchemyError):
                reason = f"the target database refused the data: {database_error(error)}"
            else:
                current_app.logger.exception("restore failed after loading")
                reason = f"{type(error).__name__}: {error}"
            raise RestoreError(f"{reason} ({_left_text(left)})") from error


def _restore_into_empty(reader: ArchiveReader) -> RestoreReport:
    manifest = reader.manifest
    assert manifest.schema_revision is not None
    report = RestoreReport(archive_revision=manifest.schema_revision)
    _prepare_schema(manifest.schema_revision)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does \\*not\\* support Decimal.*")
        with db.engine.begin() as conn:
            counts = _load(conn, reader)
            wrong = {
                name: (counts.get(name), expected)
                for name, expected in manifest.tables.items()
                if name not in derived_tables() and counts.get(name) != expected
            }
            if wrong:
                raise RestoreError(
                    "row counts differ from the manifest: " + ", ".join(
                        f"{name} {got} instead of {expected}"
                        for name, (got, expected) in sorted(wrong.items())
                    )
                )
    report.rows = counts
    upgrade()
    with db.engine.connect() as conn:
        report.head_revision = _current_revision(conn)
    head = _script().get_current_head()
    if report.head_revision != head:
        raise RestoreError(f"migrations stopped at {report.head_revision}, not at {head}.")
    for name, rebuild in derived_tables().items():
        if name in manifest.tables:
            rebuild()
    db.session.commit()
    if manifest.schema_revision == head:
        _check_derived(manifest.tables)
    report.certificates = _verify_certificates()
    db.session.rollback()
    return report


def _take_schema_away() -> list[str]:
    """After a failed restore: migrate the target back to nothing (docs/operations.md §4),
    then drop any table the migrations left. Returns the tables still there (none, unless the
    database refuses even that); never raises, since the restore's own error is what the
    operator must see."""
    try:
        db.session.rollback()
        db.session.remove()
        with db.engine.connect() as conn:
            migrated = _current_revision(conn) is not None
        if migrated:
            downgrade(revision="base")
    except Exception:  # noqa: BLE001 - the tables are dropped below instead
        current_app.logger.exception("could not migrate the target back after a failed restore")
    try:
        meta = sa.MetaData()
        with db.engine.begin() as conn:
            meta.reflect(bind=conn)
            meta.drop_all(bind=conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        with db.engine.connect() as conn:
            return sorted(sa.inspect(conn).get_table_names())
    except Exception as error:  # noqa: BLE001
        current_app.logger.exception("could not empty the target after a failed restore")
        return [f"unknown ({database_error(error)})"]


def _left_text(left: list[str]) -> str:
    """What a failed restore left behind, for its message."""
    if not left:
        return "nothing was kept: the target database is empty again"
    return (f"the target database could not be emptied, tables left: {', '.join(left)}; "
            "drop and create it again before the next restore")


def _check_derived(expected: dict[str, int]) -> None:
    meta = sa.MetaData()
    with db.engine.connect() as conn:
        meta.reflect(bind=conn, only=[n for n in derived_tables() if n in expected])
        for table in meta.sorted_tables:
            got = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            if got != expected[table.name]:
                raise RestoreError(
                    f"{table.name} was recomputed with {got} rows, the archive had "
                    f"{expected[table.name]}."
                )
