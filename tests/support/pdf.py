"""Reading certificate PDFs back: the text runs drawn on the page (font, size, position), the
visual lines they make, and the logical text poppler extracts."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import unicodedata

from pypdf import PdfReader
from pypdf.generic import ContentStream

from aljisr.pdf import text
from tests.support.tools import require

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


@dataclasses.dataclass
class Drawn:
    """One text-showing operation read back from the page: text, font, size, origin."""

    text: str
    font: str  # PostScript name without the subset prefix, e.g. "Amiri-Bold"
    size: float
    x: float
    y: float


def _to_unicode(font) -> dict[int, str]:
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping = {}
    for code, target in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4,8})>", data):
        mapping[int(code, 16)] = bytes.fromhex(target).decode("utf-16-be")
    return mapping


def drawn_text(pdf: bytes) -> list[Drawn]:
    """Decode every Tj of the page through its font's ToUnicode map, in stream order."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    maps = {}
    for name, ref in page["/Resources"]["/Font"].items():
        font = ref.get_object()
        maps[name] = (str(font["/BaseFont"]).split("+", 1)[-1], _to_unicode(font))
    out: list[Drawn] = []
    font = size = None
    x = y = 0.0
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            font, size = str(operands[0]), float(operands[1])
        elif operator == b"Tm":
            x, y = float(operands[4]), float(operands[5])
        elif operator == b"Tj":
            raw = operands[0]
            raw = bytes(raw) if isinstance(raw, bytes) else raw.get_original_bytes()
            base, mapping = maps[font]
            out.append(Drawn("".join(mapping[b] for b in raw), base, size, x, y))
    return out


def drawn_lines(pdf: bytes) -> list[str]:
    """Visual lines: runs grouped by baseline, ordered left to right, top to bottom."""
    rows: dict[float, list[Drawn]] = {}
    for run in drawn_text(pdf):
        rows.setdefault(round(run.y, 1), []).append(run)
    return ["".join(r.text for r in sorted(rows[y], key=lambda r: r.x))
            for y in sorted(rows, reverse=True)]


def pdftotext(pdf: bytes) -> str:
    """Logical text as poppler extracts it, bidi controls removed, NFKC-normalised
    (turns Arabic presentation forms back into letters)."""
    require("pdftotext", package="poppler-utils")
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                            check=True)
    return unicodedata.normalize("NFKC", result.stdout.decode().translate(BIDI_CONTROLS))


def visual_rtl(logical: str) -> str:
    """Expected drawing of a pure right-to-left run: shaped, then reversed."""
    return text.shape(logical)[::-1]
