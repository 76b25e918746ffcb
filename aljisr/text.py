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


def search_key(*parts: str | None) -> str:
    """Fold text for accent- and case-insensitive search, identically on every database.

    Decomposes (NFKD), drops combining marks, case-folds: "Yasmine Édith" -> "yasmine edith",
    "Ольга" -> "ольга". Arabic letters are kept, its diacritics (harakat) dropped.
    """
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def clean_paragraphs(value: str | None) -> str | None:
    """:func:`clean_text` for text of several paragraphs (a testimonial, a public
    description): each paragraph (lines separated by a blank line) is cleaned on its own and
    the paragraphs are joined by one blank line; single line breaks inside a paragraph become
    spaces. "  Un.\\n\\n\\n  Deux\\ntrois " -> "Un.\\n\\nDeux trois"; empty -> None."""
    if value is None:
        return None
    paragraphs = (clean_text(part) for part in re.split(r"\n\s*\n", value.replace("\r", "")))
    return "\n\n".join(p for p in paragraphs if p) or None
