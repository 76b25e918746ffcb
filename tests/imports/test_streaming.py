"""A volunteer list is read as a stream (issue 16, scale: memory bounded): rows come out of
the file as they are used, and the worker's preview never reads the file as one table."""

from __future__ import annotations

import io

import pytest

from aljisr.imports import jobs, reading
from aljisr.imports import queries as import_queries
from aljisr.imports.models import ImportBatch
from tests.support.imports import new_batch_id, upload_file

MAX = 20 * 1024 * 1024


def _large_csv(rows: int, encoding: str = "cp1252") -> bytes:
    lines = ["Prénom;Nom;Courriel;Remarques"]
    lines += [f'Léa;Fontaine {i};v{i}@example.org;"Arrive en train\nle 3 juillet"'
              for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


class Watched(io.BytesIO):
    """A file that remembers the furthest position it was read to."""

    furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-16"])
def test_a_csv_yields_its_rows_before_the_file_is_read_to_its_end(app, tmp_path, encoding):
    path = tmp_path / "large.csv"
    path.write_bytes(_large_csv(20_000, encoding))
    size = path.stat().st_size
    with path.open("rb") as file:
        rows = reading.open_rows("large.csv", file, max_bytes=MAX)
        assert rows.headers == ["Prénom", "Nom", "Courriel", "Remarques"]
        records = rows.records()
        first = next(records)
        assert first == (2, ["Léa", "Fontaine 0", "v0@example.org",
                             "Arrive en train\nle 3 juillet"])
        # the reader has taken a block of the file, not the whole of it
        assert file.tell() < size // 10
        assert sum(1 for _ in records) == 19_999
        assert file.tell() == size


def test_a_workbook_and_a_csv_read_as_a_stream_give_the_table(app):
    data = _large_csv(50)
    table = reading.read_table("list.csv", data, max_bytes=MAX)
    stream = reading.open_rows("list.csv", data, max_bytes=MAX)
    assert list(stream.records()) == list(table.records())
    assert list(stream.records()) == list(table.records())  # read again from the start
    assert (stream.encoding, stream.delimiter) == ("cp1252", ";")


def test_the_worker_checks_a_large_file_without_reading_it_as_one_table(as_role, db,
                                                                       monkeypatch):
    client, _user = as_role("coordinator")
    client.application.config["IMPORT_INLINE_BYTES"] = 0  # every file goes to the worker
    batch_id = new_batch_id(upload_file(client, "large.csv", data=_large_csv(1_200)))
    assert client.get(f"/imports/{batch_id}/preview").status_code == 200  # queues the check
    watched: list[Watched] = []
    opened = reading.open_rows

    def watching(file_name, data, **kw):
        watched.append(Watched(data))
        return opened(file_name, watched[-1], **kw)

    def whole(*args, **kw):
        raise AssertionError("the file was read as one table")

    monkeypatch.setattr(import_queries, "open_rows", watching)
    monkeypatch.setattr(import_queries, "read_table", whole)
    assert jobs.run_next() is True
    batch = db.session.get(ImportBatch, batch_id)
    db.session.refresh(batch)
    assert batch.job_state == "done", batch.job_error
    assert (batch.progress_done, batch.progress_total) == (1_200, 1_200)
    assert len(batch.preview["rows"]) == 1_200
    assert batch.preview["rows"][-1]["number"] == 1_201
    assert watched and watched[0].furthest == len(batch.content)


def test_a_byte_that_cannot_be_decoded_far_into_the_file_is_named_not_a_500(as_role, db):
    client, _user = as_role("coordinator")
    # Windows-1252 for the sniffed beginning, then a byte that code page does not define
    data = _large_csv(4_000) + "Zoé;Martin;z@example.org;x\r\n".encode(
        "cp1252") + b"Bad;\x81;b@example.org;x\r\n"
    assert len(data) > reading.SNIFF_BYTES
    batch_id = new_batch_id(upload_file(client, "late.csv", data=data))
    page = client.get(f"/imports/{batch_id}/options")
    assert page.status_code == 200
    assert "late.csv cannot be read as cp1252" in page.get_data(as_text=True)
