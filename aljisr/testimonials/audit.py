"""How testimonial events read in the audit log (see :mod:`aljisr.audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from aljisr.audit import AuditWording, RecordWording, enum_titles, status_titles
from aljisr.i18n import _l
from aljisr.testimonials.forms import TestimonialForm
from aljisr.testimonials.models import Signature, Testimonial, TestimonialStatus
from aljisr.volunteers.models import Volunteer


def _names() -> sa.Select:
    """A testimonial is called by its volunteer's name."""
    return sa.select(Testimonial.id, Volunteer.full_name).join(
        Volunteer, Volunteer.id == Testimonial.volunteer_id)


WORDING = AuditWording(
    actions={
        "testimonial.write": _l("Testimonial written"),
        "testimonial.withdraw": _l("Testimonial withdrawn"),
        "testimonial.publish": _l("Testimonial published"),
        "testimonial.decline": _l("Testimonial declined"),
    },
    records=(
        RecordWording(
            table="testimonials",
            label=_l("Testimonial"),
            forms=(TestimonialForm,),
            values={**status_titles(TestimonialStatus),
                    "signature": enum_titles(Signature)},
            names=_names,
        ),
    ),
)
