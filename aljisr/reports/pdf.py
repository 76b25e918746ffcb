"""The report PDF (A4 portrait, ReportLab platypus) built from a
:class:`~aljisr.reports.queries.Report`.

Pure: a report in, bytes out, no database or request; headings go through gettext, so build
it inside the request whose language it should use. Contents, in order: title, organisation
and period; a summary (volunteers, placements, placement days, approved hours); a bar chart
of approved hours (by project, or by theme for the annual report); one table per breakdown
(project, site, nationality, or theme, SDG, site) with a total line when the groups add up;
and, for an organisation, one row per placement. Tables repeat their header row on each page
they run onto (``repeatRows=1``) and wrap long text inside their cells.

Numbers and dates are written in the interface language through :mod:`aljisr.i18n`: hours
with two decimals and counts with the locale's grouping (``1 234,50`` in French), in the
chart as in the tables; placement dates in the medium format of the web page (``30 sept.
2026``). A column is made at least as wide as the longest word of its header (taken from the
widest, flexible column), so a header such as "Heures approuvées" wraps between its words,
never inside one.

Every piece of text, user-entered or translated, is drawn by
:class:`aljisr.pdf.flowables.TextBlock`, which shapes Arabic, reorders bidirectional text and
picks a font that has the glyphs (DejaVu Sans, Amiri, Droid Sans Fallback); it draws plain
strings, never markup, so names like ``<b>`` or ``&`` print as typed. For a right-to-left
interface language the table columns run right to left and text aligns to the right, and the
chart is mirrored as on the web page: labels on the right, bars growing leftwards, the value
axis running from 0 on the right.

Every font is embedded (ReportLab would otherwise name its unembedded Helvetica as the
document's, the tables' and the chart's initial font), as in certificates.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from aljisr.i18n import _, format_date, format_decimal, ngettext
from aljisr.pdf import fonts
from aljisr.pdf.flowables import TextBlock, truncate
from aljisr.pdf.text import draw_text, isolate, text_width
from aljisr.reports.queries import Breakdown, Report, Totals

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN

TEAL = colors.HexColor("#0F4C4A")
TEAL_LIGHT = colors.HexColor("#DCE9E8")
STRIPE = colors.HexColor("#F4F7F7")
INK = colors.HexColor("#1F2A30")
MUTED = colors.HexColor("#56646B")
RULE = colors.HexColor("#C9D3D6")

#: Bars in the chart at most; the rest are left out (the title says so).
CHART_MAX_BARS = 15


#: Table header text size and a cell's left plus right padding, in points.
HEADER_SIZE = 7.5
CELL_PADDING = 6.0


def _hours(value: Decimal | float) -> str:
    """Hours with two decimals in the interface language ("1,234.50", "1 234,50")."""
    return format_decimal(value, "#,##0.00")


def _count(value: int) -> str:
    return format_decimal(value, "#,##0")


def _axis_number(value: float) -> str:
    """A value-axis tick in the interface language, decimals only when it has some."""
    return format_decimal(value, "#,##0.##")


class _Layout:
    """Direction-dependent choices: column order and text alignment."""

    def __init__(self, direction: str) -> None:
        self.direction = "rtl" if direction == "rtl" else "ltr"
        self.rtl = self.direction == "rtl"
        self.start = "right" if self.rtl else "left"
        self.end = "left" if self.rtl else "right"

    def order(self, cells: Sequence[Any]) -> list[Any]:
        return list(reversed(cells)) if self.rtl else list(cells)

    def label(self, text: str, size: float, **options: Any) -> TextBlock:
        """Translated text: laid out in the document's direction (user values inside it
        are :func:`~aljisr.pdf.text.isolate`-d), aligned to its start unless told."""
        options.setdefault("align", self.start)
        return TextBlock(text, size, direction=self.direction, **options)


# --------------------------------------------------------------------------- chart


class HoursChart(Flowable):
    """Horizontal bars of approved hours per group, largest on top.

    The bars, value axis and bar values are a ReportLab ``HorizontalBarChart``; the category
    labels (project titles, themes: any script) are drawn beside each bar with
    :func:`aljisr.pdf.text.draw_text`, cut with an ellipsis to ``label_width`` points.
    """

    BAR_PITCH = 16.0
    AXIS_ROOM = 16.0

    def __init__(self, items: Sequence[tuple[str, Decimal]], width: float,
                 label_width: float, layout: _Layout) -> None:
        super().__init__()
        self.items = list(items)
        self.width = width
        self.label_width = label_width
        self.layout = layout
        self.height = len(self.items) * self.BAR_PITCH + self.AXIS_ROOM + 4

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def _drawing(self, plot_width: float) -> Drawing:
        rtl = self.layout.rtl
        values = [float(value) for _label, value in reversed(self.items)]
        drawing = Drawing(plot_width, self.height)
        drawing.initialFontName = fonts.register_font(fonts.LATIN)  # not Helvetica (unembedded)
        chart = HorizontalBarChart()
        chart.y = self.AXIS_ROOM
        # room for the value printed past the longest bar ("1 234,50")
        room = max(36.0, max(text_width(_hours(value), 7) for _label, value in self.items) + 8)
        chart.width = plot_width - room
        # right to left: bars grow leftwards from the labels, the value axis runs from 0 on
        # the right (as the web page's bars do), each value printed past its bar's left end
        chart.x = room if rtl else 0
        chart.height = len(self.items) * self.BAR_PITCH
        chart.data = [values]
        chart.barWidth = self.BAR_PITCH * 0.6
        chart.groupSpacing = self.BAR_PITCH * 0.4
        chart.bars[0].fillColor = TEAL
        chart.bars[0].strokeColor = None
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = max(values + [1.0]) * 1.05
        chart.valueAxis.labels.fontName = fonts.register_font(fonts.LATIN)
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.strokeColor = RULE
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = STRIPE
        chart.categoryAxis.visibleLabels = False
        chart.categoryAxis.visibleTicks = False
        chart.categoryAxis.strokeColor = RULE
        chart.valueAxis.labelTextFormat = _axis_number
        chart.barLabelFormat = _hours  # as in the tables: "158,00", not "158.0"
        chart.barLabels.fontName = fonts.LATIN
        chart.barLabels.fontSize = 7
        chart.valueAxis.reverseDirection = rtl
        chart.categoryAxis.joinAxis = chart.valueAxis
        chart.categoryAxis.joinAxisMode = "value"  # the baseline sits at 0, on the right in RTL
        # ReportLab flips the anchor and offset of a bar drawn leftwards (a reversed axis)
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        chart.barLabels.fillColor = INK
        if rtl:
            # ... but not one of no length, which is not "drawn leftwards": its value would
            # sit right of the baseline, on the category label; set it left, as the others
            for index, value in enumerate(values):
                if value == 0:
                    chart.barLabels[(0, index)].boxAnchor = "e"
                    chart.barLabels[(0, index)].dx = -3
        drawing.add(chart)
        return drawing

    def draw(self) -> None:
        canvas = self.canv
        plot_width = self.width - self.label_width - 6
        plot_x = 0 if self.layout.rtl else self.label_width + 6
        renderPDF.draw(self._drawing(plot_width), canvas, plot_x, 0)
        canvas.saveState()
        canvas.setFillColor(INK)
        label_x = self.width if self.layout.rtl else self.label_width
        align = "right"
        if self.layout.rtl:
            label_x, align = self.width - self.label_width, "left"
        for index, (label, _value) in enumerate(self.items):
            middle = self.AXIS_ROOM + (len(self.items) - index - 0.5) * self.BAR_PITCH
            text = truncate(label, self.label_width, 8)
            draw_text(canvas, text, label_x, middle - 3, 8, align=align)
        canvas.restoreState()


# --------------------------------------------------------------------------- tables


def _cell(text: str, layout: _Layout, *, numeric: bool = False, bold: bool = False,
          size: float = 8, color: colors.Color = INK) -> TextBlock:
    return TextBlock(text, size, bold=bold, align=layout.end if numeric else layout.start,
                     color=color)


def _longest_word(text: str, size: float, bold: bool = False) -> float:
    """Width in points of the widest space-separated word of ``text`` at ``size``."""
    return max((text_width(word, size, bold) for word in text.split()), default=0.0)


def fit_widths(header: Sequence[str], widths: Sequence[float], flexible: int = 0,
               minimums: Sequence[float] | None = None) -> list[float]:
    """Column widths (points) so that no header word has to be cut.

    Each column gets at least the width of the longest word of its ``header`` title (bold,
    :data:`HEADER_SIZE`) plus :data:`CELL_PADDING` and half a point of slack, and at least its
    ``minimums`` entry; the extra is taken from column ``flexible`` (the one holding long free
    text), which keeps at least its own minimum. The total stays the same unless that minimum
    forbids it.
    """
    fitted = list(widths)
    floors = [_longest_word(title, HEADER_SIZE, bold=True) + CELL_PADDING + 0.5
              for title in header]
    if minimums is not None:
        floors = [max(floor, minimum) for floor, minimum in zip(floors, minimums, strict=True)]
    for index, floor in enumerate(floors):
        if index != flexible and fitted[index] < floor:
            fitted[flexible] -= floor - fitted[index]
            fitted[index] = floor
    fitted[flexible] = max(fitted[flexible], floors[flexible])
    return fitted


def _table_font() -> tuple[Any, ...]:
    """Tables set their cells' font even when every cell is a flowable: name an embedded face,
    not ReportLab's default Helvetica (which PDFs do not embed)."""
    return ("FONTNAME", (0, 0), (-1, -1), fonts.register_font(fonts.LATIN))


