"""The certificate PDF: one A4 landscape page built from a :class:`CertificateSnapshot`.

Pure: data in, bytes out, no database or request. Labels go through gettext in the
certificate's own language (``force_locale``); inside a Flask app with catalogues they
are translated, elsewhere they stay English. Dates and numbers use CLDR data through
Babel in the certificate's language in both cases.

Layout (points, origin bottom left, page 841.9 x 595.3): a double frame with corner
stars, the association's name, the title, the volunteer's name as large as fits (shrunk,
then wrapped on two lines), the body (what, where, when, how many hours, contribution),
and a footer with the place and date of issue and the signatory on the *start* side,
a seal in the middle and the QR code with serial number and verification URL on the
*end* side. Arabic mirrors the page (start = right). The bilingual layout prints the
titles in Arabic and French, the body in two columns (French left, Arabic right), and
mirrors the footer like Arabic.

Output is deterministic: the canvas runs with ``invariant=1`` (fixed document id), and the
document's creation and modification dates are the snapshot's issue date (date only, e.g.
``D:20251012``) instead of the current time or invariant mode's 2000-01-01, so the same
snapshot gives the same bytes.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import has_app_context
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.i18n import _, first_of_month, force_locale, format_date, format_decimal, ngettext
from aljisr.pdf import fonts
from aljisr.pdf.text import FittedText, draw_fitted, fit_text, isolate, quote_inside

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)

TEAL = HexColor("#0F4C4A")
GOLD = HexColor("#B08D3C")
GOLD_LIGHT = HexColor("#E7D8B1")
INK = HexColor("#1F2A30")
MUTED = HexColor("#56646B")
PAPER = HexColor("#FDFBF5")


# --------------------------------------------------------------------------- texts

# flask-babel's format_* need an application context (unlike gettext, which falls back
# to English without one), so pure callers get the same CLDR formats from Babel directly.

def _format_date(value, language: str) -> str:
    """Long date in ``language`` (e.g. "1 septembre 2025"), CLDR patterns via Babel."""
    if has_app_context():
        return format_date(value, "long")
    return first_of_month(babel_dates.format_date(value, "long", locale=language), value,
                          language)


def _format_hours(value: Decimal, language: str) -> str:
    """Hours as a localised decimal ("12.5", "12,5"), no trailing zeros."""
    if has_app_context():
        return format_decimal(value)
    return babel_numbers.format_decimal(value, locale=language)


@dataclass(frozen=True)
class CertificateTexts:
    """The strings of one certificate in one language, logical order.

    User values inside translated sentences are wrapped with :func:`isolate` so they
    keep their own direction. ``direction`` is ``"ltr"`` or ``"rtl"``.
    """

    language: str
    direction: str
    title: str
    presented: str
    body: tuple[str, ...]
    contribution: str
    issued: str
    serial_label: str
    verify_label: str


def certificate_texts(snapshot: CertificateSnapshot, language: str) -> CertificateTexts:
    """Translate and format the certificate's sentences into ``language`` (en, fr, ar).

    Labels are gettext msgids (translations to merge from ``messages_fr_ar.txt``);
    without an app context or catalogue they come back in English.
    """
    s = snapshot
    direction = "rtl" if language == "ar" else "ltr"

    def iso(value: str) -> str:
        return isolate(value, direction)

    with force_locale(language):
        if s.kind == "hours":
            title = _("Certificate of Recognition")
            hours = s.hours
            number = _format_hours(hours, language)
            if hours == hours.to_integral_value():
                lead = ngettext("in recognition of %(hours)s hour of volunteer work",
                                "in recognition of %(hours)s hours of volunteer work",
                                int(hours), hours=number)
            else:
                # Translators: a fractional number of hours, e.g. 12.5.
                lead = _("in recognition of %(hours)s hours of volunteer work",
                         hours=number)
        else:
            title = _("Certificate of Participation")
            lead = _("in recognition of their participation as a volunteer")
        # Quotes inside the title's embedding, so that they hug its first and last
        # words when a title of the other direction wraps.
        # The Arabic line of a bilingual certificate names the project and site in Arabic
        # where the snapshot has those forms.
        arabic = language == "ar"
        project_title = s.project_title_ar if arabic and s.project_title_ar else s.project_title
        site_name = s.site_name_ar if arabic and s.site_name_ar else s.site_name
        project = quote_inside(_("in the project “%(project)s”", project=iso(project_title)))
        if s.site_city:
            where = _("at %(site)s, %(city)s", site=iso(site_name), city=iso(s.site_city))
        else:
            where = _("at %(site)s", site=iso(site_name))
        start = _format_date(s.start_date, language)
        if s.start_date == s.end_date:
            when = _("on %(date)s", date=start)
        else:
            when = _("from %(start)s to %(end)s", start=start,
                     end=_format_date(s.end_date, language))
        # The Arabic form of the place where the snapshot has one (bilingual layout).
        place = s.issue_place_ar if language == "ar" and s.issue_place_ar else s.issue_place
        contribution = ""
        if s.contribution:
            contribution = _("Contribution: %(contribution)s",
                             contribution=iso(s.contribution))
        return CertificateTexts(
            language=language,
            direction=direction,
            title=title,
            presented=_("This certificate is proudly presented to"),
            body=(lead, project, where, when),
            contribution=contribution,
            issued=_("Issued in %(place)s on %(date)s", place=iso(place),
                     date=_format_date(s.issue_date, language)),
            serial_label=_("Serial number"),
            verify_label=_("Verify this certificate at"),
        )


# --------------------------------------------------------------------------- QR code

#: The light-dark pattern of ReportLab's rule 3, one byte per module.
_FINDER_LIKE = bytes([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0])
_RUN_RE = re.compile(b"\x00{5,}|\x01{5,}")
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def qr_penalty(modules: list[list[bool]]) -> int:
    """Mask penalty of a QR symbol, equal to ReportLab's ``QRUtil.getLostPoint``.

    The rules of ISO/IEC 18004 §7.8.3 as ReportLab implements them: runs of five or
    more same-coloured modules in a row or column (length - 2 each), 2x2 blocks of one
    colour (3 each), the finder-like pattern "1011101" followed by four light modules
    (40 each; ReportLab compares its column tuples with a list, so in effect it scans
    rows only, and so does this function), and the balance of dark modules (10 per 5 %
    away from half). Works on bytes and integers, several times faster than
    ReportLab's lists, so choosing the best of the eight masks costs far less.
    """
    size = len(modules)
    rows = [bytes(row) for row in modules]
    score = 0
    for line in rows + [bytes(column) for column in zip(*rows, strict=True)]:
        for run in _RUN_RE.finditer(line):
            score += run.end() - run.start() - 2
    last = size - len(_FINDER_LIKE)
    for line in rows:
        position = line.find(_FINDER_LIKE)
        while 0 <= position < last:
            score += 40
            position = line.find(_FINDER_LIKE, position + len(_FINDER_LIKE))
    full = (1 << (size - 1)) - 1  # pairs of horizontally adjacent modules
    values = [int(row.translate(_DIGITS), 2) for row in rows]
    for upper, lower in itertools.pairwise(values):
        same = ~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1)) & ~(upper ^ lower) & full
        score += 3 * same.bit_count()
    dark = sum(map(sum, rows))
    return score + 10 * (abs(100 * dark // (size * size) - 50) // 5)


class _QRCode(QRCode):
    """ReportLab's encoder with the equivalent, faster :func:`qr_penalty`."""

    def getBestMaskPattern(self) -> int:  # noqa: N802 (ReportLab's name)
        best, best_score = 0, None
        for mask in range(8):
            self.makeImpl(True, mask)
            score = qr_penalty(self.modules)
            if best_score is None or score < best_score:
                best, best_score = mask, score
        return best


