"""The pre-arrival infosheet: one A4 PDF per placement, in the volunteer's language.

:func:`build_infosheet` gathers what it prints from the placement, its site and project (the
logistics coordinators keep on them), the arrival details and the association's settings, as
plain frozen data, in the current language (call it inside ``force_locale``);
:func:`infosheet_pdf` draws that data with ReportLab and returns bytes, with no database or
request. Every text is drawn by :class:`aljisr.pdf.flowables.TextBlock` (Arabic shaped,
bidirectional text reordered by UAX #9, a covering face per run), right to left for Arabic:
labels on the right, text aligned right.

The national emergency numbers of Morocco (police 19, Royal Gendarmerie 177 outside towns,
civil protection -- fire and ambulance -- 15, 112 from a mobile phone) are printed on every
sheet, as the Moroccan authorities publish them; the site may add local ones (nearest
hospital). A school's sheet carries the association's code of conduct for working in schools
unless the site gives its own.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from aljisr.arrivals.models import ArrivalDetails
from aljisr.i18n import _, format_date
from aljisr.pdf import fonts
from aljisr.pdf.flowables import TextBlock
from aljisr.pdf.text import draw_text, isolate
from aljisr.sites.models import SiteKind

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_WIDTH = 48 * mm

TEAL = colors.HexColor("#0F4C4A")
TEAL_LIGHT = colors.HexColor("#DCE9E8")
INK = colors.HexColor("#1F2A30")
MUTED = colors.HexColor("#56646B")
RULE = colors.HexColor("#C9D3D6")

#: Site kinds whose sheet carries the code of conduct for working in schools.
SCHOOL_KINDS = frozenset({SiteKind.PRIMARY_SCHOOL, SiteKind.HIGH_SCHOOL, SiteKind.SCHOOL})


def school_code_of_conduct() -> list[str]:
    """The association's code of conduct for working in schools, in the current language."""
    return [
        _("Never be alone with a child in a closed room; keep doors open and another adult "
          "within sight."),
        _("Do not photograph or film pupils, nor post pictures of them, without the school's "
          "written permission."),
        _("Do not give pupils your phone number or connect with them on social networks."),
        _("No physical punishment and no shouting: ask the teacher when a class is hard to "
          "manage."),
        _("Dress modestly (shoulders and knees covered) and do not smoke on the school's "
          "grounds."),
        _("Tell the head teacher and the association's coordinator at once about anything "
          "that worries you about a child's safety."),
    ]


def emergency_numbers() -> list[tuple[str, str]]:
    """Morocco's national emergency numbers: (service, number), in the current language."""
    return [
        (_("Police (in towns)"), "19"),
        (_("Royal Gendarmerie (outside towns)"), "177"),
        (_("Fire and ambulance (civil protection)"), "15"),
        (_("From a mobile phone"), "112"),
    ]


