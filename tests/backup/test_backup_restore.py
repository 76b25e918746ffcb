"""Backups and restores through the real commands, on both engines (docs/operations.md).

The drill: the demo data is backed up from this run's database (SQLite or PostgreSQL) while
the app is up, restored into a new empty database of each engine, and compared table by table,
row by row; its certificates must still verify. Bad archives and bad targets are refused with
a message and a non-zero exit, leaving the target empty.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from aljisr import create_app
from aljisr.backup import retention
from aljisr.backup.archive import ArchiveReader
from aljisr.backup.models import BackupRun
from aljisr.backup.rows import encode
from aljisr.extensions import db as _db
from tests.support.databases import drop_postgres_database, fresh_postgres_database

FIXTURE = Path(__file__).parent / "data" / "backup-before-backup-runs-5d0c1e7a9b21.tar"
PG_SERVER = os.environ.get("ALJISR_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
#: Written after the archive, so never the same on both sides.
NOT_COMPARED = {"backup_runs", "alembic_version"}


def _postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_SERVER.replace("+psycopg", ""), connect_timeout=2).close()
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path, base_config: dict[str, Any]
           ) -> Iterator[Flask]:
    """An app on a new, empty database of the given engine (no tables at all). With ``demo``,
    a test restores from each engine of the run into each engine; alone, into each engine."""
    name = ""
    if request.param == "postgresql":
        if not _postgres_answers():
            pytest.skip("PostgreSQL does not answer: the PostgreSQL target is not tested")
        url, name = fresh_postgres_database(PG_SERVER)
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    app = create_app({**base_config, "DATABASE_URL": url})
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if name:
        drop_postgres_database(PG_SERVER, name)


def _run(app: Flask, *args: str) -> Any:
    """Run a command in ``app``'s own context (the test holds the source app's)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        _db.session.remove()
    return result


def _backup(app: Flask, directory: Path) -> Path:
    result = _run(app, "backup", "--to", str(directory), "--no-prune")
    assert result.exit_code == 0, result.output + result.stderr
    (archive,) = directory.glob("aljisr-backup-*.tar")
    return archive


def _table_rows(app: Flask) -> dict[str, list[str]]:
    """Every table's rows, engine-neutral and sorted, for comparing two databases."""
    with app.app_context():
        meta = sa.MetaData()
        with _db.engine.connect() as conn:
            import warnings

            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*Decimal.*")
                meta.reflect(bind=conn)
                return {
                    table.name: sorted(
                        json.dumps({k: encode(v) for k, v in row.items()}, sort_keys=True)
                        for row in conn.execute(sa.select(table)).mappings()
                    )
                    for table in meta.sorted_tables
                    if table.name not in NOT_COMPARED
                }


def _tables(app: Flask) -> list[str]:
    with app.app_context():
        return sa.inspect(_db.engine).get_table_names()


def _row_total(app: Flask) -> int:
    return sum(len(rows) for rows in _table_rows(app).values())


@pytest.fixture
def demo(app: Flask, db: Any) -> Flask:
    from aljisr.seed import load_demo

    load_demo()
    db.session.commit()
    return app


#: engine -> the archive of :func:`demo_archive`, made once in each test process.
_DEMO_ARCHIVES: dict[str, Path] = {}


