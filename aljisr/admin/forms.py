"""Forms for administrators: users, and the audit log's filters."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from aljisr.admin.audit_display import subject_types
from aljisr.database import INTEGER_MAX
from aljisr.formfields import FilterSelectField, SearchBoxField
from aljisr.forms import AppForm
from aljisr.i18n import _, _l
from aljisr.once import OneTimeField
from aljisr.permissions import ROLE_TITLES


class UserForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, t) for r, t in ROLE_TITLES.items()]
    )
    organisation = SelectField(
        _l("Organisation (partner users)"), coerce=int, validators=[Optional()]
    )
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=10, max=200)],
        description=_l("At least 10 characters. Leave empty to send an invitation later."),
    )
    once = OneTimeField()
    submit = SubmitField(_l("Create user"))


class EditUserForm(AppForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, t) for r, t in ROLE_TITLES.items()]
    )
    organisation = SelectField(
        _l("Organisation (partner users)"), coerce=int, validators=[Optional()]
    )
    active = BooleanField(_l("May sign in"))
    submit = SubmitField(_l("Save"))


class AuditFilterForm(AppForm):
    """GET filters (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    subject_type = FilterSelectField(_l("Record type"), validators=[Optional()])
    subject_id = IntegerField(
        _l("Record number"),
        validators=[Optional(), NumberRange(min=1, message=_l("A record number is 1 or more.")),
                    NumberRange(max=INTEGER_MAX,
                                message=_l("No record has a number above %(max)s."))],
    )
    actor = SearchBoxField(_l("Who (name or e-mail)"))
    action = SearchField(
        _l("Action"),
        validators=[Optional(), Length(max=64)],
        render_kw={"list": "audit-actions", "autocomplete": "off"},
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject_type.choices = [("", _("Any"))] + [
            (key, str(title)) for key, title in subject_types().items()
        ]

    def validate_subject_id(self, field: Any) -> None:
        if field.data is not None and not self.subject_type.data:
            raise ValidationError(_("Choose the record type too."))

    def validate_date_to(self, field: Any) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_("“To” cannot be before “From”."))