@dataclass(frozen=True)
class Section:
    """A heading and its lines: ``facts`` as (label, value) pairs, then ``paragraphs``."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    bullets: bool = False


@dataclass(frozen=True)
class Infosheet:
    """Everything the sheet prints, already in its language."""

    language: str
    direction: str
    title: str
    association: str
    volunteer: str
    project: str
    site: str
    dates: str
    sections: list[Section]
    generated: str
    file_stem: str


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _time(value: Any) -> str:
    return value.strftime("%H:%M") if value else ""


def _travel(date_value: date | None, time_value: Any, mode: Any, number: str | None) -> str:
    parts = [format_date(date_value, "long") if date_value else "", _time(time_value),
             mode.title if mode else "", number or ""]
    return " · ".join(isolate(p) for p in parts if p)


def build_infosheet(placement: Any, details: ArrivalDetails | None, *, language: str,
                    direction: str, association: str, today: date,
                    association_contact: str | None = None) -> Infosheet:
    """The sheet of ``placement`` in the current language (call inside
    ``force_locale(language)``).

    :param details: its arrival details, or None when none are recorded.
    :param association_contact: the association's own contact lines (``ASSOCIATION_CONTACT``
        setting), printed with the placement's coordinator.
    """
    project, volunteer = placement.project, placement.volunteer
    site = project.site
    site_name = site.name_in(language)
    sections: list[Section] = []

    where: list[tuple[str, str]] = []
    address = ", ".join(p for p in (site.address, site.city, site.region) if p)
    if address:
        where.append((_("Address"), address))
    if site.latitude is not None and site.longitude is not None:
        where.append((_("Coordinates"), f"{site.latitude:.5f}, {site.longitude:.5f}"))
        where.append((_("Map"), site.map_url or ""))
    if site.meeting_point:
        where.append((_("Meeting point"), site.meeting_point))
    points = site.transport_point_list
    if points:
        where.append((_("Nearest airports and stations"), "\n".join(points)))
    sections.append(Section(_("Where you are going"), where or [
        (_("Address"), _("The association will send it to you."))]))

    travel: list[tuple[str, str]] = []
    if details is not None:
        arrival = _travel(details.arrival_date, details.arrival_time, details.arrival_mode,
                          details.arrival_number)
        if arrival:
            travel.append((_("Arrival"), arrival))
        if details.arrival_point:
            travel.append((_("Arrival point"), details.arrival_point))
        if details.arrival_date:
            travel.append((_("Pickup"), _("Someone will meet you at the arrival point.")
                           if details.pickup_needed else _("No pickup asked for.")))
        departure = _travel(details.departure_date, details.departure_time,
                            details.departure_mode, details.departure_number)
        if departure:
            travel.append((_("Departure"), departure))
    if not travel:
        travel.append((_("Arrival"), _("Not given yet: record your arrival and departure in "
                                       "your portal, so that the host can plan your pickup.")))
    sections.append(Section(_("Your travel"), travel))

    work: list[tuple[str, str]] = []
    if project.working_days:
        work.append((_("Working days"), project.working_days))
    if project.working_hours:
        work.append((_("Working hours"), project.working_hours))
    if placement.role:
        work.append((_("Role"), placement.role))
    if work:
        sections.append(Section(_("Work"), work))
    if project.what_to_bring:
        sections.append(Section(_("What to bring"), paragraphs=_lines(project.what_to_bring),
                                bullets=True))
    stay: list[tuple[str, str]] = []
    if site.accommodation:
        stay.append((_("Accommodation"), site.accommodation))
    if site.food:
        stay.append((_("Food"), site.food))
    if stay:
        sections.append(Section(_("Accommodation and food"), stay))

    contacts: list[tuple[str, str]] = []
    host = site.organisation
    if site.host_contact:
        contacts.append((_("Host on site"), site.host_contact))
    elif host is not None:
        line = " · ".join(p for p in (host.contact_name, host.phone, host.email) if p)
        contacts.append((_("Host organisation"), f"{host.name}\n{line}" if line else host.name))
    coordinator = placement.coordinator
    if coordinator is not None:
        contacts.append((_("Your coordinator"),
                         f"{coordinator.display_name}\n{coordinator.email}"))
    association_lines = association + (f"\n{association_contact}" if association_contact
                                       else "")
    contacts.append((_("The association"), association_lines))
    sections.append(Section(_("Contacts"), contacts))

    emergency = [(service, number) for service, number in emergency_numbers()]
    if site.local_emergency:
        emergency.append((_("Near the site"), site.local_emergency))
    if volunteer.emergency_contact_name or volunteer.emergency_contact_phone:
        who = volunteer.emergency_contact_name or ""
        if volunteer.emergency_contact_relation:
            who = f"{who} ({volunteer.emergency_contact_relation})"
        emergency.append((_("Your emergency contact"),
                          "\n".join(p for p in (who, volunteer.emergency_contact_phone) if p)))
    if details is not None and details.insurance_provider:
        insurance = " · ".join(isolate(p) for p in (
            details.insurance_provider, details.insurance_policy,
            _("valid until %(day)s", day=format_date(details.insurance_valid_until, "long"))
            if details.insurance_valid_until else "") if p)
        emergency.append((_("Your insurance"), insurance))
    sections.append(Section(_("In an emergency"), emergency))

    conduct = _lines(site.code_of_conduct)
    if not conduct and site.kind in SCHOOL_KINDS:
        conduct = school_code_of_conduct()
    if conduct:
        sections.append(Section(_("Code of conduct for working in schools")
                                if site.kind in SCHOOL_KINDS else _("Code of conduct"),
                                paragraphs=conduct, bullets=True))

    return Infosheet(
        language=language, direction=direction,
        title=_("Before you arrive"), association=association,
        volunteer=volunteer.full_name, project=project.title_in(language), site=site_name,
        dates=_("From %(start)s to %(end)s", start=isolate(format_date(placement.start_date,
                                                                        "long")),
                end=isolate(format_date(placement.end_date, "long"))),
        sections=sections,
        generated=_("Prepared on %(date)s", date=isolate(format_date(today, "long"))),
        file_stem=_("infosheet"),
    )


class _Layout:
    def __init__(self, direction: str) -> None:
        self.direction = "rtl" if direction == "rtl" else "ltr"
        self.rtl = self.direction == "rtl"
        self.start = "right" if self.rtl else "left"

    def order(self, cells: list[Any]) -> list[Any]:
        """Table cells in reading order: reversed right to left."""
        return list(reversed(cells)) if self.rtl else cells

    def text(self, text: str, size: float, **options: Any) -> TextBlock:
        """Translated text in the sheet's direction, at its start unless told."""
        options.setdefault("align", self.start)
        options.setdefault("color", INK)
        return TextBlock(text, size, direction=self.direction, **options)

    def value(self, text: str, size: float = 9.5) -> TextBlock:
        """A user value: its own direction, aligned to the document's start."""
        return TextBlock(text, size, direction="auto", align=self.start, color=INK)


