"""The coordinators' testimonials queue: read what volunteers wrote, publish or decline it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from aljisr.errors import DomainError
from aljisr.extensions import db
from aljisr.i18n import _
from aljisr.permissions import Permission, require
from aljisr.testimonials import queries, services
from aljisr.testimonials.forms import DeclineTestimonialForm
from aljisr.testimonials.models import TestimonialStatus
from aljisr.web import field_error, render_form, run_action

bp = Blueprint("testimonials", __name__, url_prefix="/testimonials")


def _status_arg() -> TestimonialStatus | None:
    """The queue's status filter: waiting for review by default, "all" for every standing one;
    an unknown value reads as the default."""
    value = request.args.get("status", TestimonialStatus.SUBMITTED.value)
    if value == "all":
        return None
    try:
        return TestimonialStatus(value)
    except ValueError:
        return TestimonialStatus.SUBMITTED


def _queue_page(decline_form: DeclineTestimonialForm, declining: int | None = None) -> Any:
    """The queue, with ``decline_form`` refused beside the reason of testimonial ``declining``
    (422) when it is set."""
    status = _status_arg()
    return render_form(
        "testimonials/queue.html", decline_form,
        testimonials=queries.review_queue(status),
        counts=queries.counts_by_status(),
        status=status,
        statuses=TestimonialStatus,
        decline_form=decline_form,
        declining=declining,
    )


@bp.route("/")
@require(Permission.PUBLISH_TESTIMONIALS)
def queue() -> Any:
    """Testimonials of one status (waiting for review first), with their counts."""
    return _queue_page(DeclineTestimonialForm(formdata=None))


def _back() -> str:
    return url_for("testimonials.queue", status=request.args.get("status") or None)


@bp.route("/<int:testimonial_id>/publish", methods=["POST"])
@require(Permission.PUBLISH_TESTIMONIALS)
def publish(testimonial_id: int) -> Response:
    found = queries.testimonial(testimonial_id) or abort(404)
    return run_action(lambda: services.publish_testimonial(found, actor=current_user),
                      _("Testimonial published."), _back())


@bp.route("/<int:testimonial_id>/decline", methods=["POST"])
@require(Permission.PUBLISH_TESTIMONIALS)
def decline(testimonial_id: int) -> Any:
    """Decline (or take off the site) with a reason the volunteer reads: refused beside the
    reason (422) when it is empty."""
    found = queries.testimonial(testimonial_id) or abort(404)
    form = DeclineTestimonialForm()
    if not form.validate_on_submit():
        # a reason refused stands beside it (422); anything else (an expired form) goes back
        return _queue_page(form, found.id) if form.reason.errors else redirect(_back())
    try:
        services.decline_testimonial(found, actor=current_user, reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        if error.field != "reason":  # declined or withdrawn meanwhile: said above the queue
            flash(error.message, "warning")
            return redirect(_back())
        field_error(form, error, "reason")
        return _queue_page(form, found.id)
    db.session.commit()
    flash(_("Testimonial declined."), "success")
    return redirect(_back())
