"""Reads behind the certificates pages: the list, the detail page, the partials on the volunteer
and placement pages, and the download scope (DESIGN.md §3: staff all, a volunteer their own,
a sending partner those of the volunteers it sent, nobody else)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from aljisr.certificates.models import Certificate, CertificateStatus
from aljisr.extensions import db
from aljisr.listing import Page, paginate, search_terms
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.text import unstorable
from aljisr.volunteers.models import Volunteer


def certificate_filter(user: Any) -> Any:
    """A WHERE clause on ``Certificate`` for the certificates ``user`` may download.

    Staff: all. A volunteer: their own valid ones. A sending partner: the valid ones of the
    volunteers it sent. Anyone else (host partners): none. Superseded and revoked certificates
    stay with staff, so nobody outside hands on a replaced or withdrawn document.
    """
    if getattr(user, "is_staff", False):
        return sa.true()
    valid = Certificate.status == CertificateStatus.VALID
    if user.role is Role.VOLUNTEER:
        return sa.and_(
            valid,
            Certificate.volunteer_id.in_(
                sa.select(Volunteer.id).where(Volunteer.user_id == user.id)
            ),
        )
    if user.is_sending_partner:
        return sa.and_(
            valid,
            Certificate.volunteer_id.in_(
                sa.select(Volunteer.id).where(
                    Volunteer.sending_organisation_id == user.organisation_id
                )
            ),
        )
    return sa.false()


def certificates_for(user: Any) -> sa.Select[tuple[Certificate]]:
    """Certificates ``user`` may see and download (see :func:`certificate_filter`)."""
    return sa.select(Certificate).where(certificate_filter(user))


def get_for(user: Any, certificate_id: int) -> Certificate:
    """The certificate if ``user`` may have it, else 404 (unknown and out of scope alike)."""
    cert = db.session.scalar(certificates_for(user).where(Certificate.id == certificate_id))
    if cert is None:
        abort(404)
    return cert


def get_certificate(certificate_id: int) -> Certificate:
    """A certificate with its volunteer, placement and issuer (staff pages), or 404."""
    cert = db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.id == certificate_id)
        .options(
            joinedload(Certificate.volunteer),
            joinedload(Certificate.placement),
            joinedload(Certificate.issued_by),
            joinedload(Certificate.superseded_by),
        )
    )
    if cert is None:
        abort(404)
    return cert


def replaced_by(cert: Certificate) -> Certificate | None:
    """The certificate that ``cert`` superseded (its predecessor), if any."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.superseded_by_id == cert.id))


def certificate_page(filters: Mapping[str, Any], page: int) -> Page:
    """One page of certificates, newest first: 2 queries (count, page).

    :param filters: q (serial or the holder's current name, accent- and case-folded),
        status, project (id), language.
    """
    stmt = sa.select(Certificate)
    if filters.get("status"):
        stmt = stmt.where(Certificate.status == CertificateStatus(filters["status"]))
    if filters.get("language"):
        stmt = stmt.where(Certificate.language == filters["language"])
    if filters.get("project"):
        stmt = stmt.where(
            Certificate.placement_id.in_(
                sa.select(Placement.id).where(Placement.project_id == filters["project"])
            )
        )
    q = filters.get("q")
    if unstorable(q):
        stmt = stmt.where(sa.false())  # text no record can hold (NUL...): no match
    for term in [] if unstorable(q) else search_terms(q):
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Certificate.serial).contains(term, autoescape=True),
                Certificate.volunteer_id.in_(
                    sa.select(Volunteer.id).where(
                        Volunteer.search_key.contains(term, autoescape=True)
                    )
                ),
            )
        )
    return paginate(
        stmt,
        page,
        order=[Certificate.issue_date.desc(), Certificate.year.desc(), Certificate.sequence.desc()],
    )


def project_options() -> list[tuple[int, str]]:
    """(id, title) of the projects that have certificates, by title."""
    rows = db.session.execute(
        sa.select(Project.id, Project.title)
        .where(
            Project.id.in_(
                sa.select(Placement.project_id).join(
                    Certificate, Certificate.placement_id == Placement.id
                )
            )
        )
        .order_by(Project.search_key)
    ).all()
    return [(row.id, row.title) for row in rows]


def _awaiting_clause() -> Any:
    """Completed placements without a valid certificate."""
    return sa.and_(
        Placement.status == PlacementStatus.COMPLETED,
        ~sa.exists().where(
            Certificate.placement_id == Placement.id,
            Certificate.status == CertificateStatus.VALID,
        ),
    )


def projects_awaiting() -> list[tuple[Project, int]]:
    """(project, number of completed placements without a valid certificate), one query."""
    rows = db.session.execute(
        sa.select(Project, sa.func.count(Placement.id))
        .join(Placement, Placement.project_id == Project.id)
        .where(_awaiting_clause())
        .group_by(Project.id)
        .order_by(Project.end_date.desc(), Project.id)
    ).all()
    return [(project, count) for project, count in rows]


@dataclass(frozen=True)
class VolunteerCertificates:
    """What the volunteer page's certificate section shows."""

    certificates: Sequence[Certificate]
    awaiting: Sequence[Placement]


def for_volunteer(volunteer_id: int) -> VolunteerCertificates:
    """The volunteer's certificates (newest first) and completed placements still without a
    valid certificate (with their project): 2 queries."""
    certificates = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.volunteer_id == volunteer_id)
        .order_by(Certificate.issue_date.desc(), Certificate.id.desc())
    ).all()
    awaiting = db.session.scalars(
        sa.select(Placement)
        .where(Placement.volunteer_id == volunteer_id, _awaiting_clause())
        .options(joinedload(Placement.project))
        .order_by(Placement.start_date)
    ).all()
    return VolunteerCertificates(certificates, awaiting)


def for_placement(placement_id: int) -> Sequence[Certificate]:
    """The placement's certificates, newest first (one query)."""
    return db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.placement_id == placement_id)
        .order_by(Certificate.issue_date.desc(), Certificate.id.desc())
    ).all()
