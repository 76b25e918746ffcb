"""The partner portal's forms: querying an hours entry, confirming hours entries."""

from __future__ import annotations

from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from aljisr.forms import AppForm
from aljisr.i18n import _l
from aljisr.partners.services import QUERY_MAX_LENGTH


class QueryHoursForm(AppForm):
    message = TextAreaField(
        _l("What is wrong with these hours?"),
        validators=[DataRequired(message=_l("Say what is wrong with these hours.")),
                    Length(max=QUERY_MAX_LENGTH)],
        render_kw={"rows": 4, "maxlength": QUERY_MAX_LENGTH},
        description=_l("The association's coordinators see your message beside this entry "
                       "when they review hours."),
    )
    submit = SubmitField(_l("Send the query"))


class ConfirmHoursForm(AppForm):
    """Only the CSRF token: the selected entries are read from ``entry_ids`` / ``only``."""