def _section(section: Section, layout: _Layout) -> Flowable:
    parts: list[Flowable] = [layout.text(section.title, 12, bold=True, color=TEAL,
                                         space_before=9, space_after=3)]
    if section.facts:
        rows = [layout.order([layout.text(label, 9, bold=True, color=MUTED),
                              layout.value(value)]) for label, value in section.facts]
        widths = layout.order([LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH])
        parts.append(Table(rows, colWidths=widths, hAlign="RIGHT" if layout.rtl else "LEFT",
                           style=TableStyle([
                               ("FONTNAME", (0, 0), (-1, -1), fonts.register_font(fonts.LATIN)),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                           ])))
    for paragraph in section.paragraphs:
        # a user's line keeps its own direction after the bullet (an English list on an
        # Arabic sheet keeps its brackets and order)
        text = "• " + isolate(paragraph, layout.direction) if section.bullets else paragraph
        parts.append(layout.text(text, 9.5, space_after=2.5))
    return KeepTogether(parts)


def infosheet_pdf(sheet: Infosheet) -> bytes:
    """Draw ``sheet`` on A4 pages and return the PDF's bytes (fonts embedded)."""
    layout = _Layout(sheet.direction)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4,
        bottomMargin=MARGIN + 4, title=f"{sheet.title} – {sheet.volunteer}",
        author=sheet.association, creator="Al Jisr", invariant=1,
        initialFontName=fonts.register_font(fonts.LATIN),
    )
    banner = Table(
        [[layout.text(sheet.title, 20, bold=True, color=colors.white)],
         [layout.text(sheet.association, 10, color=colors.white)]],
        colWidths=[FRAME_WIDTH],
        style=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), fonts.register_font(fonts.LATIN)),
            ("BACKGROUND", (0, 0), (-1, -1), TEAL),
            ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (0, 0), 10), ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
        ]))
    summary = Table(
        [[TextBlock(sheet.volunteer, 14, bold=True, align=layout.start, color=INK)],
         [TextBlock(f"{sheet.project} · {sheet.site}", 11, align=layout.start,
                    direction="auto", color=INK)],
         [layout.text(sheet.dates, 10, color=MUTED)]],
        colWidths=[FRAME_WIDTH],
        style=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), fonts.register_font(fonts.LATIN)),
            ("BACKGROUND", (0, 0), (-1, -1), TEAL_LIGHT),
            ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (0, 0), 8), ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
        ]))
    story: list[Flowable] = [banner, summary, Spacer(1, 4)]
    story += [_section(section, layout) for section in sheet.sections]

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(RULE)
        bottom = MARGIN - 6
        canvas.line(MARGIN, bottom + 10, PAGE_WIDTH - MARGIN, bottom + 10)
        start_x = PAGE_WIDTH - MARGIN if layout.rtl else MARGIN
        end_x = MARGIN if layout.rtl else PAGE_WIDTH - MARGIN
        draw_text(canvas, sheet.generated, start_x, bottom, 7, align=layout.start,
                  direction=layout.direction)
        draw_text(canvas, _("Page %(number)s", number=doc.page), end_x, bottom, 7,
                  align="left" if layout.rtl else "right", direction=layout.direction)
        canvas.restoreState()

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def render_placement(placement: Any, language: str, today: date) -> tuple[str, bytes]:
    """The sheet of ``placement`` in ``language`` as ``(file name, PDF bytes)``: reads its
    arrival details (one query) and the ``ASSOCIATION_NAME`` and ``ASSOCIATION_CONTACT``
    settings. The file is ``infosheet_<volunteer>_<first day>.pdf`` (the first word
    translated; names kept in any script, :func:`aljisr.downloads.slugify`)."""
    from flask import current_app

    from aljisr.arrivals.queries import details as details_of
    from aljisr.downloads import slugify
    from aljisr.i18n import force_locale, text_direction

    with force_locale(language):
        sheet = build_infosheet(
            placement, details_of(placement.id), language=language,
            direction=text_direction(language),
            association=_(current_app.config["ASSOCIATION_NAME"]), today=today,
            association_contact=current_app.config.get("ASSOCIATION_CONTACT"))
        data = infosheet_pdf(sheet)
    name = "_".join([slugify(sheet.file_stem), slugify(placement.volunteer.full_name, 60),
                     placement.start_date.isoformat()]) + ".pdf"
    return name, data


def ascii_filename(placement: Any) -> str:
    """The infosheet's ASCII file name, for clients that ignore ``filename*`` (RFC 6266 §4.3):
    ``infosheet_<volunteer>_<first day>.pdf`` when the name is in Latin script (accents
    dropped, :func:`aljisr.downloads.ascii_part`), else ``infosheet_<placement id>_<first
    day>.pdf``; the first word untranslated, so never lost."""
    from aljisr.downloads import ascii_part

    who = ascii_part(placement.volunteer.full_name) or str(placement.id)
    return f"infosheet_{who}_{placement.start_date.isoformat()}.pdf"
