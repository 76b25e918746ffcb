"""Writes of an import: start a batch from a file, change how it is read, commit it as one
batch through the volunteer services, undo it. Verbs flush and never commit; a refusal is a
:class:`~aljisr.errors.DomainError` naming the row."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.database import utcnow
from aljisr.errors import DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.i18n import _, current_language
from aljisr.imports import queries
from aljisr.imports.mapping import (
    MULTI_TARGETS,
    TARGETS,
    automatic_mapping,
    half_name_warning,
    remembered_form,
)
from aljisr.imports.models import (
    COMMIT_JOB,
    COMMITTED,
    PENDING,
    QUEUED,
    UNDONE,
    ImportBatch,
    ImportMapping,
    ImportRecord,
)
from aljisr.imports.preview import (
    CREATE,
    SKIP,
    UPDATE,
    Preview,
    PreviewRow,
    python_values,
)
from aljisr.imports.reading import DELIMITERS, ENCODINGS, Rows, open_rows
from aljisr.imports.values import DATE_ORDERS
from aljisr.volunteers import services as volunteer_services
from aljisr.volunteers.models import Volunteer


def start_batch(file_name: str, data: bytes, *, organisation_id: int | None, actor: Any,
                max_bytes: int, size: int | None = None) -> ImportBatch:
    """Read a file and keep it as a pending batch, with the encoding, delimiter and columns
    detected (an organisation's remembered columns first).

    :raises ReadError: the file cannot be read (see :func:`~aljisr.imports.reading.read_table`).
    :raises DomainError: ``organisation_id`` is not a sending organisation.
    """
    queries.sending_organisation(organisation_id)
    file_name = PurePath(file_name.replace("\\", "/")).name or "file"
    table = open_rows(file_name, data, max_bytes=max_bytes, size=size)
    targets = automatic_mapping(table.headers, queries.remembered_mapping(organisation_id))
    batch = ImportBatch(
        file_name=file_name[:255], sha256=hashlib.sha256(data).hexdigest(),
        organisation_id=organisation_id, created_by_id=getattr(actor, "id", None),
        status=PENDING, content=data, counts={},
        options={"encoding": table.encoding, "delimiter": table.delimiter,
                 "date_order": None, "targets": targets},
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def receive_from_partner(file_name: str, data: bytes, *, partner: Any, max_bytes: int,
                         size: int | None = None) -> ImportBatch:
    """A sending organisation's list, sent from its portal: kept as a pending batch of that
    organisation for a coordinator to check and commit (audited as ``import.submit``).

    :raises ReadError: as :func:`start_batch`.
    :raises NotAllowed: ``partner`` is not a sending organisation's login.
    """
    if not getattr(partner, "is_sending_partner", False):
        raise NotAllowed(_("Only a sending organisation can send a volunteer list."))
    batch = start_batch(file_name, data, organisation_id=partner.organisation_id,
                        actor=partner, max_bytes=max_bytes, size=size)
    audit.record(partner, "import.submit", batch, details={"file_name": batch.file_name})
    return batch








def refuse_if_busy(batch: ImportBatch) -> None:
    """:raises NotAllowed: the worker is checking or importing the batch (a job is queued or
    running)."""
    if batch.busy:
        raise NotAllowed(_("The file is being checked or imported; wait until it is done."))


def queue_job(batch: ImportBatch, job: str, *, actor: Any,
              choices: Mapping[int, str] | None = None) -> None:
    """Ask the worker to check (``"preview"``) or import (``"commit"``) the pending batch
    (:mod:`aljisr.imports.jobs`) for ``actor``, in the current language (the job's messages
    and audit are theirs); a commit keeps the page's ``choices`` ({row number: choice}) in
    the batch's options. Progress starts at 0.

    :raises NotAllowed: the batch is not pending, or a job is already queued or running.
    """
    refuse_if_busy(batch)
    if batch.status != PENDING:
        raise NotAllowed(_("This import has already been committed or discarded."))
    options = {**batch.options, "asked_by": getattr(actor, "id", None),
               "language": current_language()}
    if job == COMMIT_JOB:
        options["choices"] = {str(number): c for number, c in (choices or {}).items()}
    batch.options = options
    batch.job, batch.job_state, batch.job_error, batch.job_claimed_at = job, QUEUED, None, None
    batch.progress_done, batch.progress_total = 0, 0
    db.session.flush()




def set_options(batch: ImportBatch, *, encoding: str | None, delimiter: str | None,
                date_order: str | None, targets: Sequence[str] | None,
                max_bytes: int) -> Rows:
    """Change how the pending batch is read: encoding and delimiter (CSV), date order, and
    one target per column. A change of encoding or delimiter re-detects the columns.

    The rows checked with the previous options (``preview``) are dropped.

    :returns: the file opened with the new options (its rows read as they are used).
    :raises DomainError: an unknown choice, a target chosen for two columns (``field``).
    :raises NotAllowed: the worker is checking or importing the batch.
    :raises ReadError: the file cannot be read that way.
    """
    refuse_if_busy(batch)
    batch.preview = batch.job = batch.job_state = batch.job_error = None
    if encoding and encoding not in ENCODINGS and encoding != batch.options.get("encoding"):
        raise DomainError(_("Choose an encoding from the list."), field="encoding")
    if delimiter and delimiter not in DELIMITERS:
        raise DomainError(_("Choose a delimiter from the list."), field="delimiter")
    if date_order and date_order not in DATE_ORDERS:
        raise DomainError(_("Choose a date order from the list."), field="date_order")
    reread = (encoding or None, delimiter or None) != (batch.options.get("encoding"),
                                                       batch.options.get("delimiter"))
    options = dict(batch.options)
    options.update(encoding=encoding or options.get("encoding"),
                   delimiter=delimiter or options.get("delimiter"),
                   date_order=date_order or None)
    table = open_rows(batch.file_name, batch.content or b"", max_bytes=max_bytes,
                      encoding=options["encoding"], delimiter=options["delimiter"])
    if reread or targets is None or len(targets) != len(table.headers):
        targets = automatic_mapping(table.headers,
                                    queries.remembered_mapping(batch.organisation_id))
    else:
        targets = list(targets)
        for target in targets:
            if target not in TARGETS:
                raise DomainError(_("Choose what each column holds from the list."),
                                  field="targets")
            if target and target not in MULTI_TARGETS and targets.count(target) > 1:
                raise DomainError(_("“%(field)s” is chosen for two columns.",
                                    field=TARGETS[target]), field="targets")
    if not any(t in targets for t in ("full_name", "first_name", "last_name")):
        options["targets"] = targets
        batch.options = options
        db.session.flush()
        raise DomainError(_("Choose the column that holds the volunteers' names."),
                          field="targets")
    half = half_name_warning(targets)
    if half:
        options["targets"] = targets
        batch.options = options
        db.session.flush()
        raise DomainError(half, field="targets")
    options["targets"] = targets
    batch.options = options
    db.session.flush()
    return table




def _snapshot(volunteer: Volunteer, names: Sequence[str]) -> dict[str, Any]:
    before: dict[str, Any] = {}
    for name in names:
        if name == "languages":
            levels = volunteer.language_levels()
            before[name] = {code: level.value for code, level in levels.items()}
            continue
        value = getattr(volunteer, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = list(value)
        elif hasattr(value, "value"):
            value = value.value
        before[name] = value
    return before


def plan_commit(batch: ImportBatch, result: Preview,
                choices: Mapping[int, str]) -> list[tuple[PreviewRow, str]]:
    """The valid rows of ``result`` with what to do with each: ``choices`` ({row number:
    choice}) or the row's default.

    :raises NotAllowed: the batch is not pending.
    :raises DomainError: a choice not offered for its row (``field="choice-N"``).
    """
    if batch.status != PENDING:
        raise NotAllowed(_("This import has already been committed or discarded."))
    planned = []
    for row in result.rows:
        if row.values is None:
            continue
        choice = choices.get(row.number) or row.default
        if choice not in row.choices:
            raise DomainError(_("Row %(row)s: this choice is not possible for it.",
                                row=row.number), field=f"choice-{row.number}")
        planned.append((row, choice))
    return planned


def _row_refused(row: PreviewRow, error: DomainError) -> DomainError:
    return DomainError(_("Row %(row)s: %(message)s", row=row.number, message=error.message),
                       field=f"choice-{row.number}")


#: Why a row was not imported, as a committed batch keeps it (``counts["left_out"]``: [row
#: number, reason, reference]): like a volunteer of the register (reference: its id), the
#: same person as an earlier row (that row's number), skipped by choice, an update with
#: nothing to change (the volunteer's id), errors.
DUPLICATE, SAME_ROW, CHOSEN, UNCHANGED, INVALID = (
    "duplicate", "same_row", "chosen", "unchanged", "invalid")


def _why_skipped(row: PreviewRow) -> list[Any]:
    if row.duplicates:
        return [row.number, DUPLICATE, row.duplicates[0].volunteer.id]
    if row.same_as_row is not None:
        return [row.number, SAME_ROW, row.same_as_row]
    return [row.number, CHOSEN, None]


def new_counts(result: Preview) -> dict[str, Any]:
    """What a commit starts counting from: nothing done yet, the rows with errors counted
    and listed as left out (by number only: the batch keeps no personal data of the rows it
    did not import, docs/architecture.md §6.12)."""
    return {"created": 0, "updated": 0, "skipped": 0, "invalid": result.invalid,
            "left_out": [[row.number, INVALID, None] for row in result.rows
                         if row.values is None]}


def commit_rows(batch: ImportBatch, planned: Sequence[tuple[PreviewRow, str]],
                counts: dict[str, Any], *, actor: Any) -> None:
    """Create, update or skip the ``planned`` rows (a part of :func:`plan_commit`'s list) and
    note each volunteer created or updated on the batch (:class:`ImportRecord`, inserted in
    one statement); ``counts`` is added to, each row skipped listed in ``counts["left_out"]``
    with why (:data:`DUPLICATE`…). New volunteers are created together
    (:func:`~aljisr.volunteers.services.create_volunteers`); an update goes through
    :func:`~aljisr.volunteers.services.update_volunteer` and changes the columns the file has,
    adding or changing the languages it lists without dropping the volunteer's others.

    :raises DomainError: a volunteer service refusing a row (the message names the row);
        nothing of the batch is then to be kept (the caller rolls back, or undoes what it
        committed of it).
    """
    records: list[dict[str, Any]] = []
    creating = [row for row, choice in planned if choice == CREATE]
    try:
        created = volunteer_services.create_volunteers(
            [row.values or {} for row in creating], confirm_duplicates=True)
    except volunteer_services.RowRefused as refused:
        raise _row_refused(creating[refused.index], refused.error) from refused
    for row, volunteer in zip(creating, created, strict=True):
        records.append({"volunteer_id": volunteer.id, "row_number": row.number,
                        "action": CREATE, "before": {}})
    counts["created"] += len(created)
    left_out = counts.setdefault("left_out", [])
    for row, choice in planned:
        if choice == SKIP:
            counts["skipped"] += 1
            left_out.append(_why_skipped(row))
        elif choice == UPDATE:
            volunteer = row.duplicates[0].volunteer
            values = {k: v for k, v in (row.values or {}).items() if k != "status"}
            if "languages" in values:  # a file lists some languages: never drop others
                values["languages"] = {**volunteer.language_levels(), **values["languages"]}
            before = _snapshot(volunteer, list(values))
            try:
                changed = volunteer_services.update_volunteer(
                    volunteer, values, actor=actor, confirm_duplicates=True)
            except DomainError as error:
                raise _row_refused(row, error) from error
            if changed:
                records.append({"volunteer_id": volunteer.id, "row_number": row.number,
                                "action": UPDATE,
                                "before": {k: before[k] for k in changed if k in before}})
                counts["updated"] += 1
            else:
                counts["skipped"] += 1
                left_out.append([row.number, UNCHANGED, volunteer.id])
    if records:
        db.session.execute(sa.insert(ImportRecord),
                           [{"batch_id": batch.id, **record} for record in records])
        db.session.expire(batch, ["records"])


def finish_commit(batch: ImportBatch, result: Preview, counts: dict[str, Any], *,
                  actor: Any) -> None:
    """Mark the batch committed once its rows are in (:func:`commit_rows`): the organisation's
    column choices remembered, the file and the checked rows dropped, one audit event
    (``import.commit``) with the file name and the counts."""
    if batch.organisation_id is not None:
        mapping = db.session.get(ImportMapping, batch.organisation_id) or ImportMapping(
            organisation_id=batch.organisation_id)
        mapping.columns = remembered_form(result.table.headers, result.targets)
        db.session.add(mapping)
    # the file and the checked rows hold personal data: once imported, only the volunteers
    # keep it (where anonymisation reaches it)
    counts["left_out"] = sorted(counts.get("left_out", []), key=lambda item: item[0])
    batch.status, batch.counts, batch.content, batch.preview = COMMITTED, counts, None, None
    batch.committed_at = utcnow()
    db.session.flush()
    audit.record(actor, "import.commit", batch,
                 details={"file_name": batch.file_name,
                          **{k: v for k, v in counts.items() if k != "left_out"}})


def commit_batch(batch: ImportBatch, result: Preview, choices: Mapping[int, str], *,
                 actor: Any) -> dict[str, Any]:
    """Import the rows of ``result`` as one batch in the caller's transaction: each valid row
    is created, used to update its likely duplicate, or skipped, as ``choices`` says ({row
    number: choice}; a row without one takes its default) -- :func:`plan_commit`,
    :func:`commit_rows`, :func:`finish_commit`. Invalid rows are left out and counted.

    :returns: {"created", "updated", "skipped", "invalid": numbers, "left_out": [[row
        number, reason, reference]] for the rows skipped or with errors (:data:`DUPLICATE`…)}.
    :raises NotAllowed: the batch is not pending.
    :raises DomainError: a choice not offered for its row, or a volunteer service refusing a
        row (the message names the row); nothing of the batch is then kept by the caller's
        rollback.
    """
    planned = plan_commit(batch, result, choices)
    counts = new_counts(result)
    commit_rows(batch, planned, counts, actor=actor)
    finish_commit(batch, result, counts, actor=actor)
    return counts


def revert_records(batch: ImportBatch, *, actor: Any) -> list[int]:
    """Take back what the batch's records did: delete the volunteers it created (their record
    keeps the name, in ``before``, for the batch page) and give the ones it updated their
    previous values back. Nothing is checked: see :func:`undo_batch`.

    :returns: the ids of the volunteers deleted.
    """
    created = [r for r in batch.records if r.action == CREATE and r.volunteer_id]
    for record in batch.records:
        if record.action == UPDATE and record.volunteer_id:
            volunteer = db.session.get(Volunteer, record.volunteer_id)
            if volunteer is not None and volunteer.anonymised_at is None:
                volunteer_services.update_volunteer(volunteer, python_values(record.before),
                                                    actor=actor, confirm_duplicates=True)
    ids = [r.volunteer_id for r in created]
    if ids:
        names = {v.id: v.full_name for v in
                 db.session.scalars(sa.select(Volunteer).where(Volunteer.id.in_(ids)))}
        for record in created:  # the batch page still says who the row was
            record.before = {"full_name": names.get(record.volunteer_id, "")}
        for volunteer in db.session.scalars(sa.select(Volunteer).where(Volunteer.id.in_(ids))):
            db.session.delete(volunteer)
    return ids


def undo_batch(batch: ImportBatch, *, actor: Any) -> None:
    """Undo a committed batch: delete the volunteers it created (their row keeps the name, in
    ``before``, for the batch page) and give the ones it updated their previous values back.

    :raises NotAllowed: the batch is not committed, or a volunteer it created now has a
        placement, hours or a login (the message names them).
    """
    if batch.status != COMMITTED:
        raise NotAllowed(_("Only a committed import can be undone."))
    created = [r for r in batch.records if r.action == CREATE and r.volunteer_id]
    blocked = queries.dependants([r.volunteer_id for r in created])
    if blocked:
        names = ", ".join(
            f"#{volunteer_id}" for volunteer_id in sorted(blocked))
        raise NotAllowed(_("This import cannot be undone: volunteers it added now have "
                           "placements, hours or a login (%(names)s).", names=names))
    ids = revert_records(batch, actor=actor)
    batch.status, batch.undone_at = UNDONE, utcnow()
    db.session.flush()
    audit.record(actor, "import.undo", batch, details={"file_name": batch.file_name,
                                                       "deleted": len(ids)})


def discard_batch(batch: ImportBatch) -> None:
    """Forget a pending batch and its file.

    :raises NotAllowed: it is not pending, or the worker is checking or importing it.
    """
    refuse_if_busy(batch)
    if batch.status != PENDING:
        raise NotAllowed(_("This import has already been committed or discarded."))
    db.session.delete(batch)
    db.session.flush()


__all__ = ["CREATE", "SKIP", "UPDATE", "commit_batch", "discard_batch",
           "set_options", "start_batch", "undo_batch"]
