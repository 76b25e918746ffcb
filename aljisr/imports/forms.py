"""Forms of the import pages: the upload, and how the file is read."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from aljisr.formfields import optional_int
from aljisr.forms import AppForm
from aljisr.i18n import _l
from aljisr.imports.mapping import TARGETS
from aljisr.imports.reading import ENCODINGS
from aljisr.once import OneTimeField

DELIMITER_TITLES = {",": _l("Comma ( , )"), ";": _l("Semicolon ( ; )"), "\t": _l("Tab"),
                    "|": _l("Vertical bar ( | )")}
DATE_ORDER_TITLES = {"": _l("— choose —"), "dmy": _l("Day first (31/12/2000)"),
                     "mdy": _l("Month first (12/31/2000)")}


class UploadForm(AppForm):
    """A volunteer list to import, and the sending organisation it comes from."""

    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("CSV, XLSX or ODS spreadsheet, or VEF (XML)."))
    organisation_id = SelectField(_l("Sending organisation"), coerce=optional_int,
                                  validators=[Optional()])
    once = OneTimeField()
    submit = SubmitField(_l("Read the file"))


class OptionsForm(AppForm):
    """How the file is read: encoding, delimiter, date order, and what each column holds."""

    encoding = SelectField(_l("Encoding"), validators=[Optional()],
                           choices=[SelectChoice(e, e) for e in ENCODINGS])
    delimiter = SelectField(_l("Delimiter"), validators=[Optional()],
                            choices=[SelectChoice(k, v) for k, v in DELIMITER_TITLES.items()])
    date_order = SelectField(_l("Dates are written"), validators=[Optional()],
                             choices=[SelectChoice(k, v) for k, v in DATE_ORDER_TITLES.items()])
    targets = FieldList(SelectField(choices=[SelectChoice(k, v) for k, v in TARGETS.items()],
                                    validate_choice=True), label=_l("Columns"))
    submit = SubmitField(_l("Check the rows"))


class CommitForm(AppForm):
    """The preview's button (the choice per row is read from ``choice-<row>``)."""

    submit = SubmitField(_l("Import the valid rows"))


class ActionForm(AppForm):
    """A button (undo, discard)."""
