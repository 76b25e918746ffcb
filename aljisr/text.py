"""Text normalisation used across domains (names in any script, e-mails, search keys)."""

from __future__ import annotations

import unicodedata


def clean_text(value: str | None) -> str | None:
    """Trim and NFC-normalise free text; empty becomes None (DESIGN.md §2, names)."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    return value or None


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
