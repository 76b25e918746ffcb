"""``flask --app aljisr certificates ...``: list, issue and print certificates (admins).

Certificates issued here are issued by the system (no user): the signatory comes from the
``CERTIFICATE_SIGNATORY_NAME``/``CERTIFICATE_SIGNATORY_ROLE`` settings, or is the first
administrator. Set ``PUBLIC_BASE_URL`` so that the QR code points at the real site.
"""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from aljisr.certificates import downloads, queries, services
from aljisr.certificates.models import Certificate, CertificateKind
from aljisr.database import write_intent
from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.placements.models import Placement

certificates_cli = AppGroup("certificates", help="List, issue and print certificates.")


@certificates_cli.command("list")
@click.option("--project", "project_id", type=int, help="Only the certificates of this project.")
def list_command(project_id: int | None) -> None:
    """Tab-separated: serial, verification code, status, holder, language."""
    stmt = sa.select(Certificate).order_by(Certificate.year, Certificate.sequence)
    if project_id is not None:
        stmt = stmt.where(
            Certificate.placement_id.in_(
                sa.select(Placement.id).where(Placement.project_id == project_id)
            )
        )
    count = 0
    for cert in db.session.scalars(stmt):
        holder = (cert.snapshot or {}).get("volunteer_name", "")
        click.echo("\t".join(
            (cert.serial, cert.verification_code, cert.status.value, holder, cert.language)
        ))
        count += 1
    if not count:
        click.echo("No certificates.", err=True)


@certificates_cli.command("issue")
@click.option("--placement", "placement_id", type=int, required=True, help="Placement id.")
@click.option("--language", type=click.Choice(services.LANGUAGES), default=None,
              help="Default: English; Arabic for a bilingual certificate.")
@click.option("--kind", type=click.Choice([k.value for k in CertificateKind]),
              default=CertificateKind.HOURS.value, show_default=True)
@click.option("--bilingual", is_flag=True, help="Arabic and French side by side.")
@click.option("--contribution", default=None, help="Short description of the contribution.")
def issue_command(
    placement_id: int, language: str | None, kind: str, bilingual: bool, contribution: str | None
) -> None:
    """Issue a certificate for a completed placement; prints its serial and URL."""
    with write_intent():
        placement = db.session.get(Placement, placement_id)
        if placement is None:
            raise click.ClickException(f"No placement with id {placement_id}.")
        try:
            cert = services.issue_certificate(
                placement,
                actor=None,
                language=language,
                kind=kind,
                bilingual=bilingual,
                contribution=contribution,
            )
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from error
        db.session.commit()
    click.echo(f"Issued {cert.serial}: {cert.snapshot['verification_url']}")


@certificates_cli.command("pdf")
@click.argument("serial")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              required=True, help="File to write the PDF to.")
def pdf_command(serial: str, out: Path) -> None:
    """Write the PDF of the certificate SERIAL (from its stored snapshot) to --out."""
    cert = queries.find_by_serial(serial)
    if cert is None:
        raise click.ClickException(f"No certificate with serial {serial}.")
    data = downloads.certificate_pdf(cert)
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data)} bytes, status {cert.status.value}).")
