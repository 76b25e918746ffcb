"""A large file is checked and imported by the worker, not in the request (issue 16, scale):
the page shows the progress kept on the batch and reloads itself; a failed import keeps
nothing. The job steps are run here synchronously (``jobs.run_next``)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.imports import jobs
from aljisr.imports import preview as preview_module
from aljisr.imports.models import ImportBatch, ImportMapping
from aljisr.notifications import worker
from aljisr.volunteers.models import LanguageLevel, Volunteer
from tests.support import factories
from tests.support.imports import new_batch_id, upload_file, volunteer_count


def _by_worker(client) -> None:
    client.application.config["IMPORT_INLINE_BYTES"] = 0  # every file goes to the worker


def test_a_large_file_is_checked_and_imported_by_the_worker(as_role, db):
    client, user = as_role("coordinator")
    _by_worker(client)
    existing = factories.volunteer(full_name="Ana Pérez", email="ana.perez@example.es")
    sender = factories.organisation(name="Concordia")
    db.session.commit()
    batch_id = new_batch_id(upload_file(client, "volunteers-cp1252-semicolon.csv",
                                 organisation=sender.id))

    waiting = client.get(f"/imports/{batch_id}/preview")
    text = waiting.get_data(as_text=True)
    assert waiting.status_code == 200
    assert '<meta http-equiv="refresh"' in text and 'id="progress-bar"' in text
    assert "Waiting to start" in text
    assert db.session.get(ImportBatch, batch_id).job_state == "queued"

    assert jobs.run_next() is True  # the worker checks the rows
    assert jobs.run_next() is False  # nothing more to do
    batch = db.session.get(ImportBatch, batch_id)
    db.session.refresh(batch)
    assert (batch.job_state, batch.progress_done, batch.progress_total) == ("done", 4, 4)
    checked = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert "3 rows can be imported; 1 row has errors and will be left out." in checked
    assert "Row 5, column C · E-mail" in checked and "same e-mail" in checked
    assert '<meta http-equiv="refresh"' not in checked

    before = volunteer_count(db)
    asked = client.post(f"/imports/{batch_id}/preview", data={"choice-4": "update"})
    assert asked.status_code == 302
    assert volunteer_count(db) == before  # the request wrote nothing: the worker imports
    assert "Waiting to start" in client.get(f"/imports/{batch_id}/preview").get_data(
        as_text=True)
    assert client.post(f"/imports/{batch_id}/discard").status_code in (302, 422)
    assert db.session.get(ImportBatch, batch_id) is not None  # not discarded while queued

    assert jobs.run_next() is True
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == "committed" and batch.job_state == "done"
    assert batch.counts.pop("left_out")[-1][1] == "invalid"  # named on the page
    assert batch.counts == {"created": 2, "updated": 1, "skipped": 0, "invalid": 1}
    assert batch.progress_done == batch.progress_total == 8  # checked, then written
    assert batch.content is None and batch.preview is None  # no copy of personal data kept
    assert volunteer_count(db) == before + 2
    db.session.refresh(existing)
    assert existing.date_of_birth is not None  # updated from the file
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import.commit"))
    assert event.actor_id == user.id and event.details["created"] == 2
    assert db.session.get(ImportMapping, sender.id).columns["courriel"] == "email"
    lea = db.session.scalar(sa.select(Volunteer)
                            .where(Volunteer.email == "lea.fontaine@example.org"))
    assert lea.sending_organisation_id == sender.id and lea.phone == "+33 6 12 34 56 78"
    assert lea.language_levels() == {"fr": LanguageLevel.NATIVE}
    done = client.get(f"/imports/{batch_id}/preview")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/imports/{batch_id}")


def test_progress_is_written_as_the_rows_are_checked_and_shown(as_role, db, monkeypatch):
    client, _user = as_role("coordinator")
    _by_worker(client)
    monkeypatch.setattr(preview_module, "CHUNK", 1)
    seen: list[tuple[int, int]] = []
    write = jobs._write_progress

    def spy(batch_id: int, done: int, total: int) -> None:
        write(batch_id, done, total)
        with db.engine.connect() as other:  # committed: another connection reads it
            seen.append(tuple(other.execute(
                sa.select(ImportBatch.progress_done, ImportBatch.progress_total)
                .where(ImportBatch.id == batch_id)).one()))

    monkeypatch.setattr(jobs, "_write_progress", spy)
    batch_id = new_batch_id(upload_file(client, "volunteers-cp1252-semicolon.csv"))
    client.get(f"/imports/{batch_id}/preview")
    jobs.run_next()
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]

    batch = db.session.get(ImportBatch, batch_id)
    batch.job, batch.job_state, batch.progress_done, batch.progress_total = (
        "commit", "running", 3, 8)
    db.session.commit()
    page = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert 'max="8" value="3"' in page and "37 % done." in page
    assert "Checking the rows again before importing them" in page


def test_a_refused_row_keeps_nothing_of_the_batch(as_role, db, monkeypatch):
    client, _user = as_role("coordinator")
    _by_worker(client)
    monkeypatch.setattr(jobs, "COMMIT_CHUNK", 1)  # rows 2 and 3 are committed before row 4
    batch_id = new_batch_id(upload_file(client, "volunteers-cp1252-semicolon.csv"))
    client.get(f"/imports/{batch_id}/preview")
    jobs.run_next()
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    before = volunteer_count(db)
    real = jobs.services.commit_rows
    calls = []

    def failing_on_the_third(batch, planned, counts, *, actor):
        calls.append(len(planned))
        if len(calls) == 3:
            raise jobs.DomainError("Row 4: refused for the test.")
        return real(batch, planned, counts, actor=actor)

    monkeypatch.setattr(jobs.services, "commit_rows", failing_on_the_third)
    assert jobs.run_next() is True
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch_id)
    assert (batch.status, batch.job_state) == ("pending", "failed")
    assert volunteer_count(db) == before  # the two rows written first were taken back
    assert batch.records == []
    page = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert "Row 4: refused for the test." in page
    # asked again, it goes through
    monkeypatch.setattr(jobs.services, "commit_rows", real)
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    jobs.run_next()
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch_id).status == "committed"
    assert volunteer_count(db) == before + 3


def test_an_address_taken_after_the_preview_stops_the_import(as_role, db):
    client, _user = as_role("coordinator")
    _by_worker(client)
    batch_id = new_batch_id(upload_file(client, "volunteers-cp1252-semicolon.csv"))
    client.get(f"/imports/{batch_id}/preview")
    jobs.run_next()
    client.post(f"/imports/{batch_id}/preview")
    factories.volunteer(full_name="Someone Else", email="jurgen@example.de")
    db.session.commit()
    before = volunteer_count(db)
    jobs.run_next()
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.job_state == "failed" and "Row 3" in batch.job_error
    assert volunteer_count(db) == before


def test_the_worker_loop_runs_import_jobs(as_role, db):
    client, _user = as_role("coordinator")
    _by_worker(client)
    batch_id = new_batch_id(upload_file(client, "vef-many.xml"))
    client.get(f"/imports/{batch_id}/preview")
    worker.run(once=True)
    client.post(f"/imports/{batch_id}/preview")
    worker.run(once=True)
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch_id).status == "committed"
    assert db.session.scalar(sa.select(Volunteer).where(Volunteer.full_name == "Tom Janssen"))


def test_a_long_file_lists_the_rows_to_read_and_counts_the_ready_ones(as_role, db,
                                                                       monkeypatch):
    from aljisr.imports import views

    client, _user = as_role("coordinator")
    monkeypatch.setattr(views, "READY_ROWS_LISTED", 1)
    batch_id = new_batch_id(upload_file(client, "volunteers-cp1252-semicolon.csv"))
    page = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    # rows 2-4 are ready, row 5 has errors: row 2 listed, 3 and 4 counted, 5 listed
    assert 'id="row-2"' in page and 'id="row-5"' in page
    assert 'id="row-3"' not in page and 'id="row-4"' not in page
    assert "2 more rows, ready, are not listed: they will be created." in page
    before = volunteer_count(db)
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    assert volunteer_count(db) == before + 3  # the rows not listed took their default
