"""Forms for administrators."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from aljisr.forms import AppForm
from aljisr.i18n import _l
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
