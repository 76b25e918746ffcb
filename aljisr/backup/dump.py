"""Taking a backup while the app keeps serving: :func:`write_backup`.

Consistency: on SQLite the database is first copied page by page with SQLite's online backup
API (https://www.sqlite.org/backup.html; never a plain file copy, which can catch a write
half-done), and the table rows are read from that copy. On PostgreSQL the rows are read in one
``REPEATABLE READ`` transaction whose snapshot is exported (``pg_export_snapshot()``) and handed
to ``pg_dump --snapshot``, so the custom-format dump and the rows are the same instant
(https://www.postgresql.org/docs/15/app-pgdump.html).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from aljisr.backup.archive import ArchiveWriter, Manifest
from aljisr.backup.rows import encode
from aljisr.extensions import db
from aljisr.i18n import _l, force_locale, ltr

#: Names in ``instance/config.py`` whose values are secrets: left out unless asked.
SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "KEY")
#: Tables whose rows say nothing the data does not: Alembic's own bookkeeping.
SKIPPED_TABLES = {"alembic_version"}


def database_error(error: BaseException) -> str:
    """The first line of what the database driver said, without SQLAlchemy's SQL and links."""
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


#: Why a backup failed, by code: the message (a gettext msgid) and its ``%(name)s`` places.
#: Stored as code and values (:class:`aljisr.backup.models.BackupRun`), so the Backups page
#: says it in each reader's language; the command says it in English.
BACKUP_ERRORS = {
    "in_memory": _l("The database is an in-memory SQLite database: nothing to back up."),
    "sqlite_copy": _l("SQLite could not copy %(path)s: %(detail)s"),
    "pg_dump_not_on_path": _l(
        "pg_dump was not found (%(program)s is not a program on PATH): install the PostgreSQL "
        "client of the server's version (Debian: apt-get install postgresql-client) or set "
        "PG_DUMP to its path."),
    "pg_dump_not_there": _l(
        "pg_dump was not found (%(program)s is not a program there): install the PostgreSQL "
        "client of the server's version (Debian: apt-get install postgresql-client) or set "
        "PG_DUMP to its path."),
    "cannot_run": _l("Cannot run %(program)s: %(detail)s"),
    "pg_dump_failed": _l("pg_dump failed (exit code %(status)s): %(detail)s"),
    "pg_dump_failed_silently": _l("pg_dump failed (exit code %(status)s)."),
    "cannot_create_folder": _l("Cannot create the folder %(folder)s: %(detail)s"),
    "unsupported_engine": _l("Unsupported database engine %(engine)s."),
    "cannot_write": _l("Could not write the backup into %(folder)s: %(detail)s"),
    "cannot_read_database": _l("Cannot read the database: %(detail)s"),
}


def backup_error_text(code: str, params: dict[str, str]) -> str:
    """The message of a failed backup's ``code`` (:data:`BACKUP_ERRORS`) in the current
    language, each value isolated left to right (paths, program names and what a program
    said are not translated, and keep their order inside an Arabic sentence). An unknown
    code (one a later version added) is shown as it is."""
    message = BACKUP_ERRORS.get(code)
    if message is None:
        return code
    return str(message) % {name: ltr(str(value)) for name, value in params.items()}


class BackupError(Exception):
    """The backup could not be written (no archive is left behind): ``code`` names why
    (:data:`BACKUP_ERRORS`), ``params`` fill its message (strings: paths, a program's
    words). ``str()`` is the message in English, as the command says it."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}
        with force_locale("en"):
            text = str(BACKUP_ERRORS[code]) % self.params
        super().__init__(text)


@dataclass
class BackupResult:
    """A written archive: its path, size in bytes and manifest."""

    path: Path
    size: int
    manifest: Manifest


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aljisr")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _export_tables(conn: sa.Connection, writer: ArchiveWriter) -> dict[str, int]:
    """Write every table's rows as ``data/<table>.jsonl.gz``; return the row counts."""
    meta = sa.MetaData()
    with warnings.catch_warnings():
        # SQLite keeps NUMERIC as numbers; reading them as Decimal is what we want here.
        warnings.filterwarnings("ignore", message=".*does \\*not\\* support Decimal.*")
        meta.reflect(bind=conn)
        counts: dict[str, int] = {}
        for table in sorted(meta.tables.values(), key=lambda t: t.name):
            if table.name in SKIPPED_TABLES:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            buffer = io.BytesIO()
            count = 0
            with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as stream:
                for row in conn.execute(sa.select(table).order_by(*order)).mappings():
                    line = {key: encode(value) for key, value in row.items()}
                    stream.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
                    count += 1
            writer.add_bytes(f"data/{table.name}.jsonl.gz", buffer.getvalue())
            counts[table.name] = count
    return counts


