"""Form pieces shared by the registers: countries, languages, phone numbers, lists.

Country and language names come from Babel (CLDR) in the interface language; the codes
(ISO 3166-1 alpha-2, ISO 639-1) are written here, as pycountry lists them, so that a country
or language list needs no pycountry data in a web worker. Phone numbers are parsed and
formatted with ``phonenumbers`` (Google's libphonenumber metadata), imported where a number
is checked, not with this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from babel import Locale, UnknownLocaleError
from markupsafe import Markup, escape
from wtforms import Field, SearchField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput, html_params

from aljisr.i18n import _, _l, get_locale, ltr, ngettext
from aljisr.text import clean_text, search_key

#: Longest text a form takes into a ``Text`` column (no length in the database): an address,
#: and notes or a description. Far above real use; a pasted document is refused beside the
#: field rather than stored.
ADDRESS_MAX_LENGTH = 1000
NOTES_MAX_LENGTH = 4000

#: Region assumed for a phone number written without its country code (Al Jisr is in Morocco).
DEFAULT_PHONE_REGION = "MA"


#: ISO 3166-1 alpha-2 codes, the 249 countries and territories of the standard (as pycountry
#: 26.2 lists them; ``tests/core/test_formfields.py`` checks the two agree). Written here so
#: that a country list or check needs no pycountry (7 MB a process once its data is read);
#: the names come from Babel (CLDR), in the interface language.
ISO_COUNTRIES: tuple[str, ...] = tuple("""
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())
_ISO_COUNTRIES = frozenset(ISO_COUNTRIES)

#: ISO 639-1 codes, the 184 languages with a two-letter code (as pycountry 26.2 lists them;
#: checked by the same test), for the same reason; Babel names every one.
ISO_LANGUAGES: tuple[str, ...] = tuple("""
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho
    hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku
    kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn
    no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl
    sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
    vi vo wa wo xh yi yo za zh zu
""".split())


