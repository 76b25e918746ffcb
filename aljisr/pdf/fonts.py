"""TrueType fonts for PDFs: registration once per process, and per-character font choice.

ReportLab draws text with one font per ``drawString`` call and cannot fall back to
another font by itself, so a line that mixes scripts ("Amina (أمينة) Zhou", "山田 さくら")
must be cut into runs, each drawn with a font that has glyphs for it. This module
knows which bundled font covers what and does that cutting (:func:`font_runs`).

Fonts live in ``static/fonts/`` (licences beside them, see its README):

============================  ========================================================
face name (ReportLab)         used for
============================  ========================================================
``DejaVuSans`` (+``-Bold``)   Latin, Cyrillic, Greek, Hebrew, digits and punctuation
``Amiri`` (+``-Bold``)        Arabic script (incl. presentation forms from shaping)
``DroidSansFallback``         Chinese, Japanese, Korean (no bold face exists)
============================  ========================================================

All are glyf-based TrueType files: ReportLab's ``TTFont`` cannot embed CFF (``.otf``)
outlines. Each face is registered with :mod:`reportlab.pdfbase.pdfmetrics` the first time
it is needed and never again in the process (registering parses the whole file: about
10 ms for DejaVu or Amiri, 80 ms for the CJK face, which is therefore loaded only when a
CJK character appears). ReportLab embeds only the subset of glyphs a document uses.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: Folder holding the bundled TrueType files and their licences.
FONT_DIR: Path = Path(__file__).resolve().parents[2] / "static" / "fonts"

#: ReportLab face name -> file name in :data:`FONT_DIR`.
FONT_FILES: dict[str, str] = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "Amiri": "Amiri-Regular.ttf",
    "Amiri-Bold": "Amiri-Bold.ttf",
    "DroidSansFallback": "DroidSansFallback.ttf",
}

LATIN = "DejaVuSans"
LATIN_BOLD = "DejaVuSans-Bold"
ARABIC = "Amiri"
ARABIC_BOLD = "Amiri-Bold"
CJK = "DroidSansFallback"

#: Script class -> (regular chain, bold chain): fonts tried in order for a character.
#: A bold chain ends with regular faces so that a character missing from a bold face
#: prints in regular weight rather than as a missing-glyph box.
_CHAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "arabic": ((ARABIC, LATIN, CJK), (ARABIC_BOLD, LATIN_BOLD, ARABIC, LATIN, CJK)),
    "cjk": ((CJK, LATIN, ARABIC), (CJK, LATIN_BOLD, LATIN, ARABIC_BOLD)),
    "other": ((LATIN, ARABIC, CJK), (LATIN_BOLD, LATIN, ARABIC_BOLD, ARABIC, CJK)),
}

#: Code point ranges of the Arabic script, including the presentation forms that
#: :func:`aljisr.pdf.text.shape` produces (Unicode blocks, Unicode 15).
_ARABIC_RANGES = (
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x0870, 0x08FF),  # Arabic Extended-B and -A
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
)

#: Code point ranges of Han, kana, Hangul, Bopomofo and CJK punctuation/forms.
_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK Radicals, Kangxi Radicals
    (0x2FF0, 0x303F),  # Ideographic Description, CJK Symbols and Punctuation
    (0x3040, 0x31FF),  # Hiragana, Katakana, Bopomofo, Hangul Compatibility Jamo, ...
    (0x3200, 0x9FFF),  # Enclosed CJK, CJK Compatibility, Ext A, Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul Syllables, Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0x20000, 0x3FFFF),  # Supplementary Ideographic planes
)

#: General categories whose characters belong to no script of their own (UAX #24
#: "Common" and "Inherited", approximated by category): they take the font of the
#: run they sit in, so "(40 ساعة)" is one Amiri run instead of three.
_NEUTRAL_CATEGORIES = frozenset({"Zs", "Po", "Ps", "Pe", "Pi", "Pf", "Pd", "Pc",
                                 "Sm", "Sc", "Sk", "So", "Nd", "No", "Mn", "Me", "Cf"})

#: Size multiplier per face, so that scripts drawn side by side look the same size:
#: Amiri's letters are small on their body (naskh needs room for tall ascenders and
#: deep descenders), so Arabic is drawn 20 % larger than the nominal size.
SIZE_SCALE: dict[str, float] = {ARABIC: 1.2, ARABIC_BOLD: 1.2}

#: Faces without a bold variant: "bold" text in them is emboldened by stroking the
#: glyph outlines (:func:`aljisr.pdf.text.draw_text`), stroke width = size x this factor.
SYNTHETIC_BOLD: dict[str, float] = {CJK: 0.03}

_lock = threading.Lock()
_registered: dict[str, TTFont] = {}


def font_path(name: str) -> Path:
    """Return the path of the TrueType file of face ``name``.

    Raises :class:`KeyError` for a name not in :data:`FONT_FILES`.
    """
    return FONT_DIR / FONT_FILES[name]


def register_font(name: str) -> str:
    """Register face ``name`` with ReportLab unless this process already did; return it.

    Thread-safe and idempotent. Raises :class:`KeyError` for an unknown face and
    :class:`OSError` (from ReportLab) when the file is missing from :data:`FONT_DIR`.
    """
    face = _registered.get(name)
    if face is None:
        with _lock:
            face = _registered.get(name)
            if face is None:
                face = TTFont(name, str(font_path(name)))
                pdfmetrics.registerFont(face)
                _registered[name] = face
    return name


def register_fonts(names: tuple[str, ...] | None = None) -> None:
    """Register the given faces (default: all of :data:`FONT_FILES`) once per process.

    Optional: every function here registers what it needs lazily. Call it at start-up
    to move the cost (about 120 ms for all faces) out of the first request.
    """
    for name in names or tuple(FONT_FILES):
        register_font(name)


def scaled_size(name: str, size: float) -> float:
    """Point size to set for face ``name`` when text is laid out at nominal ``size``."""
    return size * SIZE_SCALE.get(name, 1.0)


def line_scale(text: str, bold: bool = False) -> float:
    """Largest :data:`SIZE_SCALE` among the faces ``text`` is drawn with (1.0 if none).

    Line pitch and height are multiplied by it so Arabic lines get the room they need.
    """
    return max((SIZE_SCALE.get(face, 1.0) for _, face in font_runs(text, bold)), default=1.0)


def descent(text: str, bold: bool = False) -> float:
    """Deepest descent below the baseline among the faces ``text`` is drawn with.

    As a fraction of the nominal size (face descent from its ``hhea`` table, times its
    :data:`SIZE_SCALE`): 0.24 for DejaVu Sans, 0.76 for Amiri. 0.0 for empty text.
    """
    depths = [-_registered[register_font(face)].face.descent / 1000 * SIZE_SCALE.get(face, 1.0)
              for _, face in font_runs(text, bold)]
    return max(depths, default=0.0)


def covers(name: str, char: str) -> bool:
    """Tell whether face ``name`` has a glyph for the single character ``char``.

    Reads the font's ``cmap`` as parsed by ReportLab (the same table fontTools reads).
    """
    register_font(name)
    return ord(char) in _registered[name].face.charToGlyph


@lru_cache(maxsize=8192)
def script_of(char: str) -> str:
    """Classify one character for font choice.

    Returns ``"arabic"``, ``"cjk"``, ``"neutral"`` (spaces, digits, punctuation, symbols,
    combining marks, format controls: they inherit their neighbours' font) or ``"other"``
    (every other letter: Latin, Cyrillic, Greek, Hebrew, ...). Ranges follow the Unicode
    block charts; the neutral set approximates the Common/Inherited values of the
    Unicode Script property (UAX #24) by general category.
    """
    cp = ord(char)
    for low, high in _ARABIC_RANGES:
        if low <= cp <= high:
            # Arabic digits and punctuation are neutral too, but drawn best by Amiri.
            return "arabic"
    for low, high in _CJK_RANGES:
        if low <= cp <= high:
            return "cjk"
    if unicodedata.category(char) in _NEUTRAL_CATEGORIES:
        return "neutral"
    return "other"


@lru_cache(maxsize=16384)
def pick_font(char: str, bold: bool = False, prefer: str | None = None) -> str:
    """Return the face to draw ``char`` with.

    ``prefer`` is a face tried first (the current run's font, for neutral characters).
    Otherwise the character's script chain is walked (see :func:`script_of`); a neutral
    character with no preference uses the Latin chain. If no bundled face covers the
    character the chain's first face is returned (it will draw a missing-glyph box;
    :func:`missing_characters` reports such characters).
    """
    if prefer is not None and covers(prefer, char):
        return prefer
    script = script_of(char)
    chain = _CHAINS.get(script, _CHAINS["other"])[1 if bold else 0]
    # Faces load lazily as the chain is walked, so the large CJK face is read only
    # for CJK text or as the last resort.
    for name in chain:
        if covers(name, char):
            return name
    return chain[0]


def primary_face(direction: str, bold: bool = False) -> str:
    """Face for neutral characters of a paragraph: Amiri for ``"rtl"``, else DejaVu Sans."""
    if direction == "rtl":
        return ARABIC_BOLD if bold else ARABIC
    return LATIN_BOLD if bold else LATIN


def font_runs(text: str, bold: bool = False,
              neutral_face: str | None = None) -> list[tuple[str, str]]:
    """Cut ``text`` into maximal ``(substring, face name)`` runs, keeping its order.

    Works on logical or visual text alike (it does not reorder). Letters pick their
    face by script (:func:`pick_font`). Neutral characters (spaces, digits, brackets...)
    use ``neutral_face`` when given and it covers them (so both brackets of
    "Amina (أمينة) Zhou" match the paragraph's main face, see :func:`primary_face`);
    otherwise they stay in the current run when its face covers them, and a leading
    neutral character takes the face of the first letter after it.
    Returns ``[]`` for an empty string.
    """
    return list(_font_runs(text, bold, neutral_face))


@lru_cache(maxsize=4096)
def _font_runs(text: str, bold: bool, neutral_face: str | None) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    current: str | None = None
    if neutral_face is None:
        # Face of the first non-neutral character, for leading neutrals.
        for char in text:
            if script_of(char) != "neutral":
                current = pick_font(char, bold)
                break
    runs: list[tuple[str, str]] = []
    start = 0
    for index, char in enumerate(text):
        if script_of(char) == "neutral":
            face = pick_font(char, bold, prefer=neutral_face or current)
        else:
            face = pick_font(char, bold)
        if face != current:
            if index > start:
                runs.append((text[start:index], current))
            start = index
            current = face
    runs.append((text[start:], current))
    return tuple(runs)


def missing_characters(text: str, bold: bool = False,
                       neutral_face: str | None = None) -> list[str]:
    """Return the characters of ``text`` that would print as missing-glyph boxes.

    A character is missing when the face :func:`font_runs` gives it lacks it in its
    ``cmap``. Whitespace-like format controls (bidi marks, ZWJ/ZWNJ), which the text
    layer strips before drawing, are ignored. Order of first appearance, no repeats.
    """
    missing: list[str] = []
    for run, face in font_runs(text, bold, neutral_face):
        for char in run:
            if char in IGNORABLE or char in missing:
                continue
            if not covers(face, char):
                missing.append(char)
    return missing


#: Format controls that steer shaping or bidi and are removed before drawing.
IGNORABLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                      "\u2066\u2067\u2068\u2069\u061c\ufeff")
