"""Writes on testimonials: a volunteer writes or withdraws one, a coordinator publishes or
declines it, anonymising a volunteer removes theirs (docs/architecture.md §6.17).

Each verb flushes and records an audit event; none commits.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.database import utcnow
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.i18n import _
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.testimonials.models import (
    BODY_MAX_LENGTH,
    BODY_MIN_LENGTH,
    REASON_MAX_LENGTH,
    STANDING_STATUSES,
    Signature,
    Testimonial,
    TestimonialStatus,
)
from aljisr.text import clean_paragraphs, clean_text


def _standing_for(placement: Placement) -> Testimonial | None:
    return db.session.scalar(
        sa.select(Testimonial).where(Testimonial.placement_id == placement.id,
                                     Testimonial.status.in_(STANDING_STATUSES)))


def write_testimonial(placement: Placement, *, body: str, language: str, signature: Signature,
                      actor: Any) -> Testimonial:
    """Store what a volunteer says about ``placement`` (one of theirs: the caller checks
    whose it is), waiting for a coordinator's review.

    :param body: a few paragraphs, :data:`BODY_MIN_LENGTH` to :data:`BODY_MAX_LENGTH`
        characters once cleaned (:func:`aljisr.text.clean_paragraphs`).
    :param language: ISO 639-1 code of the language it is written in, any language.
    :raises NotAllowed: the placement is not completed.
    :raises Conflict: the placement has a testimonial already, unless withdrawn
        (``field="placement"``).
    :raises DomainError: the text is too short or too long (``field="body"``), or no
        language is given (``field="language"``).
    """
    if placement.status is not PlacementStatus.COMPLETED:
        raise NotAllowed(_("You can write a testimonial once the placement is completed."),
                         field="placement")
    if _standing_for(placement) is not None:
        raise Conflict(_("You have already written a testimonial about this placement; "
                         "withdraw it to write another."), field="placement")
    text = clean_paragraphs(body) or ""
    if len(text) < BODY_MIN_LENGTH:
        raise DomainError(_("Write at least %(n)d characters.", n=BODY_MIN_LENGTH),
                          field="body")
    if len(text) > BODY_MAX_LENGTH:
        raise DomainError(_("Write at most %(n)d characters.", n=BODY_MAX_LENGTH),
                          field="body")
    code = (language or "").strip().lower()
    if not code:
        raise DomainError(_("Choose the language you wrote it in."), field="language")
    testimonial = Testimonial(
        volunteer_id=placement.volunteer_id, placement_id=placement.id,
        project_id=placement.project_id, language=code, body=text, signature=signature,
        status=TestimonialStatus.SUBMITTED)
    db.session.add(testimonial)
    db.session.flush()
    audit.record(actor, "testimonial.write", testimonial,
                 details={"language": code, "signature": signature.value})
    return testimonial


def withdraw_testimonial(testimonial: Testimonial, *, actor: Any) -> None:
    """The volunteer takes their testimonial back, at any time: it leaves the public site and
    its text is erased (the record stays, status withdrawn, for the audit log).

    :raises NotAllowed: already withdrawn.
    """
    if testimonial.status is TestimonialStatus.WITHDRAWN:
        raise NotAllowed(_("This testimonial has already been withdrawn."))
    before = testimonial.status.value
    testimonial.status = TestimonialStatus.WITHDRAWN
    testimonial.body = ""
    db.session.flush()
    audit.record(actor, "testimonial.withdraw", testimonial, details={"status": before})


def publish_testimonial(testimonial: Testimonial, *, actor: Any) -> None:
    """A coordinator publishes a testimonial waiting for review (or declined earlier): it
    shows on the home page and on its project's page.

    :raises NotAllowed: it is withdrawn or published already.
    """
    if testimonial.status not in (TestimonialStatus.SUBMITTED, TestimonialStatus.DECLINED):
        raise NotAllowed(_("Only a testimonial waiting for review or declined can be "
                           "published."))
    testimonial.status = TestimonialStatus.PUBLISHED
    testimonial.decided_by_id = getattr(actor, "id", None)
    testimonial.decided_at = utcnow()
    testimonial.decline_reason = None
    db.session.flush()
    audit.record(actor, "testimonial.publish", testimonial)


def decline_testimonial(testimonial: Testimonial, *, actor: Any, reason: str | None) -> None:
    """A coordinator declines a testimonial waiting for review, or takes a published one off
    the site, with a reason (required, at most :data:`REASON_MAX_LENGTH` characters) shown to
    the volunteer.

    :raises NotAllowed: it is withdrawn or declined already.
    :raises DomainError: no reason (``field="reason"``).
    """
    if testimonial.status not in (TestimonialStatus.SUBMITTED, TestimonialStatus.PUBLISHED):
        raise NotAllowed(_("Only a testimonial waiting for review or published can be "
                           "declined."))
    cleaned = (clean_text(reason) or "")[:REASON_MAX_LENGTH]
    if not cleaned:
        raise DomainError(_("Say why: the volunteer reads it."), field="reason")
    testimonial.status = TestimonialStatus.DECLINED
    testimonial.decided_by_id = getattr(actor, "id", None)
    testimonial.decided_at = utcnow()
    testimonial.decline_reason = cleaned
    db.session.flush()
    audit.record(actor, "testimonial.decline", testimonial,
                 reason=testimonial.decline_reason)


def remove_for_volunteer(volunteer_id: int) -> int:
    """Delete every testimonial of a volunteer being anonymised (docs/architecture.md §6.6):
    their words and how they signed them go with their name. The caller audits the
    anonymisation.

    :returns: how many were deleted.
    """
    result = db.session.execute(
        sa.delete(Testimonial).where(Testimonial.volunteer_id == volunteer_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
