"""Scopes added for the portals: hours entries and certificates per role
(docs/architecture.md §3.2)."""

from __future__ import annotations

from datetime import date

from aljisr.certificates.models import Certificate, CertificateKind, CertificateStatus
from aljisr.certificates.queries import certificates_for
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.scopes import hours_entries_for
from tests.support import factories


def _certificate(db, volunteer, n):
    cert = Certificate(serial=f"AJ-2026-{n:04d}", year=2026, sequence=n,
                       verification_code=f"code-{n}", kind=CertificateKind.PARTICIPATION,
                       language="en", volunteer_id=volunteer.id, issue_date=date(2026, 10, 1),
                       snapshot={})
    db.session.add(cert)
    db.session.flush()
    return cert


def _ids(db, stmt):
    return set(db.session.scalars(stmt.with_only_columns(stmt.selected_columns[0].table.c.id)))


def test_hours_and_certificates_scoped_by_role(db):
    sender = factories.organisation(OrganisationKind.SENDING)
    other_sender = factories.organisation(OrganisationKind.SENDING)
    host = factories.organisation(OrganisationKind.HOST)
    mine = factories.volunteer(sender)
    theirs = factories.volunteer(other_sender)
    at_host = factories.placement(mine, factories.project(factories.site(host)))
    elsewhere = factories.placement(theirs)
    entry_mine = factories.hours(at_host)
    entry_theirs = factories.hours(elsewhere)
    cert_mine = _certificate(db, mine, 1)
    cert_theirs = _certificate(db, theirs, 2)

    volunteer_user = factories.user(Role.VOLUNTEER)
    mine.user = volunteer_user
    sending_user = factories.user(Role.PARTNER, organisation=sender)
    host_user = factories.user(Role.PARTNER, organisation=host)
    staff = factories.user(Role.COORDINATOR)
    db.session.flush()
    assert _ids(db, hours_entries_for(volunteer_user)) == {entry_mine.id}
    assert _ids(db, certificates_for(volunteer_user, for_download=False)) == {cert_mine.id}
    assert _ids(db, hours_entries_for(sending_user)) == {entry_mine.id}
    assert _ids(db, certificates_for(sending_user, for_download=False)) == {cert_mine.id}
    assert _ids(db, hours_entries_for(host_user)) == {entry_mine.id}
    assert _ids(db, certificates_for(host_user, for_download=False)) == set()
    assert _ids(db, hours_entries_for(staff)) == {entry_mine.id, entry_theirs.id}
    assert _ids(db, certificates_for(staff, for_download=False)) == {cert_mine.id, cert_theirs.id}


def test_one_certificate_scope_lists_every_status_and_downloads_valid_only_outside_staff(db):
    """Lists show a volunteer or a sending partner their superseded and revoked certificates
    too; downloads give them the valid ones only; staff get every status either way."""
    sender = factories.organisation(OrganisationKind.SENDING)
    mine = factories.volunteer(sender)
    valid = _certificate(db, mine, 1)
    revoked = _certificate(db, mine, 2)
    revoked.status = CertificateStatus.REVOKED
    superseded = _certificate(db, mine, 3)
    superseded.status = CertificateStatus.SUPERSEDED
    volunteer_user = factories.user(Role.VOLUNTEER)
    mine.user = volunteer_user
    sending_user = factories.user(Role.PARTNER, organisation=sender)
    staff = factories.user(Role.COORDINATOR)
    db.session.flush()
    every = {valid.id, revoked.id, superseded.id}
    for user in (volunteer_user, sending_user):
        assert _ids(db, certificates_for(user, for_download=False)) == every
        assert _ids(db, certificates_for(user, for_download=True)) == {valid.id}
    assert _ids(db, certificates_for(staff, for_download=False)) == every
    assert _ids(db, certificates_for(staff, for_download=True)) == every
