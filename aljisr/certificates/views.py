"""Certificates pages (staff): list, detail, issue, re-issue, revoke, batch ZIP; and the download
shared by staff, the holder and the holder's sending organisation.

The public verification pages live in :mod:`aljisr.certificates.verify`.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from aljisr.certificates import downloads, queries, services
from aljisr.certificates.forms import BatchForm, CertificateFilterForm, IssueForm, RevokeForm
from aljisr.certificates.models import Certificate, CertificateKind
from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.dates import association_today
from aljisr.downloads import send_download
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.hours.queries import approved_totals_by_placement, submitted_totals_by_placement
from aljisr.i18n import _
from aljisr.listing import parse_page
from aljisr.permissions import Permission, require
from aljisr.web import field_error, render_form

bp = Blueprint("certificates", __name__, url_prefix="/certificates")


# --- helpers ----------------------------------------------------------------------------------


# --- list and detail --------------------------------------------------------------------------


@bp.route("/")
@require(Permission.ISSUE_CERTIFICATES)
def index() -> str:
    filters = CertificateFilterForm(formdata=request.args)
    filters.project.choices = [SelectChoice("", _("Any project"))] + [
        SelectChoice(i, title) for i, title in queries.project_options()
    ]
    filters.validate()
    active = filters.active_filters()
    page = queries.certificate_page(active, parse_page(request.args))
    return render_template(
        "certificates/index.html",
        page=page,
        filters=filters,
        awaiting=queries.projects_awaiting(),
        # filtered by one project: a link to its batch page (issue, download all as a ZIP)
        batch_project_id=active.get("project"),
    )


@bp.route("/<int:certificate_id>")
@require(Permission.ISSUE_CERTIFICATES)
def detail(certificate_id: int) -> str:
    cert = queries.get_certificate(certificate_id)
    facts = CertificateSnapshot.from_dict(cert.snapshot)
    placement_url = None
    if cert.placement_id and "placements.detail" in current_app.view_functions:
        placement_url = url_for("placements.detail", placement_id=cert.placement_id)
    return render_template(
        "certificates/detail.html",
        cert=cert,
        facts=facts,
        predecessor=queries.replaced_by(cert),
        verify_url=facts.verification_url,
        placement_url=placement_url,
    )


# --- issue, re-issue, revoke ------------------------------------------------------------------


@bp.route("/issue/<int:placement_id>", methods=["GET", "POST"])
@require(Permission.ISSUE_CERTIFICATES)
def issue(placement_id: int) -> Any:
    placement = queries.placement_to_certify(placement_id)
    hours = approved_totals_by_placement([placement.id])[placement.id]
    form = IssueForm()
    if request.method == "GET":
        form.kind.data = (CertificateKind.HOURS if hours > 0
                          else CertificateKind.PARTICIPATION).value
        form.language.data = current_user.locale or "en"
    if form.validate_on_submit():
        try:
            cert = services.issue_certificate(
                placement,
                actor=current_user,
                language=form.language.data,
                kind=form.kind.data,
                bilingual=form.bilingual.data,
                contribution=form.contribution.data,
            )
        except services.AlreadyCertified:
            # The page shows the valid certificate beside the (disabled) issue button.
            db.session.rollback()
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            db.session.commit()
            flash(_("Certificate %(serial)s issued.", serial=cert.serial), "success")
            return redirect(url_for("certificates.detail", certificate_id=cert.id))
    return render_form(
        "certificates/issue.html",
        form,
        placement=placement,
        hours=hours,
        waiting=submitted_totals_by_placement([placement.id])[placement.id],
        existing=queries.valid_certificate_for(placement),
        old=None,
    )


@bp.route("/<int:certificate_id>/reissue", methods=["GET", "POST"])
@require(Permission.ISSUE_CERTIFICATES)
def reissue(certificate_id: int) -> Any:
    old = queries.get_certificate(certificate_id)
    form = IssueForm()
    form.submit.label.text = _("Re-issue certificate")
    if request.method == "GET":
        form.kind.data = old.kind.value
        form.bilingual.data = bool(old.snapshot.get("bilingual"))
        # what the service keeps: English, once allowed on a bilingual one, offered as Arabic
        form.language.data = services.kept_language(old.language, form.bilingual.data)
        form.contribution.data = old.snapshot.get("contribution") or ""
    if form.validate_on_submit():
        try:
            new = services.reissue_certificate(
                old,
                actor=current_user,
                language=form.language.data,
                kind=form.kind.data,
                bilingual=form.bilingual.data,
                contribution=form.contribution.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            db.session.commit()
            flash(
                _("Certificate %(new)s issued; %(old)s is superseded.",
                  new=new.serial, old=old.serial),
                "success",
            )
            return redirect(url_for("certificates.detail", certificate_id=new.id))
    placement = old.placement
    hours = approved_totals_by_placement([placement.id])[placement.id] if placement else None
    waiting = submitted_totals_by_placement([placement.id])[placement.id] if placement else None
    return render_form(
        "certificates/issue.html", form, placement=placement, hours=hours, existing=None,
        old=old, waiting=waiting,
    )


@bp.route("/<int:certificate_id>/revoke", methods=["GET", "POST"])
@require(Permission.ISSUE_CERTIFICATES)
def revoke(certificate_id: int) -> Any:
    cert = queries.get_certificate(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(cert, form.reason.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            db.session.commit()
            flash(_("Certificate %(serial)s revoked.", serial=cert.serial), "success")
            return redirect(url_for("certificates.detail", certificate_id=cert.id))
    return render_form("certificates/revoke.html", form, cert=cert)


# --- batch ------------------------------------------------------------------------------------


@bp.route("/batch/<int:project_id>", methods=["GET", "POST"])
@require(Permission.ISSUE_CERTIFICATES)
def batch(project_id: int) -> Any:
    """GET: what a batch would issue; POST: issue them and download every valid certificate of
    the project (new and earlier ones) as one ZIP."""
    project = queries.project_to_certify(project_id)
    form = BatchForm()
    if request.method == "GET":
        form.language.data = current_user.locale or "en"
    if form.validate_on_submit():
        try:
            issued = services.batch_issue(
                project,
                actor=current_user,
                language=form.language.data,
                kind=form.kind.data,
                bilingual=form.bilingual.data,
            )
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            db.session.commit()
            certificates = queries.valid_certificates_of_project(project)
            if certificates:
                g.no_store = True
                response = send_download(
                    downloads.certificates_zip(certificates),
                    f"certificates_project-{project.id}_{association_today().isoformat()}.zip",
                    "application/zip",
                )
                response.headers["X-Certificates-Issued"] = str(len(issued))
                return response
            field_error(form, _("No certificate to download: no completed placement of this "
                                "project can receive one of this kind."))
    pending = queries.placements_awaiting_certificate(project)
    totals = approved_totals_by_placement(p.id for p in pending)
    waiting = submitted_totals_by_placement(p.id for p in pending)
    return render_form(
        "certificates/batch.html",
        form,
        project=project,
        pending=pending,
        totals=totals,
        waiting=waiting,
        waiting_count=sum(1 for hours in waiting.values() if hours > 0),
        existing=queries.valid_certificates_of_project(project),
    )


# --- download ---------------------------------------------------------------------------------


@bp.route("/<int:certificate_id>/download")
@require(Permission.SIGNED_IN)
def download(certificate_id: int) -> Response:
    """The PDF, drawn from the stored snapshot. Scoped in SQL (staff: all; the holder; the
    holder's sending organisation); anything else is a 404."""
    cert: Certificate = queries.get_for_download(current_user, certificate_id)
    g.no_store = True
    return send_download(
        downloads.certificate_pdf(cert),
        downloads.certificate_filename(cert),
        "application/pdf",
        ascii_name=downloads.ascii_filename(cert),
    )
