"""Importing volunteers (staff): upload -> how the file is read -> preview -> commit; the
batch's page, with undo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from aljisr import once
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.i18n import _, _l
from aljisr.imports import queries, services
from aljisr.imports.forms import ActionForm, CommitForm, OptionsForm, UploadForm
from aljisr.imports.mapping import TARGETS, half_name_warning
from aljisr.imports.models import COMMIT_JOB, FAILED, PENDING, PREVIEW_JOB, ImportBatch
from aljisr.imports.preview import CREATE, SKIP, UPDATE, Preview
from aljisr.imports.reading import ENCODINGS, read_upload
from aljisr.permissions import Permission, require
from aljisr.volunteers.queries import sending_organisation_options
from aljisr.web import field_error, run_action

bp = Blueprint("imports", __name__, url_prefix="/imports")

CHOICE_TITLES = {CREATE: _l("Create"), UPDATE: _l("Update the existing volunteer"),
                 SKIP: _l("Skip")}


def _max_bytes() -> int:
    return int(current_app.config["IMPORT_MAX_BYTES"])


@bp.route("/", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def index() -> Any:
    form = UploadForm()
    form.organisation_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(i, n) for i, n in sending_organisation_options(form.organisation_id.data)]
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            earlier = once.claim(form)
            if earlier is not None:
                return earlier
            name, data, size = read_upload(form.file.data, _max_bytes())
            try:
                batch = services.start_batch(
                    name, data, organisation_id=form.organisation_id.data,
                    actor=current_user, max_bytes=_max_bytes(), size=size)
            except DomainError as error:
                db.session.rollback()
                field_error(form, error)
            else:
                url = url_for("imports.options", batch_id=batch.id)
                once.settle(form, url)
                db.session.commit()
                return redirect(url)
    return render_template("imports/index.html", form=form,
                           batches=queries.recent_batches()), status


def _pending(batch_id: int) -> Any:
    batch = queries.get_batch(batch_id)
    if batch.status != PENDING:
        return batch, redirect(url_for("imports.batch", batch_id=batch.id))
    return batch, None


@bp.route("/<int:batch_id>/options", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def options(batch_id: int) -> Any:
    batch, gone = _pending(batch_id)
    if gone:
        return gone
    if batch.busy:
        return redirect(url_for("imports.preview", batch_id=batch.id))
    form = OptionsForm(data={"encoding": batch.options.get("encoding"),
                             "delimiter": batch.options.get("delimiter"),
                             "date_order": batch.options.get("date_order") or "",
                             "targets": batch.options.get("targets")})
    if batch.options.get("encoding") not in (None, *ENCODINGS):
        form.encoding.choices = [SelectChoice(batch.options["encoding"],
                                              batch.options["encoding"]), *form.encoding.choices]
    status = 200
    table = None
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                table = services.set_options(
                    batch, encoding=form.encoding.data, delimiter=form.delimiter.data,
                    date_order=form.date_order.data or None, targets=form.targets.data,
                    max_bytes=_max_bytes())
            except DomainError as error:
                db.session.commit()  # what was chosen is kept
                if error.field == "targets":
                    form.form_errors.append(error.message)
                else:
                    field_error(form, error)
            else:
                db.session.commit()
                return redirect(url_for("imports.preview", batch_id=batch.id))
    detected = None
    try:
        table = table or queries.open_batch_rows(batch, max_bytes=_max_bytes())
        # reads every row: a CSV that stops decoding further on is refused here
        detected = queries.detected_date_order(batch, table)
    except DomainError as error:
        form.form_errors.append(error.message)
        table = None
    if table is not None:
        while len(form.targets) < len(table.headers):
            form.targets.append_entry()
        if request.method != "POST":
            form.date_order.data = batch.options.get("date_order") or (detected or "")
            for entry, target in zip(form.targets, batch.options["targets"], strict=False):
                entry.data = target
    half = half_name_warning(batch.options.get("targets") or []) if table is not None else None
    return render_template("imports/options.html", batch=batch, form=form, table=table,
                           detected=detected,
                           half_name=half if half not in form.form_errors else None), status


#: Rows without error or duplicate listed in the preview; the others are counted only (each
#: takes its default, "Create"), so that a 10,000-row file's page stays light.
READY_ROWS_LISTED = 200


def _listed_rows(result: Preview) -> list[Any]:
    """The rows the preview lists: every row with an error or a likely duplicate (where the
    coordinator has something to read or choose), and the first :data:`READY_ROWS_LISTED`
    others."""
    listed, ready = [], 0
    for row in result.rows:
        plain = not row.errors and not row.duplicates and not row.same_as_row
        if plain:
            ready += 1
            if ready > READY_ROWS_LISTED:
                continue
        listed.append(row)
    return listed


def _by_worker(batch: ImportBatch) -> bool:
    """A file large enough to be checked and imported by the worker (IMPORT_INLINE_BYTES)."""
    return len(batch.content or b"") > int(current_app.config["IMPORT_INLINE_BYTES"])


def _progress(batch: ImportBatch) -> Any:
    """The page shown while the worker checks or imports the file: it reloads itself."""
    return render_template("imports/progress.html", batch=batch,
                           refresh=current_app.config["IMPORT_PROGRESS_REFRESH_SECONDS"])


@bp.route("/<int:batch_id>/preview", methods=["GET", "POST"])
@require(Permission.MANAGE_REGISTERS)
def preview(batch_id: int) -> Any:
    batch, gone = _pending(batch_id)
    if gone:
        return gone
    if batch.busy or (batch.job_state == FAILED and batch.preview is None):
        return _progress(batch)
    form = CommitForm()
    by_worker = _by_worker(batch)
    if by_worker and batch.preview is None:
        services.queue_job(batch, PREVIEW_JOB, actor=current_user)
        db.session.commit()
        return _progress(batch)
    if by_worker:
        table = None
        result = Preview.from_stored(batch.preview or {})
    else:
        try:
            table = queries.load_table(batch, max_bytes=_max_bytes())
        except DomainError as error:
            flash(error.message, "warning")
            return redirect(url_for("imports.options", batch_id=batch.id))
        result = queries.preview(batch, table)
    choices = {row.number: request.form.get(f"choice-{row.number}", "")
               for row in result.rows} if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        status = 422
        if result.needs_date_order:
            form.form_errors.append(_("Say whether dates are written day first or month "
                                      "first."))
        elif not form.validate_on_submit():
            pass  # the form's errors are shown
        elif by_worker:
            try:
                # what the page showed, defaults included: a row whose duplicates change
                # before the worker imports it is refused, not silently skipped
                shown = {row.number: choice for row, choice in
                         services.plan_commit(batch, result, choices)}
                services.queue_job(batch, COMMIT_JOB, actor=current_user, choices=shown)
            except DomainError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
            else:
                db.session.commit()
                return redirect(url_for("imports.preview", batch_id=batch.id))
        elif table is not None:
            try:
                counts = services.commit_batch(batch, result, choices, actor=current_user)
            except DomainError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
                result = queries.preview(batch, table)
            else:
                db.session.commit()
                flash(_("Imported: %(created)s added, %(updated)s updated, %(skipped)s "
                        "skipped, %(invalid)s with errors.", **counts), "success")
                return redirect(url_for("imports.batch", batch_id=batch.id))
    listed = _listed_rows(result)
    unused = [header for header, target in zip(result.table.headers, result.targets,
                                               strict=False) if header and not target]
    return render_template("imports/preview.html", batch=batch, form=form, result=result,
                           unused=unused, half_name=half_name_warning(result.targets),
                           same_in_file=sum(1 for row in result.rows
                                            if row.same_as_row is not None),
                           vef=batch.file_name.lower().endswith((".xml", ".vef")),
                           rows=listed, unlisted=len(result.rows) - len(listed),
                           choices=choices, choice_titles=CHOICE_TITLES,
                           job_error=batch.job_error if batch.job_state == FAILED else None,
                           earlier=queries.earlier_import(batch), targets=TARGETS), status


@bp.route("/<int:batch_id>")
@require(Permission.MANAGE_REGISTERS)
def batch(batch_id: int) -> Any:
    batch = queries.get_batch(batch_id)
    if batch.status == PENDING:
        return redirect(url_for("imports.preview", batch_id=batch.id))
    left_out = queries.left_out_rows(batch, LEFT_OUT_LISTED)
    return render_template("imports/batch.html", batch=batch, form=ActionForm(),
                           records=queries.batch_volunteers(batch.id), left_out=left_out,
                           left_out_unlisted=max(0, len((batch.counts or {}).get(
                               "left_out", [])) - len(left_out)))


#: Rows not imported named on a batch's page (the others counted).
LEFT_OUT_LISTED = 1000


@bp.route("/<int:batch_id>/undo", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def undo(batch_id: int) -> Any:
    batch = queries.get_batch(batch_id)
    return run_action(lambda: services.undo_batch(batch, actor=current_user),
                      _("The import was undone."), url_for("imports.batch", batch_id=batch.id))


@bp.route("/<int:batch_id>/discard", methods=["POST"])
@require(Permission.MANAGE_REGISTERS)
def discard(batch_id: int) -> Any:
    batch = queries.get_batch(batch_id)
    return run_action(lambda: services.discard_batch(batch), _("The file was discarded."),
                      url_for("imports.index"))
