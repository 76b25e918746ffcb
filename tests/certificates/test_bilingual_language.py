"""A bilingual certificate prints Arabic and French side by side, never English: its language
is French or Arabic, and English with the bilingual layout is refused (field ``language``) on
every path that issues one: issue, re-issue and batch, in the services and on their pages."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.certificates import queries, services
from aljisr.certificates.models import Certificate, CertificateStatus
from aljisr.certificates.pdf import render_certificate
from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.errors import DomainError
from aljisr.permissions import Role
from tests.support import factories
from tests.support.certificates import ISSUED, completed_placement

REFUSAL = ("A bilingual certificate is printed in Arabic and French: choose French or Arabic "
           "as its language, or untick the bilingual layout.")


@pytest.fixture
def coordinator(db):
    return factories.user(Role.COORDINATOR, display_name="Samira Alaoui")


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate))


def _issue_events(db) -> list[AuditEvent]:
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.issue")
    ).all()


def _legacy_english_bilingual(db, coordinator) -> Certificate:
    """A bilingual certificate recorded in English, as issued before the rule."""
    cert = services.issue_certificate(completed_placement(), actor=coordinator, language="fr",
                                      bilingual=True, today=ISSUED)
    cert.language = "en"
    cert.snapshot = {**cert.snapshot, "language": "en"}
    db.session.commit()
    return cert


# --- services ---------------------------------------------------------------------------------


def test_issue_refuses_english_with_the_bilingual_layout(db, coordinator):
    with pytest.raises(DomainError) as refused:
        services.issue_certificate(completed_placement(), actor=coordinator, language="en",
                                   bilingual=True)
    assert refused.value.field == "language" and refused.value.message == REFUSAL
    assert _count(db) == 0 and _issue_events(db) == []


def test_reissue_refuses_english_with_the_bilingual_layout(db, coordinator):
    english = services.issue_certificate(completed_placement(), actor=coordinator,
                                         language="en")
    bilingual = services.issue_certificate(completed_placement(), actor=coordinator,
                                           language="fr", bilingual=True)
    db.session.commit()
    # turning an English certificate bilingual, and a bilingual one English
    for old, options in ((english, {"bilingual": True, "language": "en"}),
                         (bilingual, {"language": "en"})):
        with pytest.raises(DomainError) as refused:
            services.reissue_certificate(old, actor=coordinator, **options)
        assert refused.value.field == "language" and refused.value.message == REFUSAL
        db.session.rollback()
        db.session.refresh(old)
        assert old.status is CertificateStatus.VALID and old.superseded_by_id is None
    assert _count(db) == 2


def test_batch_refuses_english_with_the_bilingual_layout_before_issuing_any(db, coordinator):
    first = completed_placement()
    completed_placement(project=first.project)
    empty = completed_placement(hours=()).project  # nothing an hours batch would issue
    db.session.commit()
    for project in (first.project, empty):
        with pytest.raises(DomainError) as refused:
            services.batch_issue(project, actor=coordinator, language="en", bilingual=True)
        assert refused.value.field == "language" and refused.value.message == REFUSAL
        db.session.rollback()
    assert _count(db) == 0 and _issue_events(db) == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_french_and_arabic_bilingual_certificates_are_issued(db, coordinator, language):
    placement = completed_placement()
    cert = services.issue_certificate(placement, actor=coordinator, language=language,
                                      bilingual=True, today=ISSUED)
    assert cert.language == language and cert.snapshot["language"] == language
    assert cert.snapshot["bilingual"] is True
    new = services.reissue_certificate(cert, actor=coordinator)  # options kept
    assert new.language == language and new.snapshot["bilingual"] is True
    [batched] = services.batch_issue(completed_placement().project, actor=coordinator,
                                     language=language, bilingual=True)
    assert batched.language == language and batched.snapshot["bilingual"] is True


def test_the_language_of_a_bilingual_pdf_is_only_a_record(db, coordinator):
    """French or Arabic, a bilingual certificate prints the same page (so recording one or the
    other changes no PDF)."""
    cert = services.issue_certificate(completed_placement(), actor=coordinator, language="fr",
                                      bilingual=True, today=ISSUED)
    french = CertificateSnapshot.from_dict(cert.snapshot)
    arabic = dataclasses.replace(french, language="ar")
    assert render_certificate(french) == render_certificate(arabic)


def test_unnamed_language_is_english_or_arabic_when_bilingual(db, coordinator):
    assert services.issue_certificate(completed_placement(), actor=coordinator).language == "en"
    bilingual = services.issue_certificate(completed_placement(), actor=coordinator,
                                           bilingual=True)
    assert bilingual.language == "ar"
    # a re-issue keeps the language unless the bilingual layout cannot have it
    english = services.issue_certificate(completed_placement(), actor=coordinator,
                                         language="en")
    assert services.reissue_certificate(english, actor=coordinator,
                                        bilingual=True).language == "ar"
    french = services.issue_certificate(completed_placement(), actor=coordinator,
                                        language="fr")
    assert services.reissue_certificate(french, actor=coordinator,
                                        bilingual=True).language == "fr"


def test_reissuing_an_english_bilingual_certificate_records_it_in_arabic(db, coordinator):
    old = _legacy_english_bilingual(db, coordinator)
    new = services.reissue_certificate(old, actor=coordinator)
    assert (new.language, new.snapshot["language"], new.snapshot["bilingual"]) == ("ar", "ar",
                                                                                   True)
    assert old.status is CertificateStatus.SUPERSEDED


# --- pages ------------------------------------------------------------------------------------


def _field_error(html: str, field: str) -> str:
    """The text of the error shown beside ``field`` (its ``<id>-error`` block)."""
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert match, f"no error beside {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _control(html: str, field: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field}"[^>]*>', html)
    assert match, f"no control {field}"
    return match.group(0)


def _assert_typed_values_kept(html: str, contribution: str | None = None) -> None:
    assert '<option selected value="en">' in html
    assert re.search(r"\bchecked\b", _control(html, "bilingual"))
    assert 'aria-invalid="true"' in _control(html, "language")
    if contribution is not None:
        assert contribution in html


def test_the_issue_page_refuses_english_bilingual_beside_the_language(as_role, db):
    client, _ = as_role("coordinator")
    placement = completed_placement()
    db.session.commit()
    response = client.post(
        f"/certificates/issue/{placement.id}",
        data={"kind": "hours", "language": "en", "bilingual": "y",
              "contribution": "painted the library"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "language") == REFUSAL
    _assert_typed_values_kept(html, "painted the library")
    assert _count(db) == 0


def test_the_reissue_page_refuses_english_bilingual_beside_the_language(as_role, db):
    client, coordinator = as_role("coordinator")
    old = services.issue_certificate(completed_placement(), actor=coordinator, language="fr",
                                     bilingual=True, contribution="painting")
    db.session.commit()
    response = client.post(
        f"/certificates/{old.id}/reissue",
        data={"kind": "hours", "language": "en", "bilingual": "y", "contribution": "walls"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "language") == REFUSAL
    _assert_typed_values_kept(html, "walls")
    db.session.refresh(old)
    assert old.status is CertificateStatus.VALID and _count(db) == 1


def test_the_batch_page_refuses_english_bilingual_beside_the_language(as_role, db):
    client, _ = as_role("coordinator")
    project = completed_placement().project
    db.session.commit()
    response = client.post(f"/certificates/batch/{project.id}",
                           data={"kind": "hours", "language": "en", "bilingual": "y"})
    assert response.status_code == 422 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert _field_error(html, "language") == REFUSAL
    _assert_typed_values_kept(html)
    assert _count(db) == 0


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pages_issue_french_and_arabic_bilingual_certificates(as_role, db, language):
    client, _ = as_role("coordinator")
    placement = completed_placement()
    other = completed_placement()
    db.session.commit()
    response = client.post(f"/certificates/issue/{placement.id}",
                           data={"kind": "hours", "language": language, "bilingual": "y"})
    assert response.status_code == 302
    cert = queries.valid_certificate_for(placement)
    assert cert.language == language and cert.snapshot["bilingual"] is True
    response = client.post(f"/certificates/{cert.id}/reissue",
                           data={"kind": "participation", "language": language,
                                 "bilingual": "y"})
    assert response.status_code == 302
    new = queries.valid_certificate_for(placement)
    assert new.id != cert.id and new.language == language and new.snapshot["bilingual"] is True
    response = client.post(f"/certificates/batch/{other.project.id}",
                           data={"kind": "hours", "language": language, "bilingual": "y"})
    assert response.mimetype == "application/zip"
    batched = queries.valid_certificate_for(other)
    assert batched.language == language and batched.snapshot["bilingual"] is True


def test_the_reissue_form_offers_an_english_bilingual_certificate_in_arabic(as_role, db):
    client, coordinator = as_role("coordinator")
    old = _legacy_english_bilingual(db, coordinator)
    html = client.get(f"/certificates/{old.id}/reissue").get_data(as_text=True)
    assert '<option selected value="ar">' in html
    assert re.search(r"\bchecked\b", _control(html, "bilingual"))


class _References(HTMLParser):
    """The ids of a page, and the ids each control's aria-describedby names."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self.described: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"] or ""] = tag
        if a.get("aria-describedby"):
            self.described[a.get("id") or tag] = (a["aria-describedby"] or "").split()


def _references(html: str) -> _References:
    parser = _References()
    parser.feed(html)
    return parser


def test_the_bilingual_check_box_is_described_by_text_on_the_page(as_role, db):
    client, coordinator = as_role("coordinator")
    placement = completed_placement()
    old = services.issue_certificate(completed_placement(), actor=coordinator, language="ar",
                                     bilingual=True)
    db.session.commit()
    pages = {
        "issue": client.get(f"/certificates/issue/{placement.id}"),
        "reissue": client.get(f"/certificates/{old.id}/reissue"),
        "batch": client.get(f"/certificates/batch/{placement.project.id}"),
        "refused": client.post(f"/certificates/issue/{placement.id}",
                               data={"kind": "hours", "language": "en", "bilingual": "y"}),
    }
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        found = _references(html)
        assert found.described["bilingual"] == ["bilingual-help"], name
        missing = {control: [i for i in ids if i not in found.ids]
                   for control, ids in found.described.items()}
        assert not any(missing.values()), (name, missing)
        help_text = re.search(r'id="bilingual-help"[^>]*>([^<]*)<', html).group(1)
        assert "Arabic and French" in help_text, name