def _table(header: Sequence[str], body: Sequence[Sequence[TextBlock]], widths: Sequence[float],
           layout: _Layout, *, total_row: bool = False, numeric_from: int = 1,
           flexible: int = 0, minimums: Sequence[float] | None = None) -> Table:
    """A table with a teal header (repeated on each page), zebra stripes, and cells that wrap.

    ``widths`` are widened where a header word would not fit or below ``minimums``
    (:func:`fit_widths`), taking the room from column ``flexible``."""
    widths = fit_widths(header, widths, flexible, minimums)
    head = [layout.label(title, HEADER_SIZE, bold=True, color=colors.white,
                         align=layout.end if i >= numeric_from else layout.start)
            for i, title in enumerate(header)]
    data = [layout.order(head)] + [layout.order(row) for row in body]
    style = [
        _table_font(),
        ("BACKGROUND", (0, 0), (-1, 0), TEAL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
    ]
    if total_row:
        style += [("BACKGROUND", (0, -1), (-1, -1), TEAL_LIGHT),
                  ("LINEABOVE", (0, -1), (-1, -1), 0.8, TEAL)]
    return Table(data, colWidths=layout.order(widths), repeatRows=1, style=TableStyle(style),
                 hAlign="RIGHT" if layout.rtl else "LEFT")


def _totals_cells(totals: Totals, layout: _Layout, bold: bool = False) -> list[TextBlock]:
    return [_cell(_count(totals.volunteers), layout, numeric=True, bold=bold),
            _cell(_count(totals.placements), layout, numeric=True, bold=bold),
            _cell(_count(totals.placement_days), layout, numeric=True, bold=bold),
            _cell(_hours(totals.approved_hours), layout, numeric=True, bold=bold)]


def _breakdown_table(breakdown: Breakdown, totals: Totals, layout: _Layout) -> Table:
    numbers = 22 * mm
    header = [breakdown.column, _("Volunteers"), _("Placements"), _("Placement days"),
              _("Approved hours")]
    body = [[_cell(group.label, layout), *_totals_cells(group.totals, layout)]
            for group in breakdown.rows]
    total = breakdown.additive and bool(breakdown.rows)
    if total:
        body.append([_cell(_("Total"), layout, bold=True), *_totals_cells(totals, layout, True)])
    return _table(header, body, [FRAME_WIDTH - 4 * numbers] + [numbers] * 4, layout,
                  total_row=total)


def _rows_table(report: Report, layout: _Layout) -> Table:
    header = [_("Volunteer"), _("Nationality"), _("Project"), _("Site"), _("Dates"),
              _("Days in period"), _("Approved hours")]
    widths = [34 * mm, 20 * mm, 50 * mm, 27 * mm, 18 * mm, 14 * mm, 17 * mm]
    widths[2] += FRAME_WIDTH - sum(widths)
    # dates as on the web page ("30 sept. 2026"), the column as wide as the widest one
    dates = {day: format_date(day, "medium") for row in report.rows
             for day in (row.start, row.end)}
    minimums = [0.0] * len(widths)
    minimums[4] = CELL_PADDING + 0.5 + max(
        (text_width(text, 7.5) for text in set(dates.values())), default=0.0)
    body = [[
        _cell(row.volunteer, layout),
        _cell(row.nationality, layout),
        _cell(row.project, layout),
        _cell(row.site, layout),
        _cell(f"{dates[row.start]}\n{dates[row.end]}", layout, size=7.5),
        _cell(_count(row.days_in_period), layout, numeric=True),
        _cell(_hours(row.approved_hours), layout, numeric=True),
    ] for row in report.rows]
    return _table(header, body, widths, layout, numeric_from=5, flexible=2, minimums=minimums)


def _summary(totals: Totals, layout: _Layout) -> Table:
    figures = [(_count(totals.volunteers), _("Volunteers")),
               (_count(totals.placements), _("Placements")),
               (_count(totals.placement_days), _("Placement days")),
               (_hours(totals.approved_hours), _("Approved hours"))]
    cells = [[TextBlock(value, 16, bold=True, align="center", color=TEAL),
              layout.label(label, 8, align="center", color=MUTED)] for value, label in figures]
    width = FRAME_WIDTH / 4
    return Table([layout.order(cells)], colWidths=[width] * 4, style=TableStyle([
        _table_font(),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, -1), STRIPE),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))