@pytest.fixture
def demo_archive(app: Flask, db: Any, engine: str,
                 tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the demo with one certificate in each language (Arabic, French, English)
    instead of 31, taken on ``engine`` once per test process and only read by the tests that
    use it: those that restore it, sometimes twice, and are refused before or after the
    certificates are drawn. Loading the demo and taking the backup cost about 1.5 s a test;
    test_drill_backup_restore_and_certificates_verify takes its own, with every certificate."""
    if engine not in _DEMO_ARCHIVES:
        from aljisr.certificates.models import Certificate
        from aljisr.seed import load_demo

        load_demo()
        kept = [db.session.scalar(sa.select(sa.func.min(Certificate.id))
                                  .where(Certificate.language == language))
                for language in ("ar", "fr", "en")]
        assert None not in kept, kept
        db.session.execute(sa.delete(Certificate).where(Certificate.id.not_in(kept)))
        db.session.commit()
        _DEMO_ARCHIVES[engine] = _backup(app, tmp_path_factory.mktemp(f"demo-{engine}"))
    return _DEMO_ARCHIVES[engine]


def test_drill_backup_restore_and_certificates_verify(demo: Flask, target: Flask,
                                                       tmp_path: Path) -> None:
    archive = _backup(demo, tmp_path / "backups")
    with ArchiveReader(archive) as reader:
        assert reader.manifest.tables["certificates"] > 0
        assert reader.names("native/") in (["native/database.sqlite3"],
                                           ["native/database.pgdump"])

    result = _run(target, "restore", str(archive))
    assert result.exit_code == 0, result.output + result.stderr
    assert "row counts equal the manifest, migrations at head" in result.output

    assert _table_rows(target) == _table_rows(demo)
    with target.app_context():
        from aljisr.certificates.models import Certificate

        certificates = _db.session.scalars(sa.select(Certificate)).all()
        assert f"{len(certificates)} certificates drawn and verified" in result.output
        codes = [(c.verification_code, c.serial) for c in certificates]
    client = target.test_client()
    for code, serial in codes[:3]:
        page = client.get(f"/verify/{code}")
        assert page.status_code == 200
        assert serial in page.get_data(as_text=True)


def test_restore_that_skips_a_table_is_refused_and_leaves_nothing(
    demo_archive: Path, target: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = demo_archive
    names = ArchiveReader.names

    def without_volunteers(self: ArchiveReader, prefix: str) -> list[str]:
        return [n for n in names(self, prefix) if n != "data/volunteer_languages.jsonl.gz"]

    monkeypatch.setattr(ArchiveReader, "names", without_volunteers)
    result = _run(target, "restore", str(archive))
    assert result.exit_code == 1
    assert "row counts differ from the manifest: volunteer_languages 0 instead of" in result.stderr
    assert _tables(target) == []  # the schema it made is taken away again


def test_archive_taken_before_a_migration_is_restored_and_upgraded(target: Flask) -> None:
    result = _run(target, "restore", str(FIXTURE))
    assert result.exit_code == 0, result.output + result.stderr
    assert "(schema 5d0c1e7a9b21 -> " in result.output
    assert "31 certificates drawn and verified" in result.output
    with target.app_context():
        from aljisr.projects.models import Project

        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 9
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(BackupRun)) == 0


def test_restore_over_a_database_with_rows_is_refused(demo: Flask, tmp_path: Path) -> None:
    archive = _backup(demo, tmp_path / "backups")
    before = _table_rows(demo)
    result = _run(demo, "restore", str(archive))
    assert result.exit_code == 1
    assert "the target database is not empty" in result.stderr
    assert _table_rows(demo) == before


def _rewrite(archive: Path, out: Path, change: Any) -> Path:
    """Copy ``archive`` to ``out`` with ``change(name, data) -> data`` applied to members."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as sink:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())  # type: ignore[union-attr]
            member.size = len(data)
            sink.addfile(member, io.BytesIO(data))
    return out


def test_damaged_foreign_and_newer_archives_are_refused(demo_archive: Path, target: Flask,
                                                        tmp_path: Path) -> None:
    archive = demo_archive
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    tampered = _rewrite(archive, tmp_path / "tampered.tar",
                        lambda n, d: d[:-1] + bytes([d[-1] ^ 1]) if n.startswith("data/v") else d)
    newer = _rewrite(
        archive, tmp_path / "newer.tar",
        lambda n, d: d.replace(b'"schema_revision": "', b'"schema_revision": "fff')
        if n == "manifest.json" else d,
    )
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    not_tar = tmp_path / "notes.txt"
    not_tar.write_text("hello")
    expected = {
        truncated: "cut short",
        tampered: "does not match its checksum",
        newer: "made by a newer version of aljisr",
        foreign: "is not an aljisr backup",
        not_tar: "is not a readable backup archive",
        tmp_path / "missing.tar": "no such file",
    }
    for path, message in expected.items():
        result = _run(target, "restore", str(path))
        assert result.exit_code == 1, path
        assert message in result.stderr, (path, result.stderr)
        assert "Traceback" not in result.stderr
    assert _row_total(target) == 0


def test_missing_pg_dump_is_named_and_leaves_no_archive(demo: Flask, tmp_path: Path,
                                                        is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("pg_dump is used on PostgreSQL only")
    demo.config["PG_DUMP"] = "pg_dump-not-installed"
    result = _run(demo, "backup", "--to", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "pg_dump was not found (pg_dump-not-installed is not a program on PATH)" in result.stderr
    assert list((tmp_path / "out").iterdir()) == []
    run = _db.session.scalars(sa.select(BackupRun)).one()
    assert not run.ok and "pg_dump was not found" in run.error
    assert run.error_code == "pg_dump_not_on_path"
    assert run.error_params == {"program": "pg_dump-not-installed"}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system (tmpfs): needs root, as CI and this project's machines have."""
    mount = tmp_path / "small"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    ).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_fails_cleanly(demo: Flask, small_disk: Path) -> None:
    result = _run(demo, "backup", "--to", str(small_disk))
    assert result.exit_code == 1
    # PostgreSQL runs hit the OS's ENOSPC; SQLite's backup API says it in its own words
    full = ("No space left on device", "database or disk is full")
    assert any(words in result.stderr for words in full), (result.stderr, result.exception)
    assert list(small_disk.iterdir()) == []
    run = _db.session.scalars(sa.select(BackupRun)).one()
    assert not run.ok and any(words in run.error for words in full)


def test_secrets_stay_out_unless_asked(demo: Flask, tmp_path: Path) -> None:
    instance = Path(demo.instance_path)
    instance.mkdir(exist_ok=True)
    config = instance / "config.py"
    existed = config.exists()
    original = config.read_text() if existed else ""
    config.write_text(original + "\nSECRET_KEY = 'do-not-copy'\nPAGE_SIZE = 30\n"
                      "DATABASE_URL = 'postgresql://aljisr:db-pass-9@db.internal/aljisr'\n"
                      "RATELIMIT_STORAGE_URI = \"redis://:redis-pass-7@127.0.0.1:6379/0\"\n")
    try:
        plain = _backup(demo, tmp_path / "a")
        _run(demo, "backup", "--to", str(tmp_path / "b"), "--with-secrets", "--no-prune")
        (secret,) = (tmp_path / "b").glob("*.tar")
        with ArchiveReader(plain) as reader:
            text = reader.read("instance/config.py").decode()
            assert "do-not-copy" not in text and "PAGE_SIZE = 30" in text
            assert "db-pass-9" not in text and "redis-pass-7" not in text
            assert "postgresql://aljisr:***@db.internal/aljisr" in text
            assert not reader.manifest.secrets_included
        with ArchiveReader(secret) as reader:
            assert "do-not-copy" in reader.read("instance/config.py").decode()
            assert "db-pass-9" in reader.read("instance/config.py").decode()
        for archive in (plain, secret):  # personal data and password hashes: the owner only
            assert archive.stat().st_mode & 0o777 == 0o600
    finally:
        if existed:
            config.write_text(original)
        else:
            config.unlink()


def test_retention_keeps_seven_daily_four_weekly_twelve_monthly(tmp_path: Path) -> None:
    start = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)
    times = [start + timedelta(days=d) for d in range(500)]
    for moment in times:
        (tmp_path / f"aljisr-backup-{moment:%Y%m%dT%H%M%SZ}.tar").write_bytes(b"")
    (tmp_path / "unrelated.txt").write_text("kept")
    removed = retention.prune(tmp_path)
    kept = sorted(t for t, _ in retention.archives(tmp_path))
    newest = times[-1]
    assert kept[-7:] == times[-7:]  # the last seven days
    assert len({(t.year, t.month) for t in kept}) == 12
    assert len({t.isocalendar()[:2] for t in kept}) >= 4 + 1
    assert min(kept) > newest - timedelta(days=366)
    assert len(kept) + len(removed) == 500
    assert (tmp_path / "unrelated.txt").exists()


def test_backups_page_and_overview_warning(as_role: Any, db: Any, app: Flask) -> None:
    admin, _ = as_role("admin")
    assert "No backup has been taken yet." in admin.get("/home").get_data(as_text=True)
    db.session.add(BackupRun(started_at=datetime.now(UTC) - timedelta(days=3), ok=True,
                             path="/srv/old.tar", size_bytes=3 * 1024 * 1024))
    db.session.add(BackupRun(started_at=datetime.now(UTC) - timedelta(hours=1), ok=False,
                             error="pg_dump failed: boom"))
    db.session.commit()
    overview = admin.get("/home").get_data(as_text=True)
    assert "more than 2 days ago" in overview
    page = admin.get("/admin/backups").get_data(as_text=True)
    assert "pg_dump failed: boom" in page and "/srv/old.tar" in page and "3.0 MB" in page
    db.session.add(BackupRun(started_at=datetime.now(UTC), ok=True, path="/srv/new.tar",
                             size_bytes=1))
    db.session.commit()
    assert 'id="backup-warning"' not in admin.get("/home").get_data(as_text=True)
    coordinator, _ = as_role("coordinator")
    assert 'id="backup-warning"' not in coordinator.get("/home").get_data(as_text=True)


def test_a_failed_backup_is_said_in_the_readers_language(as_role: Any, db: Any) -> None:
    """The run keeps why it failed as a code and values; the Backups page words it in the
    reader's language, with the path and what the system said isolated left to right."""
    from aljisr.backup.dump import BackupError
    from aljisr.backup.services import record_run
    from aljisr.i18n import LRI, PDI

    record_run(datetime.now(UTC) - timedelta(hours=2),
               error=BackupError("pg_dump_not_on_path", program="pg_dump"))
    record_run(datetime.now(UTC) - timedelta(hours=1),
               error=BackupError("cannot_write", folder="/srv/backups",
                                 detail="No space left on device"))
    db.session.add(BackupRun(started_at=datetime.now(UTC), ok=False,
                             error="an older run's words"))  # recorded before codes were kept
    db.session.commit()
    admin, _ = as_role("admin")
    english = admin.get("/admin/backups").get_data(as_text=True)
    assert "pg_dump was not found (" in english
    assert f"Could not write the backup into {LRI}/srv/backups{PDI}: " in english
    assert "an older run&#39;s words" in english
    wanted = {
        "fr": ("pg_dump est introuvable", "Impossible d’écrire la sauvegarde dans "
               f"{LRI}/srv/backups{PDI}\u00a0: {LRI}No space left on device{PDI}"),
        "ar": ("لم يُعثر على pg_dump", f"تعذّرت كتابة النسخة الاحتياطية في {LRI}/srv/backups{PDI}"),
    }
    for language, (missing, full) in wanted.items():
        admin.post("/language", data={"language": language, "next": "/home"})
        page = admin.get("/admin/backups").get_data(as_text=True)
        assert missing in page and full in page, language
        assert "pg_dump was not found" not in page and "Could not write" not in page


def test_every_backup_error_reads_in_each_language(app: Flask) -> None:
    """Each code's message takes the values its places name, in English (the command) and
    in every catalogue (the page): a place renamed in one of them would fail here, not when
    a backup fails at night."""
    import re

    from aljisr.backup.dump import BACKUP_ERRORS, BackupError, backup_error_text
    from aljisr.i18n import force_locale

    for code, message in BACKUP_ERRORS.items():
        with app.test_request_context(), force_locale("en"):
            names = set(re.findall(r"%\((\w+)\)s", str(message)))
        error = BackupError(code, **{name: f"<{name}>" for name in names})
        assert all(f"<{name}>" in str(error) for name in names), code
        for language in ("fr", "ar"):
            with app.test_request_context(), force_locale(language):
                text = backup_error_text(error.code, error.params)
            assert text != str(error) and all(f"<{name}>" in text for name in names), (
                code, language)


def test_an_unreachable_target_is_named_without_a_traceback(demo: Flask, tmp_path: Path,
                                                             app_config: dict[str, Any]) -> None:
    archive = _backup(demo, tmp_path / "backups")
    missing = create_app({**app_config,
                          "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"})
    result = _run(missing, "restore", str(archive))
    assert result.exit_code == 1
    assert "cannot use the target database: unable to open database file" in result.stderr
    assert "Traceback" not in result.stderr
    result = _run(missing, "backup", "--to", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "Cannot read the database" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("failure", [
    pytest.param(lambda: (_ for _ in ()).throw(
        _restore_error("certificate C-1 does not render or verify after the restore.")),
        id="check-refuses"),
    # what a production install without fontTools met: an Arabic certificate cannot be drawn
    pytest.param(lambda: (_ for _ in ()).throw(ImportError("fonttools is not installed.")),
                 id="check-crashes"),
])
def test_a_failed_check_after_loading_leaves_the_target_empty(
    demo_archive: Path, target: Flask, monkeypatch: pytest.MonkeyPatch, failure: Any
) -> None:
    from aljisr.backup import restore

    archive = demo_archive
    monkeypatch.setattr(restore, "_verify_certificates", failure)
    result = _run(target, "restore", str(archive))
    assert result.exit_code == 1, result.output
    # the last word is the reason and what became of the target (an unexpected error's
    # traceback is logged above it, for whoever reports it)
    last = result.stderr.rstrip().splitlines()[-1]
    assert last.startswith("Error: restore refused: ") and result.exception.__class__ is SystemExit
    assert last.endswith("(nothing was kept: the target database is empty again)"), last
    assert _tables(target) == []  # migrated back to nothing (docs/operations.md §4)
    # and the same archive restores into it afterwards, once the check passes again
    monkeypatch.undo()
    result = _run(target, "restore", str(archive))
    assert result.exit_code == 0, result.output + result.stderr


def _restore_error(message: str) -> Exception:
    from aljisr.backup.restore import RestoreError

    return RestoreError(message)
