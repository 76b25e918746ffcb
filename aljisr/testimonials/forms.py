"""Forms of testimonials: the volunteer's (portal) and the coordinator's refusal."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from aljisr.formfields import grouped_language_options, optional_int
from aljisr.forms import AppForm
from aljisr.i18n import _, _l
from aljisr.once import OneTimeField
from aljisr.testimonials.models import (
    BODY_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SIGNATURE_TITLES,
    Signature,
)


def _signature_options() -> list[SelectChoice]:
    return [SelectChoice(s.value, str(title)) for s, title in SIGNATURE_TITLES.items()]


def _language_options(_form: Any, field: Any) -> list[SelectChoice]:
    return grouped_language_options([field.data] if field.data else (),
                                    blank=str(_("Choose…")))


class TestimonialForm(AppForm):
    """What a volunteer writes about one of their completed placements."""

    placement = SelectField(_l("Placement"), coerce=optional_int,
                            validators=[InputRequired(message=_l("Choose the placement."))])
    language = SelectField(
        _l("Language it is written in"), choices=_language_options,
        validators=[DataRequired(message=_l("Choose the language you wrote it in."))],
        description=_l("Write in any language you like: the site shows which one it is."))
    body = TextAreaField(
        _l("Your testimonial"),
        validators=[DataRequired(), Length(max=BODY_MAX_LENGTH)],
        render_kw={"rows": 8, "dir": "auto"},
        description=_l("A few paragraphs: what you did, who you met, what you take home. "
                       "Leave a blank line between paragraphs."))
    signature = SelectField(
        _l("Sign it with"), choices=_signature_options,
        default=Signature.FIRST_NAME_COUNTRY.value,
        description=_l("How you are named beside your words on the public site."))
    once = OneTimeField()
    submit = SubmitField(_l("Send for review"))


class DeclineTestimonialForm(AppForm):
    """A coordinator's refusal, with a reason the volunteer reads."""

    reason = StringField(_l("Reason (the volunteer reads it)"),
                         validators=[Optional(), Length(max=REASON_MAX_LENGTH)])
    submit = SubmitField(_l("Decline"))
