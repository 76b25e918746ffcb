"""WTForms' own messages in the project's words: its validators and fields speak through a
catalogue that the project's overrides its own on.

WTForms ships French and Arabic catalogues, but the Arabic one leaves most plural forms empty
("Field cannot be longer than 200 characters." stayed English) and some messages are raw
("Invalid Choice: could not coerce."). The messages listed in :func:`messages` are
translated in the project's catalogue like any other string; :func:`translations_for` lays
them over WTForms' own for a locale, and :func:`install` hands the result to Flask-WTF for
each request (it reads ``request.wtforms_translations``). The English text stays WTForms'.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import support
from flask import Flask, request
from wtforms.i18n import messages_path

from aljisr.i18n import _, get_locale, ngettext

#: The project's compiled catalogues (``flask translations compile``).
TRANSLATIONS = Path(__file__).parent / "translations"


def messages() -> list[str]:
    """The WTForms messages the project translates itself (listed here so that the catalogue
    extraction finds them; the strings must stay exactly WTForms' English)."""
    return [
        _("This field is required."),
        _("Not a valid date value."),
        _("Not a valid datetime value."),
        _("Not a valid time value."),
        _("Not a valid integer value."),
        _("Not a valid decimal value."),
        _("Not a valid float value."),
        _("Not a valid choice."),
        _("Invalid Choice: could not coerce."),
        _("Invalid email address."),
        _("Invalid input."),
        _("Number must be at least %(min)s."),
        _("Number must be at most %(max)s."),
        _("Number must be between %(min)s and %(max)s."),
        _("Field must be between %(min)d and %(max)d characters long."),
        ngettext("Field must be at least %(min)d character long.",
                 "Field must be at least %(min)d characters long.", 1),
        ngettext("Field cannot be longer than %(max)d character.",
                 "Field cannot be longer than %(max)d characters.", 1),
        ngettext("Field must be exactly %(max)d character long.",
                 "Field must be exactly %(max)d characters long.", 1),
        ngettext("'%(value)s' is not a valid choice for this field.",
                 "'%(value)s' are not valid choices for this field.", 1),
    ]


@cache
def translations_for(locale: str) -> support.Translations:
    """WTForms' catalogue for ``locale`` with the project's translations laid over it (the
    project's win where both have a message). Built once per locale and process."""
    merged = support.Translations.load(messages_path(), [locale], domain="wtforms")
    if not isinstance(merged, support.Translations):  # no WTForms catalogue for it
        merged = support.Translations()
    ours = support.Translations.load(str(TRANSLATIONS), [locale])
    if isinstance(ours, support.Translations):
        merged.merge(ours)
    return merged


class _RequestTranslations:
    """What Flask-WTF calls for a message: looks the request's language up only then, so the
    hook below reads nothing (the language can come from the signed-in user's record, and a
    query before the request's write intent is known would open the wrong transaction)."""

    @staticmethod
    def _catalogue() -> support.NullTranslations:
        locale = str(get_locale() or "en")
        return support.NullTranslations() if locale == "en" else translations_for(locale)

    def ugettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)

    # the names WTForms itself calls (a row form, :class:`aljisr.forms.RowForm`, is handed
    # this object directly; Flask-WTF wraps it and calls the two above)
    gettext = ugettext
    ngettext = ungettext


_REQUEST_TRANSLATIONS = _RequestTranslations()


def install(app: Flask) -> None:
    """Give Flask-WTF the merged catalogue of the request's language for every request."""

    @app.before_request
    def _wtforms_translations() -> None:
        request.wtforms_translations = _REQUEST_TRANSLATIONS