def qr_matrix(data: str) -> list[list[bool]]:
    """Return the QR code of ``data`` as rows of booleans (True = dark module).

    Error correction level M (15 %), smallest version that fits, mask chosen by the
    penalty rules of ISO/IEC 18004 (ReportLab's encoder, :func:`qr_penalty`). Raises
    :class:`ValueError` if the data does not fit in a version-40 symbol.
    """
    code = _QRCode(None, QRErrorCorrectLevel.M)
    code.addData(data)
    code.make()
    return [list(row) for row in code.modules]


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float,
            color: Color = INK, matrix: list[list[bool]] | None = None) -> None:
    """Draw the QR code of ``data`` in the square of side ``size`` at (``x``, ``y``).

    The square includes the 4-module quiet zone required by ISO/IEC 18004, painted
    white. Dark modules are merged into horizontal runs and written as one filled path
    in module units (integers) under a scaling transform: far cheaper than ReportLab's
    ``QrCodeWidget``, which makes one shape object per module, and than formatting
    every coordinate as a float. ``matrix`` may pass an already computed
    :func:`qr_matrix` of ``data``.
    """
    matrix = matrix or qr_matrix(data)
    count = len(matrix)
    module = size / (count + 8)
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(color)
    # Origin at the top-left module, one unit per module, y growing downwards.
    canvas.translate(x + 4 * module, y + size - 4 * module)
    canvas.scale(module, -module)
    operators = []
    for row_index, row in enumerate(matrix):
        col = 0
        while col < count:
            if row[col]:
                end = col
                while end < count and row[end]:
                    end += 1
                # 1.05 high: rows overlap slightly, hiding seams some viewers draw.
                operators.append(f"{col} {row_index} {end - col} 1.05 re")
                col = end
            else:
                col += 1
    operators.append("f")
    canvas.addLiteral("\n".join(operators))
    canvas.restoreState()


