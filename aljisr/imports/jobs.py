"""A large file's preview and commit, run by the worker (``flask worker``) rather than in the
request, with the progress kept on the batch for the page to show.

A view queues the job (:func:`aljisr.imports.services.queue_job`); the worker's loop calls
:func:`run_next` between mail batches. A job is claimed like an outbox message
(:func:`aljisr.notifications.worker.claim_due`): in one short committed transaction, ``FOR
UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite; a job whose worker died
is claimed again once its lease (``IMPORT_JOB_LEASE_SECONDS``) has run out.

**Preview.** The file is read as a stream (:func:`aljisr.imports.queries.open_batch_rows`):
once to count its rows and detect its date order, then again as its rows are checked
(:func:`aljisr.imports.preview.check_rows`), :data:`~aljisr.imports.preview.CHUNK` rows at a
time, each chunk turned into what the page shows at once (so the file's rows are never all
held as one table), the progress written after each chunk on a connection of its own; the
whole kept in ``ImportBatch.preview``.

**Commit.** The rows kept by the preview job are looked up again for duplicates (the
register may have changed since; the rows themselves are checked again only when no preview
was kept), then written :data:`COMMIT_CHUNK` rows per transaction, the progress in the same
transaction, so that neither SQLite's single write lock nor PostgreSQL's row locks are held
for the whole import. Progress runs over twice the rows: checking, then writing. If a row
is refused or anything fails, what the job had written of the batch is taken back
(:func:`aljisr.imports.services.revert_records`) and the batch stays pending with the
message (``job_error``): never a half-imported batch. Between two chunks the volunteers
already written are visible; the page says the import is under way.

Tests call :func:`run_next` (or :func:`run_job`) themselves, synchronously.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from aljisr.auth.models import User
from aljisr.database import utcnow, write_intent
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.i18n import _, force_locale
from aljisr.imports import queries, services
from aljisr.imports.models import (
    COMMIT_JOB,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    ImportBatch,
    ImportRecord,
)
from aljisr.imports.preview import (
    Preview,
    check_rows,
    refresh_duplicates,
    stored_head,
    stored_row,
    survey,
)

log = logging.getLogger(__name__)

#: Rows written per transaction by a commit job.
COMMIT_CHUNK = 1000


def _max_bytes() -> int:
    return int(current_app.config["IMPORT_MAX_BYTES"])


def claim_next() -> int | None:
    """Claim the oldest queued job (or one whose lease has run out) in one short committed
    transaction: state ``running``, ``job_claimed_at`` = now.

    :returns: the batch's id, or None when there is nothing to do.
    """
    now = utcnow()
    expired = now - timedelta(seconds=int(current_app.config["IMPORT_JOB_LEASE_SECONDS"]))
    due = (
        sa.select(ImportBatch.id)
        .where(sa.or_(ImportBatch.job_state == QUEUED,
                      sa.and_(ImportBatch.job_state == RUNNING,
                              ImportBatch.job_claimed_at <= expired)))
        .order_by(ImportBatch.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    with write_intent():
        try:
            batch_id = db.session.scalar(due)
            if batch_id is not None:
                db.session.execute(sa.update(ImportBatch).where(ImportBatch.id == batch_id)
                                   .values(job_state=RUNNING, job_claimed_at=now))
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return batch_id


def _write_progress(batch_id: int, done: int, total: int) -> None:
    """Progress written and committed on a connection of its own (the job's session may be
    in the middle of a read)."""
    with write_intent(), db.engine.begin() as connection:
        connection.execute(sa.update(ImportBatch).where(ImportBatch.id == batch_id)
                           .values(progress_done=done, progress_total=total))


def _finish(batch_id: int, **values: Any) -> None:
    with write_intent():
        try:
            db.session.execute(sa.update(ImportBatch).where(ImportBatch.id == batch_id)
                               .values(**values))
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


def _run_preview(batch: ImportBatch) -> None:
    batch_id = batch.id
    source = queries.open_batch_rows(batch, max_bytes=_max_bytes())
    targets = batch.options["targets"]
    detected, total = survey(source, targets)
    order = batch.options.get("date_order") or detected
    rows: list[dict[str, Any]] = []
    for chunk in check_rows(source, targets, order=order,
                            organisation=queries.organisation_of(batch)):
        rows += [stored_row(row) for row in chunk]
        _write_progress(batch_id, len(rows), total)
    stored = {**stored_head(source, targets, order, detected), "rows": rows}
    del source, rows
    db.session.rollback()  # end the read before writing (SQLite: a fresh snapshot)
    _finish(batch_id, preview=stored, job_state=DONE, progress_done=len(stored["rows"]),
            progress_total=len(stored["rows"]))


def _run_commit(batch: ImportBatch, actor: Any) -> None:
    batch_id = batch.id
    if batch.records:  # a worker died half-way: take back what it wrote, then start again
        with write_intent():
            services.revert_records(batch, actor=actor)
            db.session.execute(sa.delete(ImportRecord).where(ImportRecord.batch_id == batch_id))
            db.session.commit()
    def progress(done: int, total: int) -> None:
        _write_progress(batch_id, done, 2 * total)

    if batch.preview is not None:  # checked by the preview job: only the duplicates again
        result = Preview.from_stored(batch.preview)
        db.session.expire(batch, ["preview"])  # its JSON is no longer needed: let it go
        refresh_duplicates(result, progress=progress)
    else:
        result = queries.preview(
            batch, queries.open_batch_rows(batch, max_bytes=_max_bytes()), progress=progress)
    rows = len(result.rows)
    if result.needs_date_order:
        raise DomainError(_("Say whether dates are written day first or month first."))
    choices = {int(number): choice
               for number, choice in (batch.options.get("choices") or {}).items()}
    try:
        planned = services.plan_commit(batch, result, choices)
    except DomainError:  # the register changed since the check: show the rows as they are now
        stored = result.stored()
        db.session.rollback()
        _finish(batch_id, preview=stored)
        raise
    counts = services.new_counts(result)
    with write_intent():
        db.session.rollback()  # the checks read; the writes start a fresh transaction
        for start in range(0, len(planned), COMMIT_CHUNK):
            services.commit_rows(batch, planned[start:start + COMMIT_CHUNK], counts, actor=actor)
            written = planned[min(start + COMMIT_CHUNK, len(planned)) - 1][0].index + 1
            batch.progress_done, batch.progress_total = rows + written, 2 * rows
            db.session.commit()
        services.finish_commit(batch, result, counts, actor=actor)
        batch.job_state, batch.progress_done, batch.progress_total = DONE, 2 * rows, 2 * rows
        db.session.commit()


def run_job(batch_id: int) -> str:
    """Run the job of the claimed batch ``batch_id`` to its end.

    :returns: the job's state afterwards: ``"done"`` or ``"failed"`` (its message, in the
        language of the person who asked, in ``job_error``; the batch stays pending and
        nothing of it is kept).
    """
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.job_state != RUNNING:
        return batch.job_state if batch is not None else FAILED
    actor = _asker(batch)
    with force_locale(batch.options.get("language") or "en"):
        return _run(batch, actor)


def _run(batch: ImportBatch, actor: Any) -> str:
    batch_id = batch.id
    try:
        if batch.job == COMMIT_JOB:
            _run_commit(batch, actor)
        else:
            _run_preview(batch)
        return DONE
    except Exception as error:  # anything: the batch must never stay half-imported
        db.session.rollback()
        message = error.message if isinstance(error, DomainError) else _(
            "The import stopped on an unexpected error; nothing of it was kept. Try again, "
            "or tell the administrator.")
        if not isinstance(error, DomainError):
            log.exception("import job of batch %s failed", batch_id)
        batch = db.session.get(ImportBatch, batch_id)
        with write_intent():
            if batch is not None and batch.records:
                services.revert_records(batch, actor=actor)
                db.session.execute(sa.delete(ImportRecord)
                                   .where(ImportRecord.batch_id == batch_id))
                db.session.commit()
        _finish(batch_id, job_state=FAILED, job_error=str(message))
        return FAILED


def _asker(batch: ImportBatch) -> Any:
    """The person who asked for the job (kept in the options), for the audit."""
    user_id = batch.options.get("asked_by")
    return db.session.get(User, user_id) if user_id else None


def run_next() -> bool:
    """Claim and run one import job, if one is waiting.

    :returns: True when a job was run (the worker then looks for more at once).
    """
    batch_id = claim_next()
    if batch_id is None:
        return False
    run_job(batch_id)
    return True