# --------------------------------------------------------------------------- document


def _period_text(report: Report) -> str:
    """The period line in the interface language, e.g. "1 January 2026 to 30 June 2026
    inclusive (181 days)" (singular for a one-day period, counts grouped as numbers)."""
    return ngettext("%(start)s to %(end)s inclusive (%(days)s day)",
                    "%(start)s to %(end)s inclusive (%(days)s days)", report.period.days,
                    start=isolate(format_date(report.period.start, "long")),
                    end=isolate(format_date(report.period.end, "long")),
                    days=_count(report.period.days))


def _heading(text: str, layout: _Layout) -> TextBlock:
    return layout.label(text, 12, bold=True, color=TEAL, space_before=10, space_after=4)


def _page_decorations(report: Report, association: str, generated: date,
                      layout: _Layout) -> Callable[[Any, Any], None]:
    footer = f"{report.title} · {isolate(report.subject, layout.direction)}"
    stamp = _("Generated on %(date)s", date=isolate(format_date(generated, "long")))
    direction = layout.direction

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top = PAGE_HEIGHT - MARGIN + 6
        canvas.line(MARGIN, top - 3, PAGE_WIDTH - MARGIN, top - 3)
        start_x = PAGE_WIDTH - MARGIN if layout.rtl else MARGIN
        end_x = MARGIN if layout.rtl else PAGE_WIDTH - MARGIN
        draw_text(canvas, truncate(association, FRAME_WIDTH * 0.6, 7), start_x, top, 7,
                  align=layout.start)
        draw_text(canvas, stamp, end_x, top, 7, align=layout.end, direction=direction)
        bottom = MARGIN - 10
        canvas.line(MARGIN, bottom + 9, PAGE_WIDTH - MARGIN, bottom + 9)
        draw_text(canvas, truncate(footer, FRAME_WIDTH * 0.75, 7, direction=direction),
                  start_x, bottom, 7, align=layout.start, direction=direction)
        draw_text(canvas, _("Page %(number)s", number=doc.page), end_x, bottom, 7,
                  align=layout.end, direction=direction)
        canvas.restoreState()

    return decorate