# --------------------------------------------------------------------------- builder

def _star(canvas: Canvas, cx: float, cy: float, radius: float, *, stroke: Color,
          fill: Color, line_width: float = 0.8) -> None:
    """Draw an eight-pointed star (khatam: two squares, one turned 45°) centred at cx, cy."""
    canvas.setStrokeColor(stroke)
    canvas.setFillColor(fill)
    canvas.setLineWidth(line_width)
    for turn in (0.0, math.pi / 4):
        path = canvas.beginPath()
        for corner in range(4):
            angle = turn + math.pi / 4 + corner * math.pi / 2
            px, py = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            if corner == 0:
                path.moveTo(px, py)
            else:
                path.lineTo(px, py)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)


class CertificateBuilder:
    """Draw one certificate on a fresh canvas; :meth:`build` returns the PDF bytes.

    A plain class so that a report builder can reuse its pieces (frame, QR block).
    ``snapshot`` is read only. Units are points.
    """

    margin = 62.0  # inner content edge, from the page edge

    def __init__(self, snapshot: CertificateSnapshot) -> None:
        self.snapshot = snapshot
        self.left = self.margin
        self.right = PAGE_WIDTH - self.margin
        self.width = self.right - self.left
        self.center = PAGE_WIDTH / 2

    def build(self) -> bytes:
        """Render the page and return the PDF document as bytes (always one page)."""
        s = self.snapshot
        languages = ("fr", "ar") if s.bilingual else (s.language,)
        texts = {language: certificate_texts(s, language) for language in languages}
        primary = texts["ar" if s.bilingual else s.language]
        buffer = io.BytesIO()
        # initialFontName: otherwise ReportLab references (unembedded) Helvetica.
        canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1,
                        pageCompression=1, lang="ar" if s.bilingual else s.language,
                        initialFontName=fonts.LATIN)
        canvas.setTitle(f"{primary.title} — {s.volunteer_name}")
        canvas.setAuthor(s.association_name)
        canvas.setSubject(s.serial)
        canvas.setCreator("aljisr")
        # Info dictionary dates (PDF 32000-1 §7.9.4 allows a date without time or zone): the
        # issue date, a fact of the snapshot, rather than invariant mode's fixed 2000-01-01.
        issued = f"D:{s.issue_date:%Y%m%d}"
        canvas.setDateFormatter(lambda *_now: issued)
        self.draw_frame(canvas)
        y = self.draw_header(canvas, texts)
        y = self.draw_name(canvas, texts, y)
        self.draw_body(canvas, texts, top=y, bottom=178.0)
        self.draw_footer(canvas, texts)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    # -- pieces -------------------------------------------------------------------

    def draw_frame(self, canvas: Canvas) -> None:
        """Paper tone, teal outer border, gold double rule, stars in the corners."""
        canvas.setFillColor(PAPER)
        canvas.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
        canvas.setStrokeColor(TEAL)
        canvas.setLineWidth(6)
        canvas.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36, stroke=1, fill=0)
        canvas.setStrokeColor(GOLD)
        canvas.setLineWidth(1.4)
        canvas.rect(28, 28, PAGE_WIDTH - 56, PAGE_HEIGHT - 56, stroke=1, fill=0)
        canvas.setLineWidth(0.5)
        canvas.rect(33, 33, PAGE_WIDTH - 66, PAGE_HEIGHT - 66, stroke=1, fill=0)
        for cx in (30.5, PAGE_WIDTH - 30.5):
            for cy in (30.5, PAGE_HEIGHT - 30.5):
                _star(canvas, cx, cy, 13, stroke=GOLD, fill=PAPER, line_width=1.2)
                _star(canvas, cx, cy, 6.5, stroke=TEAL, fill=TEAL, line_width=0.5)

    def _ornament(self, canvas: Canvas, y: float, half_width: float = 70.0) -> None:
        """A gold rule with a small star in the middle, centred on the page at ``y``."""
        canvas.setStrokeColor(GOLD)
        canvas.setLineWidth(0.8)
        canvas.line(self.center - half_width, y, self.center - 9, y)
        canvas.line(self.center + 9, y, self.center + half_width, y)
        _star(canvas, self.center, y, 5, stroke=GOLD, fill=GOLD_LIGHT, line_width=0.6)

    def draw_header(self, canvas: Canvas, texts: dict[str, CertificateTexts]) -> float:
        """Association name, title(s) and the "presented to" line; return the y below."""
        s = self.snapshot
        canvas.setFillColor(TEAL)
        association = fit_text(s.association_name, self.width - 80, max_size=15,
                               min_size=10, max_lines=2, bold=True)
        y = draw_fitted(canvas, association, self.center, PAGE_HEIGHT - 56, bold=True)
        self._ornament(canvas, y - 6)
        canvas.setFillColor(TEAL)
        y -= 16
        if s.bilingual:
            ar = fit_text(texts["ar"].title, self.width, max_size=32, min_size=20,
                          max_lines=1, bold=True, direction="rtl")
            fr = fit_text(texts["fr"].title, self.width, max_size=24, min_size=16,
                          max_lines=1, bold=True, direction="ltr")
            y = draw_fitted(canvas, ar, self.center, y, bold=True) - 2
            y = draw_fitted(canvas, fr, self.center, y, bold=True)
            canvas.setFillColor(MUTED)
            half = self.width / 2
            fr_line = fit_text(texts["fr"].presented, half - 20, max_size=12, min_size=8,
                               max_lines=1, direction="ltr")
            ar_line = fit_text(texts["ar"].presented, half - 20, max_size=13, min_size=8,
                               max_lines=1, direction="rtl")
            top = y - 6
            bottom_fr = draw_fitted(canvas, fr_line, self.left + half / 2, top)
            bottom_ar = draw_fitted(canvas, ar_line, self.right - half / 2, top)
            return min(bottom_fr, bottom_ar)
        t = texts[s.language]
        title = fit_text(t.title, self.width, max_size=34, min_size=20, max_lines=2,
                         bold=True, direction=t.direction)
        y = draw_fitted(canvas, title, self.center, y - 4, bold=True)
        canvas.setFillColor(MUTED)
        presented = fit_text(t.presented, self.width, max_size=13, min_size=9,
                             max_lines=2, direction=t.direction)
        return draw_fitted(canvas, presented, self.center, y - 8)

    def draw_name(self, canvas: Canvas, texts: dict[str, CertificateTexts],
                  top: float) -> float:
        """The volunteer's name as large as fits (max 2 lines), the Arabic spelling
        under it if given, and a gold rule; return the y below."""
        s = self.snapshot
        canvas.setFillColor(INK)
        name = fit_text(s.volunteer_name, self.width - 60, max_size=38, min_size=24,
                        max_lines=3, max_height=82, bold=True)
        draw_fitted(canvas, name, self.center, top - 10, bold=True)
        # Below the deepest descender (Arabic tails reach far below the baseline).
        y = top - 10 - name.last_baseline_offset - name.depth
        if s.volunteer_name_ar and s.volunteer_name_ar != s.volunteer_name:
            canvas.setFillColor(TEAL)
            other = fit_text(s.volunteer_name_ar, self.width - 120, max_size=20, min_size=12,
                             max_lines=1, bold=True)
            draw_fitted(canvas, other, self.center, y + 2, bold=True)
            y = y + 2 - other.last_baseline_offset - other.depth
        self._ornament(canvas, y - 3, half_width=150)
        return y - 11

    def _fit_block(self, paragraphs: list[str], width: float, height: float,
                   direction: str, max_size: float) -> list[FittedText]:
        """Fit paragraphs at one common size (``max_size`` down to 6 pt) into the box.

        Shrinking by up to 2 pt is preferred to wrapping a paragraph.
        """
        size = max_size
        while True:
            fitted = [fit_text(p, width, max_size=size, min_size=size, max_lines=99,
                               direction=direction, floor_size=size, leading=1.3)
                      for p in paragraphs if p]
            total = sum(f.height for f in fitted) + 2 * (len(fitted) - 1)
            wrapped = any(len(f.lines) > 1 for f in fitted)
            if (total <= height and (not wrapped or size <= max_size - 2)) or size <= 6:
                return fitted
            size -= 0.5

    def _draw_block(self, canvas: Canvas, texts: CertificateTexts, x: float,
                    width: float, top: float, bottom: float, max_size: float) -> None:
        """Draw one language's body centred on ``x``, vertically centred in the box."""
        paragraphs = list(texts.body)
        fitted = self._fit_block(paragraphs + [texts.contribution], width, top - bottom,
                                 texts.direction, max_size)
        total = sum(f.height for f in fitted) + 2 * (len(fitted) - 1)
        y = top - max(0.0, (top - bottom - total) / 2)
        for index, block in enumerate(fitted):
            is_contribution = texts.contribution and index == len(fitted) - 1
            canvas.setFillColor(MUTED if is_contribution else INK)
            y = draw_fitted(canvas, block, x, y) - 2

    def draw_body(self, canvas: Canvas, texts: dict[str, CertificateTexts], *,
                  top: float, bottom: float) -> None:
        """What, where, when and how much, in one or two (bilingual) columns."""
        s = self.snapshot
        if not s.bilingual:
            self._draw_block(canvas, texts[s.language], self.center, self.width - 80,
                             top, bottom, 15.5)
            return
        half = self.width / 2
        self._draw_block(canvas, texts["fr"], self.left + half / 2, half - 30, top, bottom,
                         13.5)
        self._draw_block(canvas, texts["ar"], self.right - half / 2, half - 30, top, bottom,
                         14.5)
        canvas.setStrokeColor(GOLD_LIGHT)
        canvas.setLineWidth(0.8)
        canvas.line(self.center, bottom + 8, self.center, top - 8)

    def draw_footer(self, canvas: Canvas, texts: dict[str, CertificateTexts]) -> None:
        """Issue place/date and signatory on the start side, seal, QR block on the end side."""
        s = self.snapshot
        rtl = s.bilingual or s.language == "ar"
        column = 250.0
        sign_x = self.right - column / 2 if rtl else self.left + column / 2
        # Place and date of issue, signature line, name and role.
        canvas.setFillColor(INK)
        y = 150.0
        for language in (("fr", "ar") if s.bilingual else (s.language,)):
            t = texts[language]
            issued = fit_text(t.issued, column, max_size=11, min_size=7, max_lines=2,
                              direction=t.direction)
            y = draw_fitted(canvas, issued, sign_x, y)
        canvas.setStrokeColor(GOLD)
        canvas.setLineWidth(0.8)
        line_y = 96.0
        canvas.line(sign_x - 95, line_y, sign_x + 95, line_y)
        canvas.setFillColor(INK)
        signatory = fit_text(s.signatory_name, column, max_size=12, min_size=8, max_lines=1,
                             bold=True)
        y = draw_fitted(canvas, signatory, sign_x, line_y - 4, bold=True)
        if s.signatory_role:
            canvas.setFillColor(MUTED)
            role = fit_text(s.signatory_role, column, max_size=10, min_size=7, max_lines=2)
            draw_fitted(canvas, role, sign_x, y)
        self.draw_seal(canvas, self.center, 100)
        self.draw_verification(canvas, texts, rtl)

    def draw_seal(self, canvas: Canvas, cx: float, cy: float) -> None:
        """A gold rosette (concentric rings around a star), purely decorative."""
        canvas.setStrokeColor(GOLD)
        canvas.setFillColor(PAPER)
        canvas.setLineWidth(1.6)
        canvas.circle(cx, cy, 34, stroke=1, fill=1)
        canvas.setLineWidth(0.6)
        canvas.circle(cx, cy, 30, stroke=1, fill=0)
        canvas.setDash(1.2, 2.2)
        canvas.circle(cx, cy, 26, stroke=1, fill=0)
        canvas.setDash()
        _star(canvas, cx, cy, 18, stroke=GOLD, fill=GOLD_LIGHT, line_width=0.8)
        _star(canvas, cx, cy, 8, stroke=TEAL, fill=TEAL, line_width=0.5)

    def draw_verification(self, canvas: Canvas, texts: dict[str, CertificateTexts],
                          rtl: bool) -> None:
        """QR code of the verification URL at the end side, serial and URL beside it."""
        s = self.snapshot
        matrix = qr_matrix(s.verification_url)
        # At least 2 pt (0.7 mm) per module, so phones read it; a long URL grows the
        # code up to 110 pt rather than shrinking its modules (a 45-character URL:
        # 33 modules + quiet zone = 84 pt).
        qr_size = min(110.0, max(84.0, (len(matrix) + 8) * 2.0))
        qr_y = 52.0
        qr_x = self.left - 6 if rtl else self.right - qr_size + 6
        draw_qr(canvas, s.verification_url, qr_x, qr_y, qr_size, matrix=matrix)
        text_width = 165.0
        # Text sits against the QR code: to its right in RTL, to its left in LTR.
        edge = qr_x + qr_size + 4 if rtl else qr_x - 4
        align = "left" if rtl else "right"
        languages = ("fr", "ar") if s.bilingual else (s.language,)

        def label(text: str, direction: str, size: float, top: float, *,
                  bold: bool = False) -> float:
            fitted = fit_text(text, text_width, max_size=size, min_size=5.5, max_lines=2,
                              bold=bold, direction=direction)
            return draw_fitted(canvas, fitted, edge, top, bold=bold, align=align)

        y = qr_y + qr_size - 4
        canvas.setFillColor(MUTED)
        for language in languages:
            y = label(texts[language].serial_label, texts[language].direction, 7.5, y)
        canvas.setFillColor(INK)
        y = label(s.serial, "ltr", 11, y, bold=True) - 4
        canvas.setFillColor(MUTED)
        for language in languages:
            y = label(texts[language].verify_label, texts[language].direction, 7, y)
        canvas.setFillColor(TEAL)
        url = fit_text(s.verification_url, text_width, max_size=7.5, min_size=6,
                       max_lines=3, direction="ltr")
        draw_fitted(canvas, url, edge, y, align=align)


def render_certificate(snapshot: CertificateSnapshot) -> bytes:
    """Return the certificate described by ``snapshot`` as a one-page PDF (bytes).

    A4 landscape, fonts embedded (subsets), QR code to ``snapshot.verification_url``.
    Deterministic: the same snapshot always gives identical bytes. Registers the
    bundled fonts on first use (see :mod:`aljisr.pdf.fonts`).
    """
    fonts.register_fonts((fonts.LATIN, fonts.LATIN_BOLD, fonts.ARABIC, fonts.ARABIC_BOLD))
    return CertificateBuilder(snapshot).build()
