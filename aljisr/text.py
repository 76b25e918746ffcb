"""Text normalisation used across domains (names in any script, e-mails, search keys)."""

from __future__ import annotations

import re
import unicodedata

#: Explicit bidirectional embeddings, overrides and isolates (Unicode UAX #9, section 2.1-2.4).
#: Stored in a name they reorder it where it is printed ("reversed" drawn as "desrever"); the
#: pages and certificates isolate every name themselves.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


#: Characters no text column can store: NUL (PostgreSQL refuses it in text; SQLite would keep
#: it and cut the text short in C programs) and lone UTF-16 surrogates (U+D800-U+DFFF, which
#: have no UTF-8 encoding).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: str | None) -> bool:
    """Whether ``value`` holds a character a database cannot store (see ``_UNSTORABLE``):
    "a\x00b" -> True, "Inès" -> False, None -> False."""
    return bool(value) and _UNSTORABLE.search(value) is not None


def replace_unstorable(value: str) -> str:
    """``value`` with each character a database cannot store (see ``_UNSTORABLE``) replaced
    by U+FFFD REPLACEMENT CHARACTER, for showing a refused value again: "Nul\x00Name" ->
    "Nul\ufffdName"."""
    return _UNSTORABLE.sub("\ufffd", value)


def _is_invisible(char: str) -> bool:
    """A format character (Unicode category Cf: U+200B zero width space, U+200F right-to-left
    mark, U+061C Arabic letter mark, U+FEFF...), which prints nothing by itself."""
    return unicodedata.category(char) == "Cf"


def clean_text(value: str | None) -> str | None:
    """Trim and NFC-normalise free text (docs/architecture.md §2.7): runs of spaces become one,
    explicit bidi embeddings, overrides and isolates are dropped, invisible format characters
    at either end are trimmed; what is left empty (or made only of such characters, as text
    pasted from a word processor can be) becomes None."""
    if value is None:
        return None
    value = " ".join(value.translate(_BIDI_CONTROLS).split())
    start, end = 0, len(value)
    while start < end and (_is_invisible(value[start]) or value[start].isspace()):
        start += 1
    while end > start and (_is_invisible(value[end - 1]) or value[end - 1].isspace()):
        end -= 1
    return unicodedata.normalize("NFC", value[start:end]) or None


def clean_email(value: str | None) -> str | None:
    """Trim and lower-case an e-mail address; empty becomes None (compared case-insensitively)."""
    if value is None:
        return None
    value = value.strip().lower()
    return value or None


#: Letters Unicode gives no decomposition, so NFKD keeps them whole and "yilmaz" would not
#: find "Yılmaz": dotless ı (Turkish), ø (Danish, Norwegian), ł (Polish), đ (Croatian,
#: Vietnamese), ð and þ (Icelandic), æ and œ (ligatures written as letters), ħ (Maltese),
#: ŧ (Sámi), ĸ (Greenlandic). Each is folded to the Latin letters a reader would type
#: (Unicode's own UCA collation treats most as their base letter too). Case-folded keys
#: only: ``str.casefold`` has already turned Ø into ø and ß into "ss".
_FOLDED_LETTERS = str.maketrans({
    "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
    "ħ": "h", "ŧ": "t", "ĸ": "k", "ŀ": "l",
    "\u0640": None,  # ARABIC TATWEEL (kashida): stretches a word, is no letter
})

#: An apostrophe or hyphen between two letters or digits ("O'Connor", "O’Connor",
#: "Jean-Pierre", "Ben‑Ali"): dropped, so "oconnor" finds "O'Connor" and each word of
#: "jean pierre" still occurs in "jeanpierre".
_JOINERS_IN_WORDS = re.compile(r"(?<=\w)['`\u2018\u2019\u02bc\u02b9\u2032\-\u2010\u2011](?=\w)")


def search_key(*parts: str | None) -> str:
    """Fold text for accent- and case-insensitive search, identically on every database:
    both what a record stores (its ``search_key`` column) and what a search box sends
    (:func:`aljisr.listing.search_terms`) go through here, so they always fold alike.

    Drops format characters (category Cf: the isolates U+2068/U+2069 a chosen option's label
    carries, U+200F RIGHT-TO-LEFT MARK pasted with an Arabic name, U+200B...), decomposes
    (NFKD), drops combining marks, case-folds, folds the letters Unicode does not decompose
    (:data:`_FOLDED_LETTERS`) and drops apostrophes and hyphens inside words:
    "Yasmine Édith" -> "yasmine edith", "Ольга" -> "ольга", "Yılmaz" -> "yilmaz",
    "O'Connor" -> "oconnor", "Strauß" -> "strauss". Arabic letters are kept, its diacritics
    (harakat) and tatweel dropped. Changing it means recomputing every stored key (a
    migration: see ``20261207_d7b1e9c3a5f2_search_keys_refolded.py``; docs/architecture.md
    §2.7).
    """
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed
                       if not unicodedata.combining(c) and not _is_invisible(c))
    folded = stripped.casefold().translate(_FOLDED_LETTERS)
    return " ".join(_JOINERS_IN_WORDS.sub("", folded).split())


def clean_paragraphs(value: str | None) -> str | None:
    """:func:`clean_text` for text of several paragraphs (a testimonial, a public
    description): each paragraph (lines separated by a blank line) is cleaned on its own and
    the paragraphs are joined by one blank line; single line breaks inside a paragraph become
    spaces. "  Un.\\n\\n\\n  Deux\\ntrois " -> "Un.\\n\\nDeux trois"; empty -> None."""
    if value is None:
        return None
    paragraphs = (clean_text(part) for part in re.split(r"\n\s*\n", value.replace("\r", "")))
    return "\n\n".join(p for p in paragraphs if p) or None
