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


# --------------------------------------------------------------------------- colour contrast

#: WCAG 2.1 AA minimum contrast ratio for normal text (SC 1.4.3).
AA_NORMAL_TEXT = 4.5


def _channel(value: float) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour given as 0-255 channels
    (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance; the 0.04045 threshold of sRGB)."""
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: tuple[float, float, float],
                   background: tuple[float, float, float]) -> float:
    """(L1 + 0.05) / (L2 + 0.05), L1 the lighter (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


#: For each element matching the selector: its text, its computed text colour blended over
#: the first opaque background of it or its ancestors, and that background (0-255 channels).
_COLOURS_JS = """selector => {
  const rgba = s => (s.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
  return [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length && el.textContent.trim())
    .map(el => {
      const layers = [];
      for (let node = el; node; node = node.parentElement) {
        const bg = rgba(getComputedStyle(node).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let background = [255, 255, 255];
      for (const layer of layers.reverse()) background = over(layer, background);
      const colour = rgba(getComputedStyle(el).color);
      return {text: el.textContent.trim(), foreground: over(colour, background), background};
    });
}"""


def low_contrast(page, selector: str, minimum: float = AA_NORMAL_TEXT) -> list[str]:
    """Elements matching ``selector`` on a Playwright ``page`` whose text contrast is below
    ``minimum`` (default WCAG 2.1 AA for normal text), described as ``"text: 3.43"``; raises
    AssertionError when nothing visible matches (a check of nothing cannot fail)."""
    found = page.evaluate(_COLOURS_JS, selector)
    assert found, f"nothing visible matches {selector!r}"
    return [f"{item['text']}: {ratio:.2f}" for item in found
            if (ratio := contrast_ratio(tuple(item["foreground"]),
                                        tuple(item["background"]))) < minimum]
