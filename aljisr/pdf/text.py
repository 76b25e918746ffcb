"""Multilingual text on a ReportLab canvas: shaping, bidi, font runs, wrapping and fitting.

ReportLab 5.1 draws glyphs left to right, one font per call, with no shaping or bidi
of its own unless ``rlbidi`` is installed (it is not on the package index). This module
does what a text engine would, in this order, for every line:

1. **Wrap in logical order** (the order text is typed and stored), measuring shaped words
   (:func:`wrap`, :func:`fit_text`).
2. **Shape** Arabic: :mod:`arabic_reshaper` replaces each letter by its contextual
   presentation form (initial, medial, final, isolated) and forms the mandatory lam-alef
   ligatures, using only forms the bundled Amiri face has (:func:`shape`).
3. **Reorder** the line for display with the Unicode Bidirectional Algorithm (UAX #9,
   https://www.unicode.org/reports/tr9/) as implemented by python-bidi's pure-Python
   :func:`bidi.algorithm.get_display`, which also mirrors brackets (rule L4), so
   "(40 ساعة)" keeps its brackets the right way round. The Rust ``bidi.get_display`` of
   python-bidi >= 0.5 does not mirror and must not be used here (:func:`visual`).
4. **Cut into font runs** (:func:`aljisr.pdf.fonts.font_runs`) and draw each run with
   ``drawString`` from left to right (:func:`draw_text`).

Directions are ``"ltr"``, ``"rtl"`` or ``"auto"`` (the first strong character decides,
UAX #9 rules P2-P3). User text placed inside a translated sentence should be wrapped with
:func:`isolate` so that a Latin name in an Arabic sentence (or the reverse) keeps its
own order. Sizes are in PDF points (1/72 inch); widths are measured with the fonts'
advance widths (no kerning, which ReportLab does not apply either).

Known limits: Arabic harakat (vowel marks) are removed when shaping, because without
glyph positioning they would not sit on their letters; combining accents of Latin text
are kept and should be NFC-composed (the text is NFC-normalised here).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.pdfbase.pdfmetrics import stringWidth

from aljisr.pdf import fonts

Direction = Literal["ltr", "rtl", "auto"]
Align = Literal["left", "right", "center", "start", "end"]

#: UAX #9 explicit embedding controls. python-bidi's pure algorithm predates the
#: isolates (FSI/LRI/RLI/PDI) of Unicode 6.3, so :func:`isolate` uses embeddings.
LRE, RLE, PDF = "\u202a", "\u202b", "\u202c"
#: UAX #9 implicit directional marks (strong, invisible).
LRM, RLM = "\u200e", "\u200f"

_RTL_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI"})
_CONTROL_RE = re.compile("[" + "".join(sorted(fonts.IGNORABLE)) + "]")
#: Break opportunities inside a word: after a hyphen or solidus (UAX #14 classes HY, BA,
#: SY, simplified), and around Han/kana characters, which break anywhere.
_CJK_BREAKABLE_RE = re.compile("[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff"
                               "\U00020000-\U0003ffff]")
_BREAK_AFTER = frozenset("-/\u2010\u2013")
#: A word (no-break spaces U+00A0, U+2007, U+202F belong to it) and the spaces after it.
_NO_BREAK_SPACES = "\u00a0\u2007\u202f"
_WORD_RE = re.compile(f"((?:[^\\s]|[{_NO_BREAK_SPACES}])+)((?:(?![{_NO_BREAK_SPACES}])\\s)*)")


def first_strong_direction(text: str) -> Literal["ltr", "rtl"] | None:
    """Return the direction of the first strong character of ``text`` (UAX #9 P2-P3).

    ``"rtl"`` for bidi classes R and AL (Hebrew, Arabic), ``"ltr"`` for L, ``None`` when
    the text has no strong character (digits and punctuation only, or empty).
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def resolve_direction(text: str, direction: Direction, default: str = "ltr") -> str:
    """Turn ``"auto"`` into ``"ltr"``/``"rtl"`` from ``text`` (``default`` if undecided)."""
    if direction != "auto":
        return direction
    return first_strong_direction(text) or default


def isolate(text: str, context: str | None = None) -> str:
    """Wrap user text so it keeps its own direction inside a sentence of the other one.

    "ساهم Amina (أمينة) Zhou في" would otherwise display as "Zhou (أمينة) Amina" inside
    the Arabic sentence. The text is enclosed in LRE...PDF or RLE...PDF according to its
    first strong character, approximating UAX #9's FSI...PDI, which python-bidi's pure
    algorithm does not implement. Unlike a true isolate, an embedding lends its direction
    to the neutral characters next to it ("،" between two Latin names in Arabic would
    turn left-to-right); giving ``context``, the direction (``"ltr"``/``"rtl"``) of the
    surrounding sentence, adds a mark of that direction (LRM/RLM) on both sides, which
    keeps those neutrals in the sentence's direction. Text without a strong character
    is returned as is. All these controls are removed before drawing.
    """
    direction = first_strong_direction(text)
    if direction is None:
        return text
    wrapped = (RLE if direction == "rtl" else LRE) + text + PDF
    if context in ("ltr", "rtl") and context != direction:
        mark = RLM if context == "rtl" else LRM
        wrapped = mark + wrapped + mark
    return wrapped


#: Quotation marks that may enclose a value in a translated sentence, and the spaces that
#: may sit between them and the value.
_QUOTES = "«»“”„‘’‚‹›\"'"
_QUOTE_SPACES = " \u00a0\u202f\u2009"
_QUOTED_LTR_VALUE_RE = re.compile(
    f"(?P<open>[{_QUOTES}])(?P<open_space>[{_QUOTE_SPACES}]?)"
    f"(?P<before>[{LRM}{RLM}]?){LRE}(?P<body>[^{LRE}{RLE}{PDF}]*){PDF}"
    f"(?P<after>[{LRM}{RLM}]?)(?P<close_space>[{_QUOTE_SPACES}]?)(?P<close>[{_QUOTES}])"
)


def quote_inside(sentence: str) -> str:
    """Move quotation marks around an :func:`isolate`-d left-to-right value inside it.

    ``في إطار مشروع «`` + isolate("Renovation of … village", "rtl") + ``»``: the quotes
    belong to the Arabic sentence and take its side. On one line that looks right; but
    when the Latin title wraps, each line is reordered on its own (UAX #9 L1-L2), and
    the opening quote ends up beside the *last* word of the first line ("… for»
    مشروع") and the closing one beside the *first* word of the second ("«the children
    …"). Inside the left-to-right embedding the quotes are not mirrored and follow the
    title's order, so they hug its first and last words on every line ("«Renovation …
    for" / "… village»"); on one line the drawing is the same as before. Marks and
    spaces between the quotes and the value are kept.

    Right-to-left values are left alone: inside a right-to-left embedding curly quotes
    (“ ”), which are not mirrored, would be drawn the wrong way round. A sentence
    without a quoted left-to-right value is returned unchanged.
    """
    def move(match: re.Match[str]) -> str:
        return (match["before"] + LRE + match["open"] + match["open_space"]
                + match["body"] + match["close_space"] + match["close"] + PDF
                + match["after"])

    return _QUOTED_LTR_VALUE_RE.sub(move, sentence)


@lru_cache(maxsize=1)
def _reshaper() -> arabic_reshaper.ArabicReshaper:
    """Build the Arabic reshaper once: presentation forms Amiri (regular and bold) has.

    Only the lam-alef ligatures, which Arabic spelling requires, are enabled: the
    optional letter ligatures of the presentation-forms blocks made reshaping 25 times
    slower and change the look of names compared with the same text on screen.
    """
    probes = [arabic_reshaper.config_for_true_type_font(
        str(fonts.font_path(face)), arabic_reshaper.ENABLE_LETTERS_LIGATURES)
        for face in (fonts.ARABIC, fonts.ARABIC_BOLD)]
    config: dict = {
        "delete_harakat": True,
        "use_unshaped_instead_of_isolated": any(
            probe["use_unshaped_instead_of_isolated"] for probe in probes),
    }
    for key in probes[0]:
        if key.startswith("ARABIC LIGATURE"):
            # A ligature is used only if both faces have it and spelling requires it.
            config[key] = "LAM WITH ALEF" in key and all(probe.get(key) for probe in probes)
    return arabic_reshaper.ArabicReshaper(configuration=config)


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u08ff" for char in text)


@lru_cache(maxsize=4096)
def shape(text: str) -> str:
    """Return ``text`` with Arabic letters in contextual presentation forms, logical order.

    Non-Arabic characters are unchanged. The result may be shorter than the input
    (lam + alef become one ligature). Pure and cached.
    """
    if not _has_arabic(text):
        return text
    return _reshaper().reshape(text)


def _needs_bidi(text: str, direction: str) -> bool:
    if direction == "rtl":
        return True
    return any(unicodedata.bidirectional(char) in _RTL_CLASSES for char in text)


def visual(text: str, direction: Direction = "auto") -> str:
    """Return one line of logical ``text`` as drawn from left to right.

    NFC-normalises, shapes (:func:`shape`), reorders with the bidi algorithm (UAX #9,
    paragraph direction ``direction``; ``"auto"`` = first strong character, else LTR)
    and removes the format controls (:data:`aljisr.pdf.fonts.IGNORABLE`). The text must
    be a single line: wrap first (reordering is per line, UAX #9 rule L1-L2).
    """
    text = unicodedata.normalize("NFC", text)
    base = resolve_direction(text, direction)
    shaped = shape(text)
    if _needs_bidi(shaped, base):
        shaped = get_display(shaped, base_dir="R" if base == "rtl" else "L")
    return _CONTROL_RE.sub("", shaped)


def runs_width(runs: list[tuple[str, str]], size: float) -> float:
    """Total advance width in points of ``(text, face)`` runs at nominal ``size`` points.

    Each face is measured at its :func:`aljisr.pdf.fonts.scaled_size`.
    """
    return sum(stringWidth(run, face, fonts.scaled_size(face, size)) for run, face in runs)


@lru_cache(maxsize=8192)
def _unit_width(text: str, bold: bool, direction: str) -> float:
    """Width at 1 pt of a logical piece of text, shaped and with controls removed."""
    piece = _CONTROL_RE.sub("", shape(unicodedata.normalize("NFC", text)))
    return runs_width(fonts.font_runs(piece, bold, fonts.primary_face(direction, bold)), 1.0)


def text_width(text: str, size: float, bold: bool = False,
               direction: Direction = "auto") -> float:
    """Width in points of one line of ``text`` drawn at ``size`` by :func:`draw_text`.

    Reordering does not change the width, but the paragraph direction does pick the
    face of neutral characters (:func:`aljisr.pdf.fonts.primary_face`).
    """
    return _unit_width(text, bold, resolve_direction(text, direction)) * size


# --------------------------------------------------------------------------- wrapping

@dataclass(frozen=True)
class _Piece:
    """An unbreakable piece of a paragraph and the breakable space after it."""

    text: str
    space: str
    width: float  # at 1 pt
    space_width: float  # at 1 pt


def _split_word(word: str) -> list[str]:
    """Cut a word at its break opportunities (after hyphens/solidus, around Han/kana)."""
    parts: list[str] = []
    current = ""
    for index, char in enumerate(word):
        if current and _CJK_BREAKABLE_RE.match(char) and not unicodedata.combining(char):
            parts.append(current)
            current = ""
        current += char
        following = word[index + 1:index + 2]
        if following and (char in _BREAK_AFTER or _CJK_BREAKABLE_RE.match(char)) \
                and not unicodedata.combining(following):
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return parts


def _pieces(paragraph: str, bold: bool, direction: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    for match in _WORD_RE.finditer(paragraph):
        word, space = match.group(1), match.group(2)
        parts = _split_word(word)
        for part in parts[:-1]:
            pieces.append(_Piece(part, "", _unit_width(part, bold, direction), 0.0))
        space_width = _unit_width(space, bold, direction) if space else 0.0
        pieces.append(_Piece(parts[-1], space, _unit_width(parts[-1], bold, direction),
                             space_width))
    return pieces


def _split_characters(piece: _Piece, limit: float, bold: bool,
                      direction: str) -> list[_Piece]:
    """Cut a piece wider than ``limit`` (1 pt units) between characters (not before marks)."""
    out: list[_Piece] = []
    current = ""
    for char in piece.text:
        candidate = current + char
        if current and not unicodedata.combining(char) \
                and _unit_width(candidate, bold, direction) > limit:
            out.append(_Piece(current, "", _unit_width(current, bold, direction), 0.0))
            current = char
        else:
            current = candidate
    out.append(_Piece(current, piece.space, _unit_width(current, bold, direction),
                      piece.space_width))
    return out


def _wrap_pieces(pieces: list[_Piece], limit: float, bold: bool,
                 direction: str) -> list[str]:
    """Greedy first-fit line filling; ``limit`` is the width divided by the size."""
    lines: list[str] = []
    line: list[_Piece] = []
    width = 0.0
    queue = list(pieces)
    while queue:
        piece = queue.pop(0)
        gap = line[-1].space_width if line else 0.0
        if line and width + gap + piece.width > limit:
            lines.append(_join(line))
            line, width = [], 0.0
            gap = 0.0
        if not line and piece.width > limit:
            parts = _split_characters(piece, limit, bold, direction)
            queue[0:0] = parts[1:]
            piece = parts[0]
        line.append(piece)
        width += gap + piece.width
    if line:
        lines.append(_join(line))
    return lines


def _join(line: list[_Piece]) -> str:
    return "".join(p.text + p.space for p in line[:-1]) + line[-1].text


def _carry_embeddings(lines: list[str]) -> list[str]:
    """Re-open on each line the LRE/RLE embeddings still open at the end of the previous.

    Wrapping may cut an :func:`isolate`-d span in two; bidi runs per line, so the
    second half would otherwise lose its embedding.
    """
    out: list[str] = []
    stack: list[str] = []
    for line in lines:
        prefix = "".join(stack)
        for char in line:
            if char in (LRE, RLE):
                stack.append(char)
            elif char == PDF and stack:
                stack.pop()
        out.append(prefix + line)
    return out


def wrap(text: str, width: float, size: float, bold: bool = False,
         direction: Direction = "auto") -> list[str]:
    """Break ``text`` into logical-order lines no wider than ``width`` points at ``size``.

    Breaks at spaces, after hyphens and solidus, and between Han/kana characters (a
    simplification of UAX #14); a word wider than the line is cut between characters.
    Newlines in ``text`` start new lines. Returns ``[]`` for blank text. Raises
    :class:`ValueError` if ``width`` or ``size`` is not positive.
    """
    if width <= 0 or size <= 0:
        raise ValueError("width and size must be positive")
    resolved = resolve_direction(text, direction)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        pieces = _pieces(paragraph.strip(), bold, resolved)
        if pieces:
            lines.extend(_wrap_pieces(pieces, width / size, bold, resolved))
    return _carry_embeddings(lines)


@dataclass(frozen=True)
class FittedText:
    """Text fitted into a box: logical-order ``lines`` at nominal font ``size``.

    ``leading`` is the distance between baselines and ``scale`` the largest face scale
    used (:func:`aljisr.pdf.fonts.line_scale`), both already applied to ``leading``.
    :attr:`height` is the room the block takes, top of the first line to below the
    last line's descenders, in points. ``direction`` is the resolved paragraph direction.
    """

    lines: tuple[str, ...]
    size: float
    leading: float
    direction: str
    scale: float = 1.0
    #: Deepest descender of the faces used, in points below the last baseline.
    depth: float = 0.0

    @property
    def last_baseline_offset(self) -> float:
        """Distance from the block's top to the baseline of its last line, in points."""
        return self.size * self.scale + self.leading * max(0, len(self.lines) - 1)

    @property
    def height(self) -> float:
        if not self.lines:
            return 0.0
        return _block_height(len(self.lines), self.size, self.leading, self.scale)


def _block_height(lines: int, size: float, leading: float, scale: float) -> float:
    return size * scale * 1.25 + leading * (lines - 1)


def fit_text(text: str, width: float, *, max_size: float, min_size: float,
             max_lines: int = 2, max_height: float | None = None, bold: bool = False,
             leading: float = 1.2, floor_size: float = 4.0, step: float = 0.5,
             direction: Direction = "auto") -> FittedText:
    """Fit ``text`` into ``width`` points: shrink first, then wrap, then shrink further.

    1. One line at the largest size from ``max_size`` down to ``min_size`` (by ``step``)
       that fits ``width``.
    2. Otherwise the largest size from ``max_size`` down to ``floor_size`` at which the
       wrapped text takes at most ``max_lines`` lines (and, if given, at most
       ``max_height`` points, see :attr:`FittedText.height`).
    3. Otherwise the text wrapped at ``floor_size`` with as many lines as it needs.

    ``leading`` is the line pitch as a multiple of the size (times the face scale for
    Arabic). The paragraph's direction is resolved once for all lines (``"auto"``: first
    strong character). Raises :class:`ValueError` for a non-positive width or floor
    size, or ``min_size > max_size``.
    """
    if min_size > max_size or floor_size <= 0 or width <= 0:
        raise ValueError("need 0 < floor_size, min_size <= max_size and width > 0")
    resolved = resolve_direction(text, direction)
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    shaped = shape(text)
    scale = fonts.line_scale(shaped, bold)
    depth = fonts.descent(shaped, bold)
    if not paragraphs:
        return FittedText((), max_size, max_size * leading * scale, resolved, scale)

    def result(lines: list[str], size: float) -> FittedText:
        return FittedText(tuple(lines), size, size * leading * scale, resolved, scale,
                          size * depth)

    def ok(lines: int, size: float) -> bool:
        height = _block_height(lines, size, size * leading * scale, scale)
        return lines <= max_lines and (max_height is None or height <= max_height)

    if len(paragraphs) == 1:
        unit = _unit_width(paragraphs[0], bold, resolved)
        size = max_size
        while size >= min_size:
            if unit * size <= width and ok(1, size):
                return result(paragraphs, size)
            size -= step
    pieces = [_pieces(p, bold, resolved) for p in paragraphs]
    size = max_size
    while size >= floor_size:
        lines = [line for group in pieces
                 for line in _wrap_pieces(group, width / size, bold, resolved)]
        if ok(len(lines), size):
            return result(_carry_embeddings(lines), size)
        size -= step
    lines = [line for group in pieces
             for line in _wrap_pieces(group, width / floor_size, bold, resolved)]
    return result(_carry_embeddings(lines), floor_size)


# --------------------------------------------------------------------------- drawing

def _x_for(align: Align, x: float, width: float, direction: str) -> float:
    if align == "start":
        align = "right" if direction == "rtl" else "left"
    elif align == "end":
        align = "left" if direction == "rtl" else "right"
    if align == "left":
        return x
    if align == "right":
        return x - width
    if align == "center":
        return x - width / 2
    raise ValueError(f"unknown alignment {align!r}")


def draw_text(canvas, text: str, x: float, y: float, size: float, *, bold: bool = False,
              align: Align = "left", direction: Direction = "auto") -> float:
    """Draw one line of logical ``text`` with its baseline at ``y``; return its width.

    ``x`` is the left edge (``align="left"``), right edge (``"right"``) or centre
    (``"center"``); ``"start"``/``"end"`` mean left/right for LTR and right/left for RTL.
    Shapes, reorders (:func:`visual`) and draws each font run in the canvas's current
    fill colour. The text is never interpreted as markup. Coordinates in points.
    Raises :class:`ValueError` for an unknown alignment.
    """
    base = resolve_direction(text, direction)
    shown = visual(text, base)
    runs = fonts.font_runs(shown, bold, fonts.primary_face(base, bold))
    width = runs_width(runs, size)
    cursor = _x_for(align, x, width, base)
    for run, face in runs:
        face_size = fonts.scaled_size(face, size)
        if bold and face in fonts.SYNTHETIC_BOLD:
            _draw_synthetic_bold(canvas, run, cursor, y, face, face_size)
        else:
            canvas.setFont(face, face_size)
            canvas.drawString(cursor, y, run)
        cursor += stringWidth(run, face, face_size)
    return width


def _draw_synthetic_bold(canvas, run: str, x: float, y: float, face: str,
                         size: float) -> None:
    """Fill and stroke the glyphs (text render mode 2) in the current fill colour."""
    canvas.saveState()
    # ReportLab keeps the current fill colour here; it has no public getter.
    canvas.setStrokeColor(canvas._fillColorObj)
    canvas.setLineWidth(size * fonts.SYNTHETIC_BOLD[face])
    canvas.setLineJoin(1)
    text = canvas.beginText(x, y)
    text.setFont(face, size)
    text.setTextRenderMode(2)
    text.textOut(run)
    canvas.drawText(text)
    canvas.restoreState()


def draw_fitted(canvas, fitted: FittedText, x: float, top: float, *, bold: bool = False,
                align: Align = "center") -> float:
    """Draw :class:`FittedText` whose first line's top is at ``top``; return the bottom.

    The first baseline is ``top - size * scale``; the next ones follow every
    ``leading`` points. Returns ``top - fitted.height`` so callers can stack blocks.
    """
    baseline = top - fitted.size * fitted.scale
    for line in fitted.lines:
        draw_text(canvas, line, x, baseline, fitted.size, bold=bold, align=align,
                  direction=fitted.direction)
        baseline -= fitted.leading
    return top - fitted.height
