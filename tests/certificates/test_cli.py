"""``flask certificates list|issue|pdf`` and the certificates of the demo data."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.certificates import downloads, services
from aljisr.certificates.models import Certificate, CertificateStatus
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.volunteers.models import Volunteer
from tests.support import factories
from tests.support.certificates import ISSUED, completed_placement, pdf_text


def _run(app, db, *args):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["certificates", *args])
    db.session.expire_all()
    return result


def test_list_prints_serial_code_status_holder_language(app, db):
    coordinator = factories.user()
    olga = services.issue_certificate(
        completed_placement(factories.volunteer(full_name="Ольга Петренко")),
        actor=coordinator, language="fr", today=ISSUED,
    )
    other = services.issue_certificate(completed_placement(), actor=coordinator, today=ISSUED)
    services.revoke_certificate(other, "mistake", actor=coordinator)

    result = _run(app, db, "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split("\t") == [
        olga.serial, olga.verification_code, "valid", "Ольга Петренко", "fr"
    ]
    assert lines[1].split("\t")[2] == "revoked"

    result = _run(app, db, "list", "--project", str(olga.placement.project_id))
    assert result.exit_code == 0 and olga.serial in result.output
    assert other.serial not in result.output


def test_issue_by_the_system_signed_by_the_first_admin(app, db):
    factories.user(Role.ADMIN, display_name="Nadia Benjelloun")
    placement = completed_placement()
    result = _run(app, db, "issue", "--placement", str(placement.id), "--language", "ar")
    assert result.exit_code == 0, result.output
    cert = db.session.scalars(sa.select(Certificate)).one()
    assert cert.serial in result.output and cert.verification_code in result.output
    assert cert.language == "ar" and cert.issued_by_id is None
    assert cert.snapshot["signatory_name"] == "Nadia Benjelloun"


def test_issue_errors_are_messages_not_tracebacks(app, db):
    placement = completed_placement()
    result = _run(app, db, "issue", "--placement", str(placement.id))
    assert result.exit_code != 0 and "No signatory" in result.output

    factories.user(Role.ADMIN)
    placement.status = PlacementStatus.ACTIVE
    result = _run(app, db, "issue", "--placement", str(placement.id))
    assert result.exit_code != 0 and "not completed" in result.output

    result = _run(app, db, "issue", "--placement", "9999")
    assert result.exit_code != 0 and "No placement with id 9999" in result.output

    result = _run(app, db, "issue", "--placement", str(placement.id), "--language", "de")
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_pdf_writes_the_certificate(app, db, tmp_path):
    cert = services.issue_certificate(
        completed_placement(factories.volunteer(full_name="Amina (أمينة) Zhou")),
        actor=factories.user(), today=ISSUED,
    )
    out = tmp_path / "out.pdf"
    result = _run(app, db, "pdf", cert.serial.lower(), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == downloads.certificate_pdf(cert)
    assert cert.serial in pdf_text(out.read_bytes())

    result = _run(app, db, "pdf", "AJ-1999-0001", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code != 0 and "No certificate" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_seed_demo_issues_certificates_in_three_languages_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    certificates = db.session.scalars(sa.select(Certificate)).all()
    completed = db.session.scalars(
        sa.select(Placement).where(Placement.status == PlacementStatus.COMPLETED)
    ).all()
    assert len(certificates) == len(completed) > 0
    assert {c.language for c in certificates} == {"en", "fr", "ar"}
    assert all(c.status is CertificateStatus.VALID for c in certificates)
    assert any(c.snapshot["bilingual"] for c in certificates)

    yasmine = db.session.scalar(
        sa.select(Volunteer).where(Volunteer.email == "volunteer@aljisr.example.org")
    )
    [own] = [c for c in certificates if c.volunteer_id == yasmine.id]
    assert own.snapshot["volunteer_name"] == "Yasmine Haddad"
    # a French certificate: the project's French title (the demo projects have one)
    assert own.language == "fr"
    assert own.snapshot["project_title"].startswith("Construction d'une salle multidisciplinaire")
    assert "première étape" in own.snapshot["project_title"]

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 certificates" in second.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == len(
        certificates
    )
