"""Reads of testimonials: the coordinators' queue, a volunteer's own, and the published ones
the public site shows (signed as their writer chose, never more)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.scopes import placement_filter
from aljisr.testimonials.models import Signature, Testimonial, TestimonialStatus
from aljisr.volunteers.models import Volunteer


@dataclass(frozen=True)
class PublicTestimonial:
    """A published testimonial as the public site shows it: its language (ISO 639-1), its
    paragraphs, the signature chosen (``name`` is None for an anonymous one, ``country`` an
    ISO 3166-1 code or None) and its project."""

    id: int
    language: str
    paragraphs: tuple[str, ...]
    signature: Signature
    name: str | None
    country: str | None
    project_id: int
    project_title: str


def signed_name(signature: Signature, full_name: str) -> str | None:
    """The name shown beside a testimonial: the full name, its first word, or None
    (anonymous)."""
    if signature is Signature.ANONYMOUS:
        return None
    if signature is Signature.FULL_NAME:
        return full_name
    return (full_name.split() or [full_name])[0]


def published(language: str, *, project_ids: list[int] | None = None,
              limit: int = 6) -> list[PublicTestimonial]:
    """Published testimonials, newest decision first, at most ``limit``; of those projects
    when ``project_ids`` is given (one query). Those of anonymised volunteers are gone
    already (:func:`aljisr.testimonials.services.remove_for_volunteer`)."""
    query = (
        sa.select(Testimonial.id, Testimonial.language, Testimonial.body, Testimonial.signature,
                  Volunteer.full_name, Volunteer.nationality, Testimonial.project_id,
                  Project.title_sql(language))
        .join(Volunteer, Volunteer.id == Testimonial.volunteer_id)
        .join(Project, Project.id == Testimonial.project_id)
        .where(Testimonial.status == TestimonialStatus.PUBLISHED,
               Volunteer.anonymised_at.is_(None))
        .order_by(Testimonial.decided_at.desc(), Testimonial.id.desc())
        .limit(limit)
    )
    if project_ids is not None:
        query = query.where(Testimonial.project_id.in_(project_ids))
    return [
        PublicTestimonial(
            id=row[0], language=row[1], paragraphs=tuple(row[2].split("\n\n")),
            signature=row[3], name=signed_name(row[3], row[4]),
            country=row[5] if row[3] is Signature.FIRST_NAME_COUNTRY else None,
            project_id=row[6], project_title=row[7])
        for row in db.session.execute(query)
    ]


def review_queue(status: TestimonialStatus | None) -> list[Testimonial]:
    """Testimonials for coordinators, of one status or all but withdrawn, oldest waiting
    first, each with its volunteer and project loaded (one query)."""
    query = (sa.select(Testimonial)
             .options(joinedload(Testimonial.volunteer), joinedload(Testimonial.project))
             .order_by(Testimonial.created_at, Testimonial.id))
    if status is None:
        query = query.where(Testimonial.status != TestimonialStatus.WITHDRAWN)
    else:
        query = query.where(Testimonial.status == status)
    return list(db.session.scalars(query).unique())


def counts_by_status() -> dict[TestimonialStatus, int]:
    """How many testimonials have each status (every status present, 0 when none)."""
    rows = db.session.execute(
        sa.select(Testimonial.status, sa.func.count()).group_by(Testimonial.status)).all()
    counts = dict.fromkeys(TestimonialStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def testimonial(testimonial_id: int) -> Testimonial | None:
    """One testimonial by id, for coordinators (who see them all)."""
    return db.session.get(Testimonial, testimonial_id)


def own_testimonial(user: User, testimonial_id: int) -> Testimonial | None:
    """One of ``user``'s own testimonials (a volunteer's, through their placements' scope);
    None for anyone else's."""
    return db.session.scalar(
        sa.select(Testimonial).join(Placement, Placement.id == Testimonial.placement_id)
        .where(Testimonial.id == testimonial_id, placement_filter(user)))


def own_testimonials(user: User) -> list[Testimonial]:
    """``user``'s testimonials that are not withdrawn, newest first, with their project."""
    return list(db.session.scalars(
        sa.select(Testimonial).join(Placement, Placement.id == Testimonial.placement_id)
        .where(placement_filter(user), Testimonial.status != TestimonialStatus.WITHDRAWN)
        .options(joinedload(Testimonial.project))
        .order_by(Testimonial.created_at.desc(), Testimonial.id.desc())).unique())


def volunteer_testimonials(volunteer_id: int) -> list[Testimonial]:
    """The testimonials of volunteer ``volunteer_id`` that are not withdrawn (a withdrawn one
    keeps no text), newest first, with their project: what a data export lists, whether the
    volunteer asks from the portal or a coordinator downloads it for them."""
    return list(db.session.scalars(
        sa.select(Testimonial)
        .where(Testimonial.volunteer_id == volunteer_id,
               Testimonial.status != TestimonialStatus.WITHDRAWN)
        .options(joinedload(Testimonial.project))
        .order_by(Testimonial.created_at.desc(), Testimonial.id.desc())).unique())


def completed_placements(user: User) -> list[Placement]:
    """``user``'s completed placements, latest first, with project and site: those a
    testimonial may be written about."""
    return list(db.session.scalars(
        sa.select(Placement).where(placement_filter(user),
                                   Placement.status == PlacementStatus.COMPLETED)
        .options(joinedload(Placement.project).joinedload(Project.site))
        .order_by(Placement.end_date.desc(), Placement.id.desc())).unique())


def own_completed_placement(user: User, placement_id: int) -> Placement | None:
    """One of ``user``'s placements by id (any status: the service refuses those not
    completed); None for anyone else's."""
    return db.session.scalar(
        sa.select(Placement).where(placement_filter(user), Placement.id == placement_id))