def report_pdf(report: Report, *, association: str, generated: date,
               direction: str = "ltr") -> bytes:
    """Render ``report`` as an A4 PDF and return its bytes.

    ``association`` is printed at the top of each page, ``generated`` is the date printed
    as the generation date, ``direction`` the interface language's (``"ltr"``/``"rtl"``).
    """
    layout = _Layout(direction)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 6,
        bottomMargin=MARGIN + 4, title=f"{report.title} – {report.subject}",
        author=association, creator="Al Jisr", invariant=1,
        # every font embedded: otherwise ReportLab references (unembedded) Helvetica
        initialFontName=fonts.register_font(fonts.LATIN),
    )
    story: list[Flowable] = [
        layout.label(report.title, 20, bold=True, color=TEAL),
        Spacer(1, 4),
        TextBlock(report.subject, 14, bold=True, align=layout.start),
        layout.label(report.subject_kind, 9, color=MUTED),
        layout.label(_period_text(report), 10, space_before=4),
        Spacer(1, 8),
        _summary(report.totals, layout),
    ]
    story += _chart(report, layout)
    for breakdown in report.breakdowns:
        story.append(CondPageBreak(40 * mm))
        story.append(_heading(breakdown.title, layout))
        if breakdown.rows:
            story.append(_breakdown_table(breakdown, report.totals, layout))
            if not breakdown.additive:
                story.append(layout.label(
                    _("A placement counts under every goal of its project, so these lines "
                      "do not add up to the totals."), 7.5, color=MUTED, space_before=3))
        else:
            story.append(layout.label(_("No placements in this period."), 9, color=MUTED))
    if report.show_rows:
        story.append(CondPageBreak(40 * mm))
        story.append(_heading(_("Placements"), layout))
        if report.rows:
            story.append(_rows_table(report, layout))
        else:
            story.append(layout.label(_("No placements in this period."), 9, color=MUTED))
    decorate = _page_decorations(report, association, generated, layout)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _chart(report: Report, layout: _Layout) -> list[Flowable]:
    breakdown = report.chart
    if breakdown is None or not breakdown.rows:
        return []
    ranked = sorted(breakdown.rows, key=lambda g: (-g.totals.approved_hours, g.label))
    shown = ranked[:CHART_MAX_BARS]
    subtitle = breakdown.title
    if len(ranked) > len(shown):
        subtitle = _("%(breakdown)s: the %(count)s with the most hours",
                     breakdown=breakdown.title, count=len(shown))
    chart = HoursChart([(g.label, g.totals.approved_hours) for g in shown], FRAME_WIDTH,
                       FRAME_WIDTH * 0.42, layout)
    return [KeepTogether([
        _heading(_("Approved hours"), layout),
        layout.label(subtitle, 8, color=MUTED, space_after=4),
        chart,
    ])]
