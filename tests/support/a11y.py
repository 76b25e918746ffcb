"""Accessibility checks on rendered HTML (used by page tests)."""

from __future__ import annotations

from html.parser import HTMLParser

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _FormControls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (a.get("type") or "text") in UNLABELLED_TYPES:
                return
            a["_wrapped"] = "1" if self._label_depth else None
            self.controls.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1


def unlabelled_controls(html: str) -> list[str]:
    """Return a description of every form control without a label (WCAG 2.1 SC 1.3.1/4.1.2):
    no ``<label for>``, no wrapping ``<label>``, no ``aria-label``/``aria-labelledby``."""
    parser = _FormControls()
    parser.feed(html)
    missing = []
    for c in parser.controls:
        if c.get("_wrapped") or c.get("aria-label") or c.get("aria-labelledby"):
            continue
        if c.get("id") and c["id"] in parser.label_for:
            continue
        missing.append(str(c.get("id") or c.get("name")))
    return missing
