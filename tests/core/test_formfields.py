"""The filter bars' select: one-pass markup that says what WTForms' own widget says."""

from __future__ import annotations

import enum
from html.parser import HTMLParser

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from aljisr.formfields import FilterSelectField, optional_int


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class _Options(HTMLParser):
    """(optgroup label, value, label, selected, extra attributes) of every option."""

    def __init__(self) -> None:
        super().__init__()
        self.options: list[tuple] = []
        self.group: str | None = None
        self.select: dict[str, str | None] = {}
        self._open: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "select":
            self.select = attrs
        elif tag == "optgroup":
            self.group = attrs["label"]
        elif tag == "option":
            self._open = attrs
            self._text = ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "optgroup":
            self.group = None
        elif tag == "option" and self._open is not None:
            attrs = dict(self._open)
            value, selected = attrs.pop("value"), "selected" in attrs
            attrs.pop("selected", None)
            self.options.append((self.group, value, self._text, selected, attrs))
            self._open = None


def _parse(markup: str) -> _Options:
    parser = _Options()
    parser.feed(str(markup))
    return parser


CHOICES = {
    "plain": ([SelectChoice("", "Any"), SelectChoice("a<b", "A & B"), SelectChoice("x", "Ex")],
              str, "a<b"),
    "ints": ([SelectChoice("", "Any"), SelectChoice(1, "One"), SelectChoice(12, "Twelve")],
             optional_int, "12"),
    "grouped": (
        [SelectChoice("", "Any"), SelectChoice("fr", "French", optgroup="Most used"),
         SelectChoice("ar", "Arabic", optgroup="Most used"),
         SelectChoice("qu", "Quechua", optgroup="Other <languages>"),
         SelectChoice("zu", "Zulu", render_kw={"data-x": "1"}, optgroup="Other <languages>")],
        str, "qu",
    ),
}


@pytest.mark.parametrize("name", sorted(CHOICES))
@pytest.mark.parametrize("submitted", [True, False])
def test_same_options_as_wtforms_select(app, name, submitted):
    choices, coerce, value = CHOICES[name]

    class Form(FlaskForm):
        class Meta:
            csrf = False

        quick = FilterSelectField("Quick", choices=choices, coerce=coerce,
                                  validators=[Optional()])
        plain = SelectField("Plain", choices=choices, coerce=coerce, validators=[Optional()])

    with app.test_request_context():
        data = MultiDict({"quick": value, "plain": value} if submitted else {})
        form = Form(formdata=data)
        quick, plain = _parse(form.quick(class_="form-select")), _parse(form.plain())
        assert quick.select == {"id": "quick", "name": "quick", "class": "form-select"}
        if submitted:
            assert quick.options == plain.options
            assert [o[1] for o in quick.options if o[3]] == [value]
        else:  # nothing chosen: the blank option is (WTForms selects it for some coercions)
            assert [o[:3] + o[4:] for o in quick.options] == [
                o[:3] + o[4:] for o in plain.options]
            assert [o[1] for o in quick.options if o[3]] == [""]


def test_an_enum_value_is_selected(app):
    class Form(FlaskForm):
        class Meta:
            csrf = False

        colour = FilterSelectField("Colour", coerce=Colour,
                                   choices=[SelectChoice(c.value, c.name) for c in Colour])

    with app.test_request_context():
        form = Form(formdata=MultiDict({"colour": "blue"}))
        assert form.colour.data is Colour.BLUE
        options = _parse(form.colour()).options
        assert [value for _g, value, _l, selected, _a in options if selected] == ["blue"]


@pytest.mark.parametrize("value", ["abc", "99"])
def test_a_value_not_in_the_list_gets_a_plain_message(app, value):
    class Form(FlaskForm):
        class Meta:
            csrf = False

        project = FilterSelectField("Project", coerce=optional_int, validators=[Optional()],
                                    choices=[SelectChoice("", "Any"), SelectChoice(1, "One")])

    with app.test_request_context():
        form = Form(formdata=MultiDict({"project": value}))
        assert not form.validate()
        assert [str(e) for e in form.project.errors] == [
            "This choice is not in the list; the filter was ignored."]


def test_the_written_country_codes_are_pycountrys():
    """``formfields.ISO_COUNTRIES`` (written out so that the web workers need no pycountry)
    is the ISO 3166-1 list pycountry holds; Babel names every one in each language."""
    import pycountry
    from babel import Locale

    from aljisr.formfields import ISO_COUNTRIES, is_country

    assert sorted(ISO_COUNTRIES) == sorted(c.alpha_2 for c in pycountry.countries)
    for language in ("en", "fr", "ar"):
        assert set(ISO_COUNTRIES) <= set(Locale.parse(language).territories)
    assert is_country("MA") and is_country("fr") and not is_country("XX") and not is_country("")


def test_the_written_language_codes_are_pycountrys():
    import pycountry
    from babel import Locale

    from aljisr.formfields import ISO_LANGUAGES

    assert sorted(ISO_LANGUAGES) == sorted(
        lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
    for language in ("en", "fr", "ar"):
        assert set(ISO_LANGUAGES) <= set(Locale.parse(language).languages)
