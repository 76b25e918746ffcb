"""Forms of the auth area: signing in and the language, passwords, invitations."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from aljisr.forms import AppForm
from aljisr.i18n import LANGUAGES, _l


def strip(value: str | None) -> str | None:
    """Form filter: drop surrounding white space."""
    return value.strip() if isinstance(value, str) else value


# --- signing in ------------------------------------------------------------------------------


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


# --- passwords -------------------------------------------------------------------------------

_PASSWORD_HELP = _l("At least 10 characters. A few unrelated words make a good one.")


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    """The new password and its repetition, as ``(password, confirm)`` unbound fields.

    Made fresh at each call, at the point of the class body where they are wanted: WTForms
    orders a form's fields by when they were created, so a form that asks for the current
    password first declares that field before calling this.
    """
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_PASSWORD_HELP,
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class SetPasswordForm(AppForm):
    """Choose a password from an invitation or reset link."""

    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Save my password"))


class ChangePasswordForm(AppForm):
    """Change one's own password (signed in)."""

    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=200)],
                                     render_kw={"autocomplete": "current-password"})
    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Change my password"))


class ForgotPasswordForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip], render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send me a link"))


# --- invitations -----------------------------------------------------------------------------


def language_choices() -> list[SelectChoice]:
    """The interface languages, each labelled in its own language."""
    return [SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()]


class InviteVolunteerForm(AppForm):
    language = SelectField(_l("Language of the e-mail"), choices=language_choices())
    submit = SubmitField(_l("Send the invitation"))


class InvitePartnerForm(AppForm):
    organisation = SelectField(_l("Organisation"), coerce=int, validators=[DataRequired()])
    display_name = StringField(_l("Contact's name"), validators=[DataRequired(), Length(max=200)],
                               filters=[strip])
    email = EmailField(_l("Contact's e-mail"),
                       validators=[DataRequired(), Email(), Length(max=254)], filters=[strip])
    language = SelectField(_l("Language of the e-mail"), choices=language_choices())
    submit = SubmitField(_l("Send the invitation"))


class ResendInvitationForm(AppForm):
    submit = SubmitField(_l("Send again"))
