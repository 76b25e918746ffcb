"""Reads behind imports: batches, remembered mappings, what depends on imported volunteers,
a pending batch's file read with its options, and its rows checked (the preview)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from aljisr.auth.models import User
from aljisr.errors import DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry
from aljisr.i18n import _
from aljisr.imports import preview as preview_rules
from aljisr.imports.models import COMMITTED, PENDING, ImportBatch, ImportMapping, ImportRecord
from aljisr.imports.preview import Preview
from aljisr.imports.reading import Rows, Table, open_rows, read_table
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.models import Placement
from aljisr.volunteers.models import Volunteer
from aljisr.volunteers.queries import filter_clauses

#: Batches listed on the imports page.
RECENT_BATCHES = 30


def recent_batches(limit: int = RECENT_BATCHES,
                   sent_by_organisation: int | None = None) -> list[ImportBatch]:
    """The latest batches, newest first, with their organisation and sender loaded; only
    those uploaded by a login of ``sent_by_organisation`` when given (a partner's own lists,
    not a coordinator's import for that organisation)."""
    stmt = (sa.select(ImportBatch)
            .options(joinedload(ImportBatch.organisation), joinedload(ImportBatch.created_by))
            .order_by(ImportBatch.id.desc()).limit(limit))
    if sent_by_organisation is not None:
        stmt = stmt.where(ImportBatch.organisation_id == sent_by_organisation,
                          ImportBatch.created_by_id.in_(
                              sa.select(User.id)
                              .where(User.organisation_id == sent_by_organisation)))
    return list(db.session.scalars(stmt))


def get_batch(batch_id: int) -> ImportBatch:
    """The batch, or 404."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    return batch


def remembered_mapping(organisation_id: int | None) -> dict[str, str]:
    """The organisation's last column choices ({header key: target}); {} without one."""
    if organisation_id is None:
        return {}
    mapping = db.session.get(ImportMapping, organisation_id)
    return dict(mapping.columns) if mapping else {}


def earlier_import(batch: ImportBatch) -> ImportBatch | None:
    """A committed batch of the same file (same SHA-256), if any."""
    return db.session.scalar(
        sa.select(ImportBatch)
        .where(ImportBatch.sha256 == batch.sha256, ImportBatch.status == COMMITTED,
               ImportBatch.id != batch.id)
        .order_by(ImportBatch.id.desc()).limit(1))


def dependants(volunteer_ids: list[int]) -> dict[int, set[str]]:
    """What depends on each volunteer: {"placement", "hours", "login"} (missing ids: none)."""
    found: dict[int, set[str]] = {}
    if not volunteer_ids:
        return found
    checks = (
        ("placement", sa.select(Placement.volunteer_id).where(
            Placement.volunteer_id.in_(volunteer_ids))),
        ("hours", sa.select(HoursEntry.volunteer_id).where(
            HoursEntry.volunteer_id.in_(volunteer_ids))),
        ("login", sa.select(Volunteer.id).join(User, User.id == Volunteer.user_id).where(
            Volunteer.id.in_(volunteer_ids))),
    )
    for what, stmt in checks:
        for volunteer_id in db.session.scalars(stmt.distinct()):
            found.setdefault(volunteer_id, set()).add(what)
    return found


def volunteers_for_export(filters: Mapping[str, Any]) -> list[Volunteer]:
    """Every volunteer the register's filters select (see
    :func:`aljisr.volunteers.queries.filter_clauses`), with their languages, by name."""
    return list(db.session.scalars(
        sa.select(Volunteer).where(*filter_clauses(filters))
        .options(selectinload(Volunteer.languages))
        .order_by(Volunteer.search_key, Volunteer.id)))


def batch_volunteers(batch_id: int) -> list[tuple[int, str, int | None, str | None]]:
    """What a batch did, row by row: (row number, action, volunteer id, name); the volunteer
    id is None once deleted by an undo, the name then the one kept on the row."""
    rows = db.session.execute(
        sa.select(ImportRecord.row_number, ImportRecord.action, Volunteer.id,
                  Volunteer.full_name, ImportRecord.before)
        .outerjoin(Volunteer, Volunteer.id == ImportRecord.volunteer_id)
        .where(ImportRecord.batch_id == batch_id)
        .order_by(ImportRecord.row_number))
    return [(number, action, volunteer_id, name or (before or {}).get("full_name"))
            for number, action, volunteer_id, name, before in rows]


def left_out_rows(batch: ImportBatch, limit: int = 500,
                  ) -> list[tuple[int, str, int | None, str | None]]:
    """The rows a committed batch did not import, in file order, at most ``limit``: (row
    number, reason, reference, name of the volunteer referred to or None); the reasons and
    references as :data:`aljisr.imports.services.DUPLICATE`… A volunteer deleted since
    has no name."""
    kept = [tuple(item) for item in (batch.counts or {}).get("left_out", [])[:limit]]
    ids = {ref for _number, reason, ref in kept if reason in ("duplicate", "unchanged") and ref}
    names = dict(db.session.execute(
        sa.select(Volunteer.id, Volunteer.full_name).where(Volunteer.id.in_(ids))).all()
    ) if ids else {}
    return [(number, reason, ref,
             names.get(ref) if reason in ("duplicate", "unchanged") else None)
            for number, reason, ref in kept]


def sending_organisation(organisation_id: int | None) -> Organisation | None:
    """The sending organisation the volunteers come with (None: none).

    :raises DomainError: not a sending organisation (``field="organisation_id"``).
    """
    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind is not OrganisationKind.SENDING:
        raise DomainError(_("Choose a sending organisation."), field="organisation_id")
    return organisation


def load_table(batch: ImportBatch, *, max_bytes: int) -> Table:
    """The pending batch's file, read with its current options.

    :raises NotAllowed: the batch is no longer pending (its file is gone).
    :raises ReadError: as :func:`~aljisr.imports.reading.read_table`.
    """
    return read_table(*_pending_file(batch), max_bytes=max_bytes, **_read_options(batch))


def open_batch_rows(batch: ImportBatch, *, max_bytes: int) -> Rows:
    """The pending batch's file opened as a stream with its current options
    (:func:`~aljisr.imports.reading.open_rows`: its rows read as they are used), for the
    worker's jobs.

    :raises NotAllowed: the batch is no longer pending (its file is gone).
    :raises ReadError: as :func:`~aljisr.imports.reading.open_rows`.
    """
    return open_rows(*_pending_file(batch), max_bytes=max_bytes, **_read_options(batch))


def _pending_file(batch: ImportBatch) -> tuple[str, bytes]:
    """The pending batch's file name and bytes. :raises NotAllowed: it is no longer pending."""
    if batch.status != PENDING or batch.content is None:
        raise NotAllowed(_("This import has already been committed or discarded."))
    return batch.file_name, batch.content


def _read_options(batch: ImportBatch) -> dict[str, str | None]:
    """The encoding and delimiter chosen for the batch (None: detected)."""
    return {"encoding": batch.options.get("encoding"),
            "delimiter": batch.options.get("delimiter")}


def organisation_of(batch: ImportBatch) -> tuple[int, str] | None:
    """(id, name) of the sending organisation the batch's volunteers come with, or None."""
    organisation = sending_organisation(batch.organisation_id)
    return (organisation.id, organisation.name) if organisation else None


def detected_date_order(batch: ImportBatch, table: Table | Rows) -> str | None:
    """The date order the batch's date columns show (None: they cannot tell)."""
    return preview_rules.detected_date_order(table, batch.options.get("targets") or [])


def preview(batch: ImportBatch, table: Table | Rows,
            progress: Callable[[int, int], None] | None = None) -> Preview:
    """Every row of the batch's file checked (see
    :func:`~aljisr.imports.preview.build_preview`; ``progress`` is called with (rows checked,
    rows) as it goes). Reads the register for likely duplicates; writes nothing."""
    organisation = sending_organisation(batch.organisation_id)
    return preview_rules.build_preview(table, batch.options["targets"],
                         date_order=batch.options.get("date_order"),
                         organisation=(organisation.id, organisation.name)
                         if organisation else None, progress=progress)
