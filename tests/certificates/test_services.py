"""Certificate services: who may get one, serials, snapshots, re-issue, revoke, batch, ZIP."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.certificates import codes, downloads, queries, services
from aljisr.certificates.models import Certificate, CertificateKind, CertificateStatus
from aljisr.database import write_intent
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.hours.models import HoursStatus
from aljisr.permissions import Role
from aljisr.placements.models import PlacementStatus
from tests.support import factories
from tests.support.certificates import END, ISSUED, START, completed_placement, pdf_text


@pytest.fixture
def coordinator(db):
    return factories.user(Role.COORDINATOR, display_name="Samira Alaoui")


def _events(db, action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


# --- issuing ----------------------------------------------------------------------------------


def test_issue_freezes_a_snapshot_of_the_current_records(app, db, coordinator):
    volunteer = factories.volunteer(full_name="Amina (أمينة) Zhou", name_ar="أمينة")
    placement = completed_placement(volunteer, hours=("4", "3.5", "2.25"))

    cert = services.issue_certificate(
        placement, actor=coordinator, language="en", contribution="  painted four classrooms ",
        today=ISSUED,
    )

    assert cert.serial == "AJ-2025-0001" and (cert.year, cert.sequence) == (2025, 1)
    assert cert.status is CertificateStatus.VALID and cert.kind is CertificateKind.HOURS
    assert cert.issued_by_id == coordinator.id and cert.issue_date == ISSUED
    assert cert.volunteer_id == volunteer.id and cert.placement_id == placement.id
    snap = cert.snapshot
    assert snap["volunteer_name"] == "Amina (أمينة) Zhou" and snap["volunteer_name_ar"] == "أمينة"
    assert snap["project_title"] == placement.project.title
    assert snap["site_name"] == placement.project.site.name and snap["site_city"] == "Tiznit"
    assert (snap["start_date"], snap["end_date"]) == (START.isoformat(), END.isoformat())
    # approved entries only: the submitted 5 h and the rejected 6 h do not count
    assert Decimal(snap["hours"]) == Decimal("9.75")
    assert snap["contribution"] == "painted four classrooms"
    assert snap["signatory_name"] == "Samira Alaoui" and snap["signatory_role"]
    assert snap["issue_place"] == app.config["ASSOCIATION_PLACE"]
    assert snap["association_name"] == app.config["ASSOCIATION_NAME"]
    assert snap["language"] == "en" and snap["bilingual"] is False
    assert snap["verification_url"] == f"https://aljisr.example.org/verify/{cert.verification_code}"
    [event] = _events(db, "certificate.issue")
    assert event.subject_id == cert.id and event.actor_id == coordinator.id
    assert event.details["serial"] == "AJ-2025-0001"


@pytest.mark.parametrize(
    ("language", "bilingual", "place", "place_ar"),
    [("en", False, "Morocco", None), ("fr", False, "Maroc", None), ("ar", False, "المغرب", None),
     ("fr", True, "Maroc", "المغرب"), ("ar", True, "Maroc", "المغرب")],
)
def test_place_of_issue_is_named_in_the_certificate_language(
    db, coordinator, language, bilingual, place, place_ar
):
    cert = services.issue_certificate(
        completed_placement(), actor=coordinator, language=language, bilingual=bilingual
    )
    assert cert.snapshot["issue_place"] == place
    assert cert.snapshot["issue_place_ar"] == place_ar


def test_bilingual_certificate_names_the_place_in_each_line_s_script(app, db, coordinator):
    from aljisr.certificates.pdf import certificate_texts
    from aljisr.certificates.snapshot import CertificateSnapshot

    cert = services.issue_certificate(
        completed_placement(), actor=coordinator, language="fr", bilingual=True, today=ISSUED
    )
    snapshot = CertificateSnapshot.from_dict(cert.snapshot)
    french = certificate_texts(snapshot, "fr").issued
    arabic = certificate_texts(snapshot, "ar").issued
    assert "Maroc" in french and not any("\u0600" <= c <= "\u06ff" for c in french)
    assert "المغرب" in arabic and "Maroc" not in arabic
    # A place without an Arabic form (a city as configured) is printed as is on both lines.
    app.config["ASSOCIATION_PLACE"] = "Tiznit"
    other = services.issue_certificate(
        completed_placement(), actor=coordinator, language="fr", bilingual=True
    )
    assert (other.snapshot["issue_place"], other.snapshot["issue_place_ar"]) == ("Tiznit", None)
    assert "Tiznit" in certificate_texts(CertificateSnapshot.from_dict(other.snapshot),
                                         "ar").issued


def test_verification_codes_are_long_random_and_url_safe(db, coordinator):
    issued = {
        services.issue_certificate(completed_placement(), actor=coordinator).verification_code
        for _ in range(5)
    }
    assert len(issued) == 5
    for code in issued:
        assert len(code) >= 22  # >= 128 bits in base64
        assert codes.normalise_code(code) == code


def test_a_name_written_twice_in_arabic_is_not_repeated(db, coordinator):
    name = "فاطمة الزهراء بنعلي"
    placement = completed_placement(factories.volunteer(full_name=name, name_ar=name))
    cert = services.issue_certificate(placement, actor=coordinator, language="ar")
    assert cert.snapshot["volunteer_name"] == name and cert.snapshot["volunteer_name_ar"] is None


@pytest.mark.parametrize(
    "status", [PlacementStatus.ACTIVE, PlacementStatus.CONFIRMED, PlacementStatus.WITHDRAWN]
)
def test_only_completed_placements_get_certificates(db, coordinator, status):
    placement = completed_placement()
    placement.status = status
    for kind in ("hours", "participation"):
        with pytest.raises(NotAllowed, match="This placement is not completed yet."):
            services.issue_certificate(placement, actor=coordinator, kind=kind)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_hours_certificate_needs_approved_hours_participation_does_not(db, coordinator):
    placement = completed_placement(hours=())  # only a submitted and a rejected entry
    with pytest.raises(DomainError, match="No approved hours to certify.") as caught:
        services.issue_certificate(placement, actor=coordinator, kind="hours")
    assert caught.value.field == "kind"

    cert = services.issue_certificate(placement, actor=coordinator, kind="participation")
    assert cert.kind is CertificateKind.PARTICIPATION and cert.snapshot["hours"] is None


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"language": "de"}, "language"),
        ({"kind": "gold"}, "kind"),
        ({"contribution": "x" * 301}, "contribution"),
    ],
)
def test_bad_options_are_refused_beside_their_field(db, coordinator, options, field):
    with pytest.raises(DomainError) as caught:
        services.issue_certificate(completed_placement(), actor=coordinator, **options)
    assert caught.value.field == field


def test_partners_and_volunteers_cannot_issue(db):
    placement = completed_placement()
    for role in ("volunteer", "sending", "host"):
        with pytest.raises(NotAllowed):
            services.issue_certificate(placement, actor=factories.user_for_role(role))


def test_anonymised_volunteers_get_no_new_certificate(db, coordinator):
    from aljisr.database import utcnow

    placement = completed_placement()
    placement.volunteer.anonymised_at = utcnow()
    with pytest.raises(NotAllowed):
        services.issue_certificate(placement, actor=coordinator)


def test_one_valid_certificate_per_placement(db, coordinator):
    placement = completed_placement()
    first = services.issue_certificate(placement, actor=coordinator)
    with pytest.raises(Conflict, match=first.serial):
        services.issue_certificate(placement, actor=coordinator, language="ar")


def test_serials_count_per_issue_year(db, coordinator):
    serials = [
        services.issue_certificate(completed_placement(), actor=coordinator, today=day).serial
        for day in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 2), date(2025, 12, 31))
    ]
    assert serials == ["AJ-2025-0001", "AJ-2026-0001", "AJ-2026-0002", "AJ-2025-0002"]


def test_a_serial_taken_meanwhile_is_retried_not_duplicated(db, coordinator, monkeypatch):
    first = services.issue_certificate(completed_placement(), actor=coordinator, today=ISSUED)
    real = services._next_sequence
    calls = []

    def stale(year):
        # the first look-up misses the certificate just issued, as a concurrent one would
        calls.append(year)
        return 1 if len(calls) == 1 else real(year)

    monkeypatch.setattr(services, "_next_sequence", stale)
    second = services.issue_certificate(completed_placement(), actor=coordinator, today=ISSUED)
    assert len(calls) == 2
    assert (first.serial, second.serial) == ("AJ-2025-0001", "AJ-2025-0002")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 2


def _issue_in_threads(app, placement_ids, today):
    """Issue one certificate per placement id, all threads starting together."""
    barrier = threading.Barrier(len(placement_ids))
    results: dict[int, object] = {}

    def work(placement_id):
        from aljisr.extensions import db as _db
        from aljisr.placements.models import Placement

        with app.app_context(), write_intent():
            barrier.wait()
            try:
                placement = _db.session.get(Placement, placement_id)
                cert = services.issue_certificate(placement, actor=None, today=today)
                _db.session.commit()
                results[placement_id] = cert.serial
            except Exception as error:  # noqa: BLE001 (reported to the test)
                _db.session.rollback()
                results[placement_id] = error
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in placement_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_issues_get_distinct_serials(app, db):
    factories.user(Role.ADMIN, display_name="Admin")
    ids = [completed_placement().id for _ in range(6)]
    db.session.commit()
    results = _issue_in_threads(app, ids, ISSUED)
    assert sorted(results.values()) == [f"AJ-2025-{n:04d}" for n in range(1, 7)], results


def test_concurrent_issues_for_one_placement_give_one_certificate(app, db):
    factories.user(Role.ADMIN, display_name="Admin")
    placement_id = completed_placement().id
    db.session.commit()
    barrier_ids = [placement_id, placement_id]
    barrier = threading.Barrier(2)
    outcomes = []

    def work():
        from aljisr.extensions import db as _db
        from aljisr.placements.models import Placement

        with app.app_context(), write_intent():
            barrier.wait()
            try:
                cert = services.issue_certificate(
                    _db.session.get(Placement, placement_id), actor=None
                )
                _db.session.commit()
                outcomes.append(cert.serial)
            except Conflict as error:
                _db.session.rollback()
                outcomes.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=work) for _ in barrier_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([o for o in outcomes if isinstance(o, str)]) == 1, outcomes
    assert len([o for o in outcomes if isinstance(o, Conflict)]) == 1, outcomes
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


# --- signatory --------------------------------------------------------------------------------


def test_system_issue_is_signed_by_the_configured_signatory(app, db):
    app.config["CERTIFICATE_SIGNATORY_NAME"] = "Mohamed El Idrissi"
    app.config["CERTIFICATE_SIGNATORY_ROLE"] = "President"
    cert = services.issue_certificate(completed_placement(), actor=None)
    assert cert.issued_by_id is None
    assert (cert.snapshot["signatory_name"], cert.snapshot["signatory_role"]) == (
        "Mohamed El Idrissi", "President")


def test_system_issue_falls_back_to_the_first_admin(db):
    factories.user(Role.ADMIN, display_name="Nadia Admin")
    factories.user(Role.ADMIN, display_name="Second Admin")
    cert = services.issue_certificate(completed_placement(), actor=None)
    assert cert.snapshot["signatory_name"] == "Nadia Admin"
    assert cert.snapshot["signatory_role"] == "Administrator"


def test_system_issue_without_any_signatory_is_refused(db):
    with pytest.raises(DomainError, match="signatory"):
        services.issue_certificate(completed_placement(), actor=None)


def test_signatory_role_is_in_the_certificate_language(app, db, coordinator):
    from aljisr.i18n import force_locale

    cert = services.issue_certificate(completed_placement(), actor=coordinator, language="fr")
    with force_locale("fr"):
        assert cert.snapshot["signatory_role"] == str(Role.COORDINATOR.title)


GENDERED_ROLE = {"fr": "Coordinatrice", "ar": "منسقة"}


@pytest.mark.parametrize(
    ("language", "bilingual", "role"),
    [("fr", False, "Coordinatrice"), ("ar", False, "منسقة"), ("fr", True, "منسقة / Coordinatrice"),
     ("en", False, "Coordinator")],  # a language the setting leaves out: the role's title
)
def test_signatory_role_text_is_configured_per_language(
    app, db, coordinator, language, bilingual, role
):
    app.config["CERTIFICATE_SIGNATORY_ROLE"] = GENDERED_ROLE
    cert = services.issue_certificate(
        completed_placement(), actor=coordinator, language=language, bilingual=bilingual
    )
    assert cert.snapshot["signatory_name"] == "Samira Alaoui"
    assert cert.snapshot["signatory_role"] == role


def test_configured_signatory_role_prints_on_the_pdf(app, db, coordinator):
    app.config["CERTIFICATE_SIGNATORY_ROLE"] = GENDERED_ROLE
    cert = services.issue_certificate(completed_placement(), actor=coordinator, language="fr")
    text = pdf_text(downloads.certificate_pdf(cert))
    assert "Coordinatrice" in text and "Coordinateur" not in text


def test_one_signatory_role_text_serves_every_language(app, db):
    app.config["CERTIFICATE_SIGNATORY_NAME"] = "Mohamed El Idrissi"
    app.config["CERTIFICATE_SIGNATORY_ROLE"] = {"fr": "Président", "ar": "رئيس الجمعية"}
    bilingual = services.issue_certificate(completed_placement(), actor=None, bilingual=True)
    assert bilingual.snapshot["signatory_role"] == "رئيس الجمعية / Président"
    english = services.issue_certificate(completed_placement(), actor=None, language="en")
    assert english.snapshot["signatory_role"] == ""  # no text for English, no app role
    app.config["CERTIFICATE_SIGNATORY_ROLE"] = "  Présidente "
    cert = services.issue_certificate(completed_placement(), actor=None, bilingual=True)
    assert cert.snapshot["signatory_role"] == "Présidente"


@pytest.mark.parametrize("value", [["Coordinatrice"], {"de": "Koordinatorin"}, {"fr": 3}])
def test_a_malformed_signatory_role_stops_the_app_at_start(app_config, value):
    from aljisr import create_app
    from aljisr.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="CERTIFICATE_SIGNATORY_ROLE"):
        create_app(app_config | {"CERTIFICATE_SIGNATORY_ROLE": value})


def test_signatory_role_per_language_from_the_environment(app_config, monkeypatch):
    from aljisr import create_app

    monkeypatch.setenv("ALJISR_CERTIFICATE_SIGNATORY_ROLE", '{"fr": "Coordinatrice"}')
    app = create_app(app_config)
    assert app.config["CERTIFICATE_SIGNATORY_ROLE"] == {"fr": "Coordinatrice"}


# --- re-issue and revoke ----------------------------------------------------------------------


def test_reissue_supersedes_and_takes_a_fresh_snapshot(db, coordinator):
    volunteer = factories.volunteer(full_name="Olga Petrenko")
    placement = completed_placement(volunteer)
    old = services.issue_certificate(
        placement, actor=coordinator, contribution="teaching", today=ISSUED
    )
    old_snapshot = dict(old.snapshot)
    volunteer.full_name = "Ольга Петренко"
    factories.hours(placement, date(2025, 9, 20), "2")

    new = services.reissue_certificate(old, actor=coordinator, language="ar", today=ISSUED)

    assert old.status is CertificateStatus.SUPERSEDED and old.superseded_by is new
    assert new.status is CertificateStatus.VALID and new.serial == "AJ-2025-0002"
    assert old.snapshot == old_snapshot  # the old certificate never changes
    assert new.snapshot["volunteer_name"] == "Ольга Петренко"
    assert Decimal(new.snapshot["hours"]) == Decimal("9.5")
    assert new.snapshot["contribution"] == "teaching"  # kept unless changed
    assert new.language == "ar" and new.verification_code != old.verification_code
    assert _events(db, "certificate.supersede")[0].subject_id == old.id
    issue_events = _events(db, "certificate.issue")
    assert issue_events[-1].details["replaces"] == old.serial


def test_only_valid_certificates_can_be_reissued(db, coordinator):
    old = services.issue_certificate(completed_placement(), actor=coordinator)
    services.reissue_certificate(old, actor=coordinator)
    with pytest.raises(NotAllowed):
        services.reissue_certificate(old, actor=coordinator)


def test_revoke_needs_a_reason_and_keeps_the_record(db, coordinator):
    cert = services.issue_certificate(completed_placement(), actor=coordinator)
    for blank in (None, "", "   "):
        with pytest.raises(DomainError) as caught:
            services.revoke_certificate(cert, blank, actor=coordinator)
        assert caught.value.field == "reason"
    assert cert.status is CertificateStatus.VALID

    services.revoke_certificate(cert, " Issued to the wrong person ", actor=coordinator)

    assert cert.status is CertificateStatus.REVOKED and cert.revoked_at is not None
    assert cert.revoked_reason == "Issued to the wrong person"
    [event] = _events(db, "certificate.revoke")
    assert event.reason == "Issued to the wrong person" and event.actor_id == coordinator.id
    with pytest.raises(NotAllowed):
        services.revoke_certificate(cert, "again", actor=coordinator)
    with pytest.raises(NotAllowed):
        services.reissue_certificate(cert, actor=coordinator)
    # the placement has no valid certificate any more: a new one may be issued
    again = services.issue_certificate(cert.placement, actor=coordinator)
    assert again.status is CertificateStatus.VALID


def test_a_superseded_certificate_can_still_be_revoked(db, coordinator):
    old = services.issue_certificate(completed_placement(), actor=coordinator)
    new = services.reissue_certificate(old, actor=coordinator)
    services.revoke_certificate(old, "forged copies in circulation", actor=coordinator)
    assert old.status is CertificateStatus.REVOKED and old.superseded_by is new
    assert new.status is CertificateStatus.VALID


# --- batch and files --------------------------------------------------------------------------


def test_batch_issues_for_completed_placements_without_a_valid_certificate(db, coordinator):
    first = completed_placement()
    project = first.project
    already = completed_placement(project=project)
    no_hours = completed_placement(project=project, hours=())
    active = factories.placement(project_=project, status=PlacementStatus.ACTIVE)
    factories.hours(active, START, "3")
    kept = services.issue_certificate(already, actor=coordinator)

    issued = services.batch_issue(project, actor=coordinator, language="fr", today=ISSUED)

    assert [c.placement_id for c in issued] == [first.id]
    assert issued[0].language == "fr" and already.id != first.id
    assert kept.status is CertificateStatus.VALID
    participation = services.batch_issue(project, actor=coordinator, kind="participation")
    assert [c.placement_id for c in participation] == [no_hours.id]
    assert services.batch_issue(project, actor=coordinator) == []
    assert len(queries.valid_certificates_of_project(project)) == 3


def test_zip_has_one_readable_pdf_per_certificate(db, coordinator):
    names = ["Ольга Петренко", "فاطمة الزهراء بنعلي", "Zoë O'Brien"]
    certificates = [
        services.issue_certificate(
            completed_placement(factories.volunteer(full_name=name)), actor=coordinator,
            today=ISSUED,
        )
        for name in names
    ]
    data = downloads.certificates_zip(certificates)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.namelist()
        assert entries == [
            "certificate_AJ-2025-0001_Ольга-Петренко.pdf",
            "certificate_AJ-2025-0002_فاطمة-الزهراء-بنعلي.pdf",
            "certificate_AJ-2025-0003_Zoë-O-Brien.pdf",
        ]
        first = archive.read(entries[0])
    assert first.startswith(b"%PDF") and "Ольга Петренко" in pdf_text(first)
    assert downloads.certificates_zip(certificates) == data  # deterministic


def test_pdf_is_drawn_from_the_snapshot_not_the_current_records(db, coordinator):
    volunteer = factories.volunteer(full_name="Ольга Петренко")
    placement = completed_placement(volunteer, hours=("6", "6"))
    cert = services.issue_certificate(placement, actor=coordinator, today=ISSUED)
    before = downloads.certificate_pdf(cert)
    volunteer.full_name = "Olga Someone-Else"
    placement.project.title = "Another title"
    factories.hours(placement, date(2025, 9, 25), "8")
    db.session.flush()
    after = downloads.certificate_pdf(cert)
    assert after == before
    text = pdf_text(after)
    assert "Ольга Петренко" in text and "12" in text
    assert "Someone-Else" not in text and "Another title" not in text


@pytest.mark.parametrize(
    ("name", "unicode_name", "ascii_name"),
    [
        ("Ольга Петренко", "certificate_AJ-2025-0001_Ольга-Петренко.pdf",
         "certificate_AJ-2025-0001.pdf"),
        ("فاطمة الزهراء بنعلي", "certificate_AJ-2025-0001_فاطمة-الزهراء-بنعلي.pdf",
         "certificate_AJ-2025-0001.pdf"),
        ("María José Fernández-Villaverde", "certificate_AJ-2025-0001_María-José-Fernández-"
         "Villaverde.pdf", "certificate_AJ-2025-0001_Maria-Jose-Fernandez-Villaverde.pdf"),
        ('a/b\\c:"d"<e>', "certificate_AJ-2025-0001_a-b-c-d-e.pdf",
         "certificate_AJ-2025-0001_a-b-c-d-e.pdf"),
    ],
)
def test_file_names_are_readable_and_safe(db, coordinator, name, unicode_name, ascii_name):
    cert = services.issue_certificate(
        completed_placement(factories.volunteer(full_name=name)), actor=coordinator, today=ISSUED
    )
    assert downloads.certificate_filename(cert) == unicode_name
    assert downloads.ascii_filename(cert) == ascii_name


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Abcdefghijklmnop_-123  ", "Abcdefghijklmnop_-123"),
        ("Abcd efgh ijkl mnop", "Abcdefghijklmnop"),
        ("https://aljisr.example.org/verify/Abcdefghijklmnop_-123", "Abcdefghijklmnop_-123"),
        ("https://aljisr.example.org/verify/Abcdefghijklmnop_-123/?x=1", "Abcdefghijklmnop_-123"),
        ("", None),
        ("   ", None),
        (None, None),
        ("short", None),
        ("<script>alert(1)</script>", None),
        ("Abcdefghijklmnop!", None),
        ("x" * 65, None),
    ],
)
def test_typed_codes_are_normalised(typed, expected):
    assert codes.normalise_code(typed) == expected


def test_submitted_hours_entries_alone_do_not_make_an_hours_certificate(db, coordinator):
    placement = completed_placement(hours=())
    factories.hours(placement, date(2025, 9, 10), "4", HoursStatus.SUBMITTED)
    with pytest.raises(DomainError):
        services.issue_certificate(placement, actor=coordinator)
