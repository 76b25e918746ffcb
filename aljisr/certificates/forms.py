"""Forms of the certificates area: issue/re-issue, revoke, batch, the list's filters, and the
public verification form."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from aljisr.certificates.models import CertificateKind, CertificateStatus
from aljisr.certificates.services import CONTRIBUTION_MAX_LENGTH, REASON_MAX_LENGTH
from aljisr.formfields import FilterSelectField, SearchBoxField, optional_int
from aljisr.forms import AppForm
from aljisr.i18n import LANGUAGES, _l


def language_options() -> list[SelectChoice]:
    """English, Français, العربية: each language named in itself."""
    return [SelectChoice(code, name) for code, name in LANGUAGES.items()]


def kind_options() -> list[SelectChoice]:
    return [
        SelectChoice(CertificateKind.HOURS.value, _l("Hours certificate (approved hours)")),
        SelectChoice(CertificateKind.PARTICIPATION.value, _l("Participation certificate")),
    ]


#: Beside the bilingual check box of the issue and batch forms. The service refuses English
#: there (:func:`aljisr.certificates.services.issue_certificate`).
BILINGUAL_DESCRIPTION = _l("Prints Arabic and French side by side; choose French or Arabic as "
                           "the language.")


class IssueForm(AppForm):
    """Issue or re-issue one certificate. Validation of the rules is the service's job."""

    kind = SelectField(_l("Kind"), choices=kind_options)
    language = SelectField(_l("Language of the certificate"), choices=language_options)
    bilingual = BooleanField(_l("Bilingual Arabic and French layout"),
                             description=BILINGUAL_DESCRIPTION)
    contribution = TextAreaField(
        _l("Contribution"),
        validators=[Optional(), Length(max=CONTRIBUTION_MAX_LENGTH)],
        description=_l("A short description of what the volunteer did, printed as typed "
                       "(optional)."),
        render_kw={"rows": 3, "maxlength": CONTRIBUTION_MAX_LENGTH},
    )
    submit = SubmitField(_l("Issue certificate"))


class BatchForm(AppForm):
    """Issue the certificates of every completed placement of a project at once."""

    kind = SelectField(_l("Kind"), choices=kind_options)
    language = SelectField(_l("Language of the certificates"), choices=language_options)
    bilingual = BooleanField(_l("Bilingual Arabic and French layout"),
                             description=BILINGUAL_DESCRIPTION)
    submit = SubmitField(_l("Issue and download ZIP"))


class RevokeForm(AppForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=REASON_MAX_LENGTH)],
        description=_l("Kept in the record and the audit log; never shown on the public "
                       "verification page."),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Revoke certificate"))


def _blank(label: Any) -> SelectChoice:
    return SelectChoice("", str(label))


class CertificateFilterForm(AppForm):
    """The list's filter bar (GET, no CSRF); bad values are ignored with a message."""

    class Meta:
        csrf = False

    q = SearchBoxField(_l("Search"),
                       render_kw={"placeholder": _l("Serial number or holder")})
    status = FilterSelectField(
        _l("Status"),
        choices=lambda: [_blank(_l("Any status"))]
        + [SelectChoice(s.value, s.title) for s in CertificateStatus],
        validators=[Optional()],
    )
    project = FilterSelectField(_l("Project"), coerce=optional_int, validators=[Optional()])
    language = FilterSelectField(
        _l("Language"),
        choices=lambda: [_blank(_l("Any language"))] + language_options(),
        validators=[Optional()],
    )

    def active_filters(self) -> dict[str, Any]:
        """Field name -> value for every filled field without an error."""
        return {f.name: f.data for f in self if f.data not in (None, "") and not f.errors}


class VerifyForm(AppForm):
    """The public "type a code" form (GET, no CSRF: it only reads)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Verification code"),
        description=_l("The code printed under the QR code, at the end of the verification "
                       "address."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
    submit = SubmitField(_l("Verify"))
