"""ReportLab platypus flowables that draw multilingual text with :mod:`aljisr.pdf.text`.

ReportLab's own ``Paragraph`` draws each font tag with one face, and neither shapes Arabic
nor reorders bidirectional text; fed a name such as "Amina (أمينة) Zhou" it prints
unjoined Arabic letters in the wrong order, or missing-glyph boxes. :class:`TextBlock` is a
small ``Flowable`` that wraps its text in logical order (:func:`aljisr.pdf.text.wrap`) and
draws each line with :func:`aljisr.pdf.text.draw_text`, which shapes, reorders (UAX #9)
and picks a covering face per run of characters. It goes anywhere a ``Paragraph`` would:
in a story, or in a ``Table`` cell (the table passes the column width to :meth:`wrap`).

The text is drawn with ``drawString``, never parsed as markup, so user text needs no
escaping here (unlike ``Paragraph``, where it must go through ``xml.sax.saxutils.escape``).
Sizes are in PDF points.
"""

from __future__ import annotations

from reportlab.lib.colors import Color, black
from reportlab.platypus import Flowable

from aljisr.pdf import fonts
from aljisr.pdf.text import Align, Direction, draw_text, resolve_direction, wrap

#: Descent below the last baseline, as a multiple of the size (DejaVu's is about 0.24 em).
_DESCENT = 0.25


class TextBlock(Flowable):
    """A paragraph of plain, multilingual text, wrapped to the width it is given.

    ``align`` is ``"left"``, ``"right"``, ``"center"``, or ``"start"``/``"end"`` of
    ``direction`` (``"auto"``: the text's first strong character). Give the document's
    direction to make ``"start"`` mean the same side for every cell of a table column.
    ``leading`` is the line pitch as a multiple of ``size`` (times the Arabic face scale,
    :func:`aljisr.pdf.fonts.line_scale`). ``max_lines`` cuts the text after that many
    lines and ends the last one with an ellipsis. Splits between lines across frames.
    """

    def __init__(self, text: str, size: float = 9, *, bold: bool = False,
                 align: Align = "start", direction: Direction = "auto",
                 color: Color = black, leading: float = 1.3, space_before: float = 0,
                 space_after: float = 0, max_lines: int | None = None) -> None:
        super().__init__()
        self.text = text or ""
        self.size = size
        self.bold = bold
        self.align = align
        self.direction = resolve_direction(self.text, direction)
        self.color = color
        self.scale = fonts.line_scale(self.text, bold) if self.text else 1.0
        self.pitch = size * leading * self.scale
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.max_lines = max_lines
        self._lines: list[str] = []
        self._wrapped_width: float | None = None

    def _layout(self, width: float) -> list[str]:
        if width != self._wrapped_width:
            lines = wrap(self.text, max(width, 1.0), self.size, self.bold, self.direction)
            if self.max_lines is not None and len(lines) > self.max_lines:
                lines = lines[: self.max_lines]
                lines[-1] = _with_ellipsis(lines[-1], width, self.size, self.bold,
                                           self.direction)
            self._lines = lines
            self._wrapped_width = width
        return self._lines

    def _height(self, count: int) -> float:
        if count == 0:
            return 0.0
        return (count - 1) * self.pitch + self.size * self.scale * (1 + _DESCENT)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """Lay out for ``availWidth`` points; return (width, height) in points."""
        self.width = availWidth
        self.height = self._height(len(self._layout(availWidth)))
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """Split between lines so that the first part fits ``availHeight``; [] if none fits."""
        lines = self._layout(availWidth)
        fit = 0
        while fit < len(lines) and self._height(fit + 1) <= availHeight:
            fit += 1
        if fit == 0 or fit == len(lines):
            return []
        head, tail = (self._copy(lines[:fit]), self._copy(lines[fit:]))
        head.spaceAfter = 0
        tail.spaceBefore = 0
        return [head, tail]

    def _copy(self, lines: list[str]) -> TextBlock:
        # The lines keep the embeddings wrap() re-opened on each, so they join with "\n".
        block = TextBlock("\n".join(lines), self.size, bold=self.bold, align=self.align,
                          direction=self.direction, color=self.color,
                          space_before=self.spaceBefore, space_after=self.spaceAfter)
        block.pitch = self.pitch
        block.scale = self.scale
        return block

    def draw(self) -> None:
        """Draw the lines top down inside (0, 0)-(width, height) of the flowable."""
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(self.color)
        x = {"left": 0.0, "right": self.width, "center": self.width / 2}
        if self.align in ("start", "end"):
            rtl = self.direction == "rtl"
            side = "right" if (self.align == "start") == rtl else "left"
        else:
            side = self.align
        baseline = self.height - self.size * self.scale
        for line in self._layout(self.width):
            draw_text(canvas, line, x[side], baseline, self.size, bold=self.bold,
                      align=side, direction=self.direction)
            baseline -= self.pitch
        canvas.restoreState()


def _with_ellipsis(line: str, width: float, size: float, bold: bool, direction: str) -> str:
    """``line`` shortened (by characters) until it and a final "…" fit ``width`` points."""
    from aljisr.pdf.text import text_width

    candidate = line.rstrip()
    while candidate and text_width(candidate + "…", size, bold, direction) > width:
        candidate = candidate[:-1].rstrip()
    return candidate + "…"


def truncate(text: str, width: float, size: float, bold: bool = False,
             direction: Direction = "auto") -> str:
    """Return ``text`` as one line no wider than ``width`` points, ending in "…" if cut.

    Cuts at the last break opportunity that fits (see :func:`aljisr.pdf.text.wrap`), or
    between characters. Logical order; draw it with :func:`aljisr.pdf.text.draw_text`.
    """
    lines = wrap(text, width, size, bold, direction)
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return _with_ellipsis(lines[0], width, size, bold, resolve_direction(text, direction))