def _locale() -> Locale:
    try:
        return Locale.parse(str(get_locale() or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


@functools.cache
def _country_choices(locale_code: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale_code).territories
    pairs = [(code, names.get(code, code)) for code in ISO_COUNTRIES]
    return tuple(sorted(pairs, key=lambda pair: search_key(pair[1])))


def country_choices() -> list[tuple[str, str]]:
    """(ISO 3166-1 alpha-2, name in the interface language), sorted by name."""
    return list(_country_choices(str(_locale())))


@functools.cache
def _language_choices(locale_code: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale_code).languages
    pairs = [(code, names.get(code, code)) for code in ISO_LANGUAGES]
    return tuple(sorted(pairs, key=lambda pair: search_key(pair[1])))


def language_choices() -> list[tuple[str, str]]:
    """(ISO 639-1 code, name in the interface language), sorted by name."""
    return list(_language_choices(str(_locale())))


#: Languages most often needed at the association's sites and spoken by its volunteers;
#: language selects list them first.
COMMON_LANGUAGES = ("ar", "fr", "en", "es", "de", "it", "pt", "nl")


def grouped_language_options(
    selected: Iterable[str] = (), blank: str | None = None
) -> list[SelectChoice]:
    """Options for a language select: an optional blank option, then a "Most used" group
    (:data:`COMMON_LANGUAGES` plus the ``selected`` codes, so chosen ones stay in view), then
    every other ISO 639-1 language, names in the interface language."""
    names = dict(language_choices())
    first = [c for c in COMMON_LANGUAGES if c in names]
    first += [c for c in selected or () if c in names and c not in first]
    common, other = str(_("Most used")), str(_("Other languages"))
    options = [SelectChoice("", blank)] if blank is not None else []
    options += [SelectChoice(code, names[code], optgroup=common) for code in first]
    options += [SelectChoice(code, name, optgroup=other)
                for code, name in names.items() if code not in first]
    return options


def is_country(code: str | None) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 code (in either case, as pycountry took it)."""
    return bool(code) and code.upper() in _ISO_COUNTRIES


def optional_int(value: Any) -> int | None:
    """Coerce a select's value: "" or None -> None, "12" -> 12 (ValueError otherwise)."""
    if value in (None, "", "None"):
        return None
    return int(value)


def optional_str(value: Any) -> str | None:
    return None if value in (None, "", "None") else str(value)


def option_value(value: Any) -> str:
    """A select option's value as the page writes it: None as "", an enum by its value."""
    return "" if value is None else str(getattr(value, "value", value))


class QuickSelect:
    """A single ``<select>`` widget that writes its options in one pass.

    WTForms' own widget builds a ``Choice`` and an attribute dict per option and coerces every
    value to find the selected one: about 40 µs an option, so a filter listing 300 projects
    cost 12 ms to render. Same markup: ``name``, ``id``, the attributes given, ``<optgroup>``
    for consecutive choices of one group, an option's ``render_kw``, and ``selected`` on the
    option whose value, as text, equals the field's data (an enum's ``value`` is used).
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        kwargs.setdefault("id", field.id)
        chosen = option_value(field.data)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        group: str | None = None
        for choice in field.choices or []:
            if isinstance(choice, SelectChoice):
                value, label, extra, optgroup = choice
            else:
                value, label, extra, optgroup = choice[0], choice[1], None, None
            if optgroup != group:
                if group is not None:
                    html.append("</optgroup>")
                if optgroup is not None:
                    html.append(f"<optgroup {html_params(label=optgroup)}>")
                group = optgroup
            value = option_value(value)
            selected = " selected" if value == chosen else ""
            attrs = f" {html_params(**extra)}" if extra else ""
            html.append(f'<option value="{escape(value)}"{attrs}{selected}>'
                        f"{escape(value if label is None else label)}</option>")
        if group is not None:
            html.append("</optgroup>")
        html.append("</select>")
        # every value, label and attribute is escaped above (html_params escapes its own)
        return Markup("".join(html))  # noqa: S704


#: How many matching records a picker lists at most (the page and the JSON endpoint).
PICK_LIMIT = 20


class Picker:
    """The widget of :class:`PickerField`: a search box, a Search button and a short
    ``<select>`` of the chosen record and those matching what was typed.

    It works as it is, without JavaScript: Search sends the form back and the view shows it
    again with the matches. ``static/js/picker.js`` turns the search box into an ARIA 1.2
    combobox with a listbox popup (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/) that
    asks ``data-picker-source`` (JSON) as one types; the select stays, hidden, as the value
    sent. The ``aria-describedby`` and ``aria-invalid`` given apply to both controls.
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        kwargs.setdefault("id", field.id)
        css = kwargs.pop("class_", kwargs.pop("class", ""))
        invalid = " is-invalid" if "is-invalid" in css else ""
        status_id = f"{field.id}-status"
        described = " ".join(filter(None, [kwargs.get("aria-describedby"), status_id]))
        shared = {k: v for k, v in kwargs.items() if k == "aria-invalid"}
        search = html_params(
            type="search", id=f"{field.id}-q", name=field.query_name, value=field.query,
            class_="form-control picker-search" + invalid, autocomplete="off",
            spellcheck="false", maxlength=200, **{"aria-label": field.search_label,
                                                   "aria-describedby": described}, **shared)
        button = html_params(type="submit", name="pick", value=field.name, formnovalidate=True,
                             class_="btn btn-outline-secondary picker-button")
        select = QuickSelect()(field, **{**kwargs, "class_": "form-select mt-1" + invalid,
                                         "aria-describedby": described})
        source = html_params(class_="picker", **{"data-picker-source": field.source_url or "",
                                                 "data-picker-clear": _("Clear the choice")})
        # every value and label is escaped by html_params and QuickSelect
        return Markup(  # noqa: S704
            f"<div {source}><div class=\"input-group\"><input {search}>"
            f"<button {button}>{escape(_('Search'))}</button></div>{select}"
            f"<div {html_params(id=status_id, class_='form-text picker-status')}>"
            f"{escape(field.status_text())}</div></div>"
        )


class PickerField(SelectField):
    """Choose one record among many (ten thousand volunteers): what is typed in a search box
    is searched on the server, and only the chosen record and the first
    :data:`PICK_LIMIT` matches are ever written into the page (:class:`Picker`).

    The view fills ``choices`` (the chosen one first, then the matches of :attr:`query`), sets
    :attr:`more` when more match than are listed, and :attr:`source_url`, the JSON endpoint
    the combobox asks (``{"options": [{"value", "label"}], "more", "message", "exact"}``).
    ``data``
    is the chosen id (int) or None. :attr:`query` is the text typed, sent as ``<name>_q``.
    """

    widget = Picker()

    def __init__(self, label: Any = None, validators: Any = None, *,
                 search_label: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", optional_int)
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.search_label = search_label or _l("Search")
        self.query = ""
        self.more = False
        #: how many of the listed records match :attr:`query` (the chosen one included)
        self.found = 0
        #: whether the chosen record is listed although it is not one of those matches
        self.chosen_apart = False
        self.source_url: str | None = None

    @property
    def query_name(self) -> str:
        return f"{self.name}_q"

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.query = " ".join(str(formdata.get(self.query_name, "")).split())[:200]

    def choose(self, value: int) -> None:
        """Choose the record ``value`` as if its option had been sent (the view resolving a
        typed name, see :func:`exact_pick`)."""
        self.data = value
        self.raw_data = [str(value)]

    def status_text(self) -> str:
        """What the line under the picker says: how many records match (the chosen one
        counted when it is one of them), and that the chosen one is listed first when it is
        listed apart (it does not match, or is not among the first :data:`PICK_LIMIT`)."""
        message = pick_message(self.query, self.found, self.more)
        if self.query and self.chosen_apart:
            message += " " + _("The one chosen is listed first.")
        return message


def pick_message(query: str, found: int, more: bool) -> str:
    """The sentence under a picker (and in its JSON): how many records match ``query``."""
    if not query:
        return _("Type a few letters, then Search.")
    if not found:
        return _("Nothing matches “%(query)s”.", query=query)
    if more:
        return _("The first %(num)d matches of “%(query)s” are listed: type more to narrow "
                 "them down.", num=found, query=query)
    return ngettext("%(num)d match for “%(query)s”.", "%(num)d matches for “%(query)s”.",
                    found, query=query)


def exact_pick(query: str, rows: list[Any], label: str) -> bool:
    """Whether ``query`` names the only record found exactly: ``rows`` (what the picker's
    search of ``query`` returned, asked for 2 at least) hold one row, and ``query`` folds
    (:func:`aljisr.listing.search_terms`) to the same words as one of the row's texts (a
    name, an e-mail, a title) or as its whole option ``label``. "ines benali" names
    ``(7, "Inès Benali", "ines@example.org")`` when no one else matches; "ines" does not."""
    from aljisr.listing import search_terms

    if len(rows) != 1 or not query:
        return False
    typed = search_terms(query)
    texts = [text for text in rows[0][1:] if isinstance(text, str)] + [label]
    return any(typed == search_terms(text) for text in texts)


class RangeEnd:
    """Validator of a filter's "to" date: not before the sibling "from" date. The filter bars
    all say the same thing, and the view then ignores this end of the range (the rest of the
    filters still apply)."""

    def __init__(self, start_field: str = "date_from") -> None:
        self.start_field = start_field

    def __call__(self, form: Any, field: Field) -> None:
        start = form[self.start_field].data
        if field.data and start and field.data < start:
            raise ValidationError(_("The end of the range is before its start."))


class FilterSelectField(SelectField):
    """A select in a register's filter bar (GET): rendered by :class:`QuickSelect`, and a value
    from a hand-edited or outdated link gets a plain message beside the field (the view then
    ignores that filter) instead of WTForms' "Invalid Choice: could not coerce"."""

    widget = QuickSelect()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        message = _l("This choice is not in the list; the filter was ignored.")
        kwargs.setdefault("invalid_value_message", message)
        kwargs.setdefault("invalid_choice_message", message)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Surrounding spaces are dropped ("status=%20" in a hand-edited link is no filter),
        so a value that is only spaces never reaches the view as a choice."""
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip(), *valuelist[1:]]
        super().process_formdata(valuelist)

    def pre_validate(self, form: Any) -> None:
        """The value is one of the choices, compared as text as :class:`QuickSelect` marks it
        selected (WTForms coerces every choice and builds an object for each)."""
        if self.process_errors or not self.validate_choice:
            return
        chosen = option_value(self.data)
        for choice in self.choices or []:
            value = choice.value if isinstance(choice, SelectChoice) else choice[0]
            if option_value(value) == chosen:
                return
        raise ValidationError(self.invalid_choice_message)


def normalise_phone(value: str | None, region: str | None = None) -> str | None:
    """Return the number in international format ("+33 6 12 34 56 78"), or None when empty.

    :param region: ISO 3166-1 alpha-2 region assumed when the number has no "+" prefix
        (default :data:`DEFAULT_PHONE_REGION`).
    :raises ValueError: with a translated message when the number is not a valid one.
    """
    value = (value or "").strip()
    if not value:
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(value, (region or DEFAULT_PHONE_REGION).upper())
    except phonenumbers.NumberParseException as error:
        raise ValueError(_("This is not a phone number.")) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            _("This is not a valid phone number. Write it with its country code, e.g. "
              "%(example)s", example=ltr("+212 …"))
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneNumber:
    """Validator: a valid phone number, replaced by its international format.

    :param region_field: name of a sibling field holding an ISO 3166-1 country code, used for
        numbers written without "+".
    """

    def __init__(self, region_field: str | None = None) -> None:
        self.region_field = region_field

    def __call__(self, form: Any, field: Field) -> None:
        region = None
        if self.region_field and self.region_field in form:
            region = form[self.region_field].data or None
        try:
            field.data = normalise_phone(field.data, region)
        except ValueError as error:
            raise ValidationError(str(error)) from error


class ArabicScript:
    """Validator: every letter is in the Arabic script (spaces and punctuation allowed)."""

    def __call__(self, _form: Any, field: Field) -> None:
        import unicodedata

        text = field.data or ""
        letters = [c for c in text if c.isalpha()]
        if letters and not all("ARABIC" in unicodedata.name(c, "") for c in letters):
            raise ValidationError(_("Write this name in Arabic script, or leave it empty."))


class CommaListField(StringField):
    """A text input holding a comma-separated list; ``data`` is a list of unique trimmed items.

    "painting, Carpentry,  painting" -> ["painting", "Carpentry"] (duplicates compared
    case-insensitively, first spelling kept).
    """

    widget = TextInput()

    def __init__(
        self, *args: Any, max_item_length: int = 60, max_items: int = 30, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_item_length = max_item_length
        self.max_items = max_items

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(self.data or [])

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = split_list(valuelist[0] if valuelist else "")

    def pre_validate(self, form: Any) -> None:
        if len(self.data or []) > self.max_items:
            raise ValidationError(
                _("List at most %(n)d items, separated by commas.", n=self.max_items)
            )
        for item in self.data or []:
            if len(item) > self.max_item_length:
                raise ValidationError(
                    _("“%(item)s” is too long (at most %(n)d characters).",
                      item=item[:20] + "…", n=self.max_item_length)
                )


def split_list(text: str | None) -> list[str]:
    """Split comma- (or Arabic-comma-) separated text into unique, cleaned items."""
    items: list[str] = []
    seen: set[str] = set()
    for raw in (text or "").replace("،", ",").replace(";", ",").split(","):
        item = clean_text(raw)
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


class MultiCheckboxField(SelectMultipleField):
    """A SelectMultipleField shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value: Any) -> None:
        # enum members and plain values both become the coerced choice values
        try:
            self.data = [self.coerce(getattr(v, "value", v)) for v in (value or [])]
        except (TypeError, ValueError):
            self.data = None


def coerce_or_none(coerce: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap ``coerce`` so that "" becomes None."""
    return lambda v: None if v in (None, "") else coerce(v)


PLEASE_CHOOSE = _l("— choose —")
NONE_CHOICE = _l("— none —")


def french_and_arabic_fields(
    french_label: Any, arabic_label: Any, max_length: int
) -> tuple[StringField, StringField]:
    """The optional French and Arabic forms of a record's title or name (a project's
    ``title_fr``/``title_ar``, a site's ``name_fr``/``name_ar``): each typed in its own
    direction whatever the page's, and printed on certificates of its language."""
    french = StringField(
        french_label, validators=[Optional(), Length(max=max_length)],
        render_kw={"lang": "fr", "dir": "ltr"},
        description=_l("Printed on French certificates. Leave empty when it is the same."),
    )
    arabic = StringField(
        arabic_label, validators=[Optional(), Length(max=max_length)],
        render_kw={"lang": "ar", "dir": "rtl"},
        description=_l("Printed on Arabic certificates. Leave empty when it is the same."),
    )
    return french, arabic


#: The longest text a search box takes (characters). 200 Arabic letters are 1,200 characters
#: of address once percent-encoded, far below what gunicorn takes in a request line
#: (``limit_request_line``, gunicorn.conf.py).
SEARCH_MAX_LENGTH = 200


class SearchBoxField(SearchField):
    """A list's search box (GET ``q`` and the like): optional, and at most
    :data:`SEARCH_MAX_LENGTH` characters, which the page states as ``maxlength``. A longer
    text sent anyway (typed into the address) is refused beside the box, with what was
    typed kept, and left out of the query like any filter's bad value: never an error page.
    """

    def __init__(self, label: Any = None, validators: list[Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(label, [Optional(), Length(max=SEARCH_MAX_LENGTH), *(validators or [])],
                         **kwargs)