def _instance_files(writer: ArchiveWriter, instance: Path, exclude: set[Path],
                    with_secrets: bool) -> None:
    """Add the instance folder's files, except the live database and earlier backups;
    ``config.py`` lines naming a secret are blanked unless ``with_secrets``."""
    if not instance.is_dir():
        return
    for path in sorted(instance.rglob("*")):
        if not path.is_file() or path.resolve() in exclude or path.name.startswith("."):
            continue
        if any(part in {"backups", "__pycache__"} for part in path.relative_to(instance).parts):
            continue
        if path.name.endswith((".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".sqlite3-journal")):
            continue
        name = "instance/" + path.relative_to(instance).as_posix()
        if path.name == "config.py" and not with_secrets:
            writer.add_bytes(name, _without_secrets(path.read_text(encoding="utf-8")).encode())
        else:
            writer.add_file(name, path)


#: ``scheme://user:password@host``: the password part of a URL (a database's, Redis's).
URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'\"]*:)[^@\s'\"]*@")


def _without_secrets(source: str) -> str:
    """``config.py`` with the values of settings named like a secret blanked, and every
    password written inside a URL replaced by ``***``."""
    lines = []
    for line in source.splitlines():
        name = line.split("=", 1)[0].strip().upper()
        if "=" in line and any(word in name for word in SECRET_WORDS):
            lines.append(f"# {line.split('=', 1)[0].strip()} = ...  (left out of the backup)")
        else:
            lines.append(URL_PASSWORD.sub(r"\g<head>***@", line))
    return "\n".join(lines) + "\n"


@contextmanager
def _sqlite_copy(engine: sa.Engine, workdir: Path) -> Iterator[tuple[sa.Connection, Path]]:
    """A connection to a consistent copy of the SQLite database, made by the backup API."""
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("in_memory")
    copy = workdir / "database.sqlite3"
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupError("sqlite_copy", path=source_path, detail=error) from error
    finally:
        target.close()
        source.close()
    copy_engine = sa.create_engine(f"sqlite:///{copy}")
    try:
        with copy_engine.connect() as conn:
            yield conn, copy
    finally:
        copy_engine.dispose()


def _pg_dump_command() -> str:
    wanted = current_app.config.get("PG_DUMP") or "pg_dump"
    command = shutil.which(wanted)
    if command is None:
        raise BackupError(
            "pg_dump_not_on_path" if os.sep not in wanted else "pg_dump_not_there",
            program=wanted)
    return command


def _pg_dump(url: sa.URL, snapshot: str, target: Path) -> None:
    """``pg_dump --format=custom --snapshot`` into ``target`` (password through PGPASSWORD)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = _pg_dump_command()
    try:
        result = subprocess.run(  # noqa: S603 - fixed program, our own arguments
            [command, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
             f"--file={target}", f"--dbname={libpq}"],
            env=env, capture_output=True, check=False,
        )
    except OSError as error:
        raise BackupError("cannot_run", program=command,
                          detail=error.strerror or error) from error
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip()
        if said:
            raise BackupError("pg_dump_failed", status=result.returncode, detail=said)
        raise BackupError("pg_dump_failed_silently", status=result.returncode)


def write_backup(directory: Path, *, with_secrets: bool = False,
                 now: datetime | None = None) -> BackupResult:
    """Write ``aljisr-backup-<UTC time>.tar`` into ``directory`` (created if missing).

    The archive is written under a temporary name and renamed when complete, so a failure
    (a full disk, pg_dump missing or failing) leaves no archive and raises
    :class:`BackupError` with the reason. ``now`` (UTC) names the file; default: the clock.
    """
    now = now or datetime.now(UTC)
    engine = db.engine
    directory = Path(directory)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError("cannot_create_folder", folder=directory,
                          detail=error.strerror or error) from error
    final = directory / f"aljisr-backup-{now:%Y%m%dT%H%M%SZ}.tar"
    partial = final.with_suffix(".tar.partial")
    instance = Path(current_app.instance_path)
    try:
        with tempfile.TemporaryDirectory(prefix="aljisr-backup-", dir=directory) as work, \
                open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                     "wb") as handle:
            writer = ArchiveWriter(handle)
            workdir = Path(work)
            exclude: set[Path] = set()
            if engine.dialect.name == "sqlite":
                exclude.add(Path(engine.url.database or "").resolve())
                with _sqlite_copy(engine, workdir) as (conn, copy):
                    revision = _revision(conn)
                    counts = _export_tables(conn, writer)
                writer.add_file("native/database.sqlite3", copy)
            elif engine.dialect.name == "postgresql":
                with engine.connect().execution_options(
                    isolation_level="REPEATABLE READ"
                ) as conn, conn.begin():
                    conn.execute(sa.text("SET TRANSACTION READ ONLY"))
                    snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                    dump = workdir / "database.pgdump"
                    _pg_dump(engine.url, snapshot, dump)
                    revision = _revision(conn)
                    counts = _export_tables(conn, writer)
                writer.add_file("native/database.pgdump", dump)
            else:  # pragma: no cover - only the two engines are supported
                raise BackupError("unsupported_engine", engine=engine.dialect.name)
            _instance_files(writer, instance, exclude, with_secrets)
            manifest = Manifest(
                created_at=now.isoformat(), engine=engine.dialect.name,
                schema_revision=revision, app_version=_app_version(), tables=counts,
                secrets_included=with_secrets,
            )
            writer.finish(manifest)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, final)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError("cannot_write", folder=directory,
                          detail=error.strerror or error) from error
    except (sa.exc.SQLAlchemyError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise BackupError("cannot_read_database", detail=database_error(error)) from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path=final, size=final.stat().st_size, manifest=manifest)
