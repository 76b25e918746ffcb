"""Sign-in and account forms."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from aljisr.forms import AppForm
from aljisr.i18n import LANGUAGES, _l


def strip(value: str | None) -> str | None:
    """Form filter: drop surrounding white space."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(AppForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[strip]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class LanguageForm(AppForm):
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()]
    )
    next = HiddenField()
    submit = SubmitField(_l("Change language"))
