"""Scopes added for the portals: hours entries and certificates per role (DESIGN.md §3)."""

from __future__ import annotations

from datetime import date

from aljisr.certificates.models import Certificate, CertificateKind
from aljisr.organisations.models import OrganisationKind
from aljisr.permissions import Role
from aljisr.scopes import certificates_for, hours_entries_for
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
    assert _ids(db, certificates_for(volunteer_user)) == {cert_mine.id}
    assert _ids(db, hours_entries_for(sending_user)) == {entry_mine.id}
    assert _ids(db, certificates_for(sending_user)) == {cert_mine.id}
    assert _ids(db, hours_entries_for(host_user)) == {entry_mine.id}
    assert _ids(db, certificates_for(host_user)) == set()
    assert _ids(db, hours_entries_for(staff)) == {entry_mine.id, entry_theirs.id}
    assert _ids(db, certificates_for(staff)) == {cert_mine.id, cert_theirs.id}
