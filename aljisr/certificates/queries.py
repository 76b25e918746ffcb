"""Certificate reads: the one certificate scope (:func:`certificates_for`, docs/architecture.md
§3.2: staff all, a volunteer their own, a sending partner those of the volunteers it sent, nobody
else), the list and detail pages, the sections on the volunteer and placement pages, what a batch
would issue, and the look-ups by verification code, serial number and successor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from aljisr.certificates.models import Certificate, CertificateStatus
from aljisr.extensions import db
from aljisr.listing import Page, paginate, search_terms
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.text import unstorable
from aljisr.volunteers.models import Volunteer


def certificates_for(user: Any, *, for_download: bool) -> sa.Select[tuple[Certificate]]:
    """The certificates ``user`` may see, as a ``Select`` scoped in SQL (docs/architecture.md
    §3.2): the one certificate scope, every page and download reads through it.

    Whose: staff all; a volunteer their own; a sending partner those of the volunteers it
    sent; anyone else (host partners) none.

    Which statuses, the one difference between the two uses, said by every caller:

    - ``for_download=False`` (lists: the volunteer portal, the volunteer's data export, a
      sending partner's page of a volunteer): every status, so a superseded or revoked
      certificate is listed as such.
    - ``for_download=True`` (the PDF download): outside staff, *valid* certificates only, so
      that nobody outside hands on a replaced or withdrawn document. Staff download all.
    """
    if getattr(user, "is_staff", False):
        return sa.select(Certificate)
    if user.role is Role.VOLUNTEER:
        whose = Certificate.volunteer_id.in_(
            sa.select(Volunteer.id).where(Volunteer.user_id == user.id)
        )
    elif user.is_sending_partner:
        whose = Certificate.volunteer_id.in_(
            sa.select(Volunteer.id).where(Volunteer.sending_organisation_id == user.organisation_id)
        )
    else:
        return sa.select(Certificate).where(sa.false())
    if for_download:
        whose = sa.and_(whose, Certificate.status == CertificateStatus.VALID)
    return sa.select(Certificate).where(whose)


def get_for_download(user: Any, certificate_id: int) -> Certificate:
    """The certificate if ``user`` may download it (:func:`certificates_for` with
    ``for_download=True``), else 404 (unknown and out of scope alike)."""
    cert = db.session.scalar(
        certificates_for(user, for_download=True).where(Certificate.id == certificate_id)
    )
    if cert is None:
        abort(404)
    return cert


def get_certificate(certificate_id: int) -> Certificate:
    """A certificate with its volunteer, placement (with its project and site: the re-issue
    page shows them) and issuer (staff pages), or 404. One statement."""
    cert = db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.id == certificate_id)
        .options(
            joinedload(Certificate.volunteer),
            joinedload(Certificate.placement).joinedload(Placement.project)
            .joinedload(Project.site),
            joinedload(Certificate.issued_by),
            joinedload(Certificate.superseded_by),
        )
    )
    if cert is None:
        abort(404)
    return cert


def placement_to_certify(placement_id: int) -> Placement:
    """A placement with its volunteer, project and site (the issue page shows them), or 404.
    One statement."""
    placement = db.session.scalar(
        sa.select(Placement).where(Placement.id == placement_id).options(
            joinedload(Placement.volunteer),
            joinedload(Placement.project).joinedload(Project.site)))
    if placement is None:
        abort(404)
    return placement


def project_to_certify(project_id: int) -> Project:
    """A project whose completed placements a batch would certify, or 404."""
    project = db.session.get(Project, project_id)
    if project is None:
        abort(404)
    return project


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
                # a serial folded as search_key folds what is typed (hyphens inside dropped)
                sa.func.replace(sa.func.lower(Certificate.serial), "-", "").contains(
                    term, autoescape=True),
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
        .options(selectinload(Placement.project))
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


def valid_certificate_for(placement: Placement) -> Certificate | None:
    """The placement's valid certificate, if it has one."""
    return db.session.scalar(
        sa.select(Certificate).where(
            Certificate.placement_id == placement.id,
            Certificate.status == CertificateStatus.VALID,
        )
    )


def placements_awaiting_certificate(project: Project) -> list[Placement]:
    """Completed placements of ``project`` without a valid certificate, by start date, with
    their volunteer loaded (one query)."""
    return list(
        db.session.scalars(
            sa.select(Placement)
            .where(Placement.project_id == project.id, _awaiting_clause())
            .options(joinedload(Placement.volunteer))
            .order_by(Placement.start_date, Placement.id)
        )
    )


def valid_certificates_of_project(project: Project) -> Sequence[Certificate]:
    """The project's valid certificates, by serial."""
    return db.session.scalars(
        sa.select(Certificate)
        .join(Placement, Placement.id == Certificate.placement_id)
        .where(Placement.project_id == project.id, Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.year, Certificate.sequence)
    ).all()


def find_by_code(code: str) -> Certificate | None:
    """The certificate with this verification code (exact match), or None."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.verification_code == code))


#: Most re-issues followed from a superseded certificate to the one now in force.
SUCCESSOR_DEPTH = 32


def current_successor(cert: Certificate) -> Certificate | None:
    """The certificate now in force in place of a superseded ``cert``: the end of its chain of
    re-issues (``superseded_by``, followed whatever the statuses along the way), or None.

    The end is the first certificate that nothing supersedes: *valid* or *revoked* (a
    certificate revoked after being re-issued keeps its pointer, so the chain goes on past it;
    the caller checks the status all the same).

    One query (a recursive CTE) whatever the chain's length, following at most
    :data:`SUCCESSOR_DEPTH` re-issues: None if ``cert`` points nowhere, or if no end is found
    within that many steps (a longer chain, or a loop that the services never make).
    """
    if cert.superseded_by_id is None:
        return None
    one = sa.literal_column("1", sa.Integer)
    chain = (
        sa.select(Certificate.id.label("id"), one.label("depth"))
        .where(Certificate.id == cert.superseded_by_id)
        .cte("successors", recursive=True)
    )
    chain = chain.union_all(
        sa.select(Certificate.superseded_by_id, chain.c.depth + one)
        .join(chain, Certificate.id == chain.c.id)
        .where(Certificate.superseded_by_id.is_not(None), chain.c.depth < SUCCESSOR_DEPTH)
    )
    last = db.session.scalar(
        sa.select(Certificate)
        .join(chain, Certificate.id == chain.c.id)
        .order_by(chain.c.depth.desc())
        .limit(1)
    )
    if last is None or last.superseded_by_id is not None:
        return None
    return last


def find_by_serial(serial: str) -> Certificate | None:
    """The certificate with this serial number (case and surrounding spaces ignored)."""
    return db.session.scalar(
        sa.select(Certificate).where(Certificate.serial == serial.strip().upper())
    )
