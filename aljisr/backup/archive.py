"""The backup archive: one dated ``.tar`` file holding a manifest, the database in two forms and
the instance files.

Layout of ``aljisr-backup-<UTC time>.tar`` (see ``docs/operations.md``)::

    manifest.json            format, time, engine, schema revision, row counts, checksums
    data/<table>.jsonl.gz    every row of every table, engine-neutral (what ``restore`` reads)
    native/database.sqlite3  SQLite: a page-for-page copy made by the online backup API
    native/database.pgdump   PostgreSQL: ``pg_dump --format=custom`` of the same snapshot
    instance/<file>          the files the app keeps in ``instance/`` (``config.py`` without
                             its secrets unless asked)

The manifest names the SHA-256 of every other member, so a truncated or altered archive is
refused before anything is written. Members are written uncompressed into the tar (the table
files are gzip streams of their own), so a damaged member is found by its checksum alone.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

#: Written into every manifest; ``restore`` refuses any other value (a foreign archive).
FORMAT = "aljisr-backup/1"
MANIFEST = "manifest.json"


class ArchiveError(Exception):
    """The archive cannot be used: not ours, damaged, or from newer code. Its message says
    which, and names the archive."""


@dataclass
class Manifest:
    """What ``manifest.json`` holds.

    ``tables`` maps each table to its row count at backup time; ``files`` maps each member
    path to the SHA-256 hex digest of its bytes; ``created_at`` is an ISO 8601 UTC time.
    """

    created_at: str
    engine: str
    schema_revision: str | None
    app_version: str
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    secrets_included: bool = False
    format: str = FORMAT

    def to_json(self) -> bytes:
        """The manifest as indented UTF-8 JSON."""
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes, name: str) -> Manifest:
        """Parse ``data``; :class:`ArchiveError` naming ``name`` when it is not a manifest of
        this format."""
        try:
            raw = json.loads(data)
            if not isinstance(raw, dict) or raw.get("format") != FORMAT:
                raise ValueError
            return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})
        except (ValueError, TypeError, KeyError) as error:
            raise ArchiveError(
                f"{name} is not an aljisr backup (its manifest is missing or of another "
                f"format; expected {FORMAT!r})."
            ) from error


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class ArchiveWriter:
    """Adds members to a new tar archive and records their checksums; :meth:`close` writes
    the manifest last. Used as a context manager over an open binary file."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._tar = tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT)
        self.files: dict[str, str] = {}

    def add_bytes(self, name: str, data: bytes) -> None:
        """Add ``data`` as member ``name``."""
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        self._tar.addfile(info, io.BytesIO(data))
        if name != MANIFEST:
            self.files[name] = sha256(data)

    def add_file(self, name: str, path: Path) -> None:
        """Add the file at ``path`` as member ``name``, hashing it as it is read."""
        digest = hashlib.sha256()
        with open(path, "rb") as source:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
        info = self._tar.gettarinfo(str(path), arcname=name)
        info.mode = 0o600
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        with open(path, "rb") as source:
            self._tar.addfile(info, source)
        self.files[name] = digest.hexdigest()

    def finish(self, manifest: Manifest) -> None:
        """Write ``manifest`` (with the recorded checksums) and close the tar stream."""
        manifest.files = dict(sorted(self.files.items()))
        self.add_bytes(MANIFEST, manifest.to_json())
        self._tar.close()


class ArchiveReader:
    """Reads and checks an archive made by :class:`ArchiveWriter`.

    Opening it reads the manifest and checks every member against its checksum, so nothing is
    restored from a damaged archive. Raises :class:`ArchiveError` naming the file for a file
    that is missing, not a tar, truncated, foreign, or whose members do not match.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        name = self.path.name
        if not self.path.is_file():
            raise ArchiveError(f"{self.path}: no such file.")
        try:
            self._tar = tarfile.open(self.path, mode="r:")
        except (tarfile.TarError, EOFError, OSError) as error:
            raise ArchiveError(
                f"{name} is not a readable backup archive (not a tar file, or cut short): "
                f"{error}."
            ) from error
        try:
            self._members = {m.name: m for m in self._tar.getmembers() if m.isfile()}
        except (tarfile.TarError, EOFError, OSError) as error:
            self._tar.close()
            raise ArchiveError(
                f"{name} is not a readable backup archive (not a tar file, or cut short): "
                f"{error}."
            ) from error
        try:
            if MANIFEST not in self._members:
                raise ArchiveError(
                    f"{name} is not an aljisr backup (it has no {MANIFEST}), or it was cut "
                    "short."
                )
            self.manifest = Manifest.from_json(self.read(MANIFEST), name)
            self._check()
        except ArchiveError:
            self._tar.close()
            raise

    def _check(self) -> None:
        name = self.path.name
        for member, expected in self.manifest.files.items():
            if member not in self._members:
                raise ArchiveError(f"{name}: {member} is missing (the archive was cut short).")
            if sha256(self.read(member)) != expected:
                raise ArchiveError(
                    f"{name}: {member} does not match its checksum in the manifest "
                    "(the archive was damaged or altered)."
                )
        extra = set(self._members) - set(self.manifest.files) - {MANIFEST}
        if extra:
            raise ArchiveError(f"{name}: members not in the manifest: {', '.join(sorted(extra))}.")

    def read(self, member: str) -> bytes:
        """The bytes of ``member``."""
        try:
            handle = self._tar.extractfile(self._members[member])
            assert handle is not None
            return handle.read()
        except (tarfile.TarError, EOFError, OSError) as error:
            raise ArchiveError(f"{self.path.name}: {member} cannot be read: {error}.") from error

    def names(self, prefix: str) -> list[str]:
        """Member names starting with ``prefix``, sorted."""
        return sorted(n for n in self.manifest.files if n.startswith(prefix))

    def close(self) -> None:
        """Close the underlying file."""
        self._tar.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def iter_jsonl(data: bytes) -> Iterator[dict[str, Any]]:
    """The JSON objects of a gzip-compressed JSON-lines member."""
    import gzip

    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)
