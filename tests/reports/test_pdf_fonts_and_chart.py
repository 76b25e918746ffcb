"""Report PDFs read by poppler as a PDF viewer would: every font embedded (``pdffonts``) in
every language, for an organisation's report and the annual report; and the chart mirrored
in Arabic (``pdftotext -bbox``): bars grow leftwards from labels on the right and the value
axis runs from 0 on the right, as on the web page."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from aljisr.hours.models import HoursStatus
from aljisr.organisations.models import OrganisationKind
from tests.support import factories
from tests.support.tools import require

require("pdffonts", "pdftotext", "pdftoppm", package="poppler-utils", module=True)
LANGUAGES = ("en", "fr", "ar")
PERIOD = "start=2026-01-01&end=2026-06-30"


@pytest.fixture
def world(db):
    """Three projects with 65, 28 and 8 approved hours (Arabic title in the middle)."""
    sender = factories.organisation(OrganisationKind.SENDING, name="Passerelles Solidaires")
    for index, (title, amount, days) in enumerate(
            [("Salle polyvalente", "6.5", 10), ("مدرسة أنوال", "4", 7), ("Jardin", "2", 4)]):
        project = factories.project(title=title, start_date=date(2026, 1, 1),
                                    end_date=date(2026, 6, 30))
        placement = factories.placement(
            factories.volunteer(sender, full_name=f"Volunteer {index}", nationality="MA"),
            project, start_date=date(2026, 1, 5), end_date=date(2026, 3, 31))
        for day in range(days):
            factories.hours(placement, date(2026, 1, 5 + day), amount)
    db.session.commit()
    return sender


def _pdfs(as_role, db, world, tmp_path, urls):
    client, user = as_role("coordinator")
    paths = {}
    for language in LANGUAGES:
        user.locale = language
        db.session.commit()
        for name, url in urls.items():
            response = client.get(url)
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            path = tmp_path / f"{name}-{language}.pdf"
            path.write_bytes(response.data)
            paths[name, language] = path
    return paths


def test_every_font_of_every_report_pdf_is_embedded(as_role, db, world, tmp_path):
    paths = _pdfs(as_role, db, world, tmp_path, {
        "organisation": f"/reports/organisations/{world.id}?{PERIOD}&format=pdf",
        "annual": "/reports/annual/2026?format=pdf",
    })
    for key, path in paths.items():
        lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                               text=True).stdout.splitlines()[2:]
        assert lines, key
        for line in lines:
            # name type [type] encoding emb sub uni object ID: "emb" is 5th from the end
            assert line.split()[-5] == "yes", (key, line)


def _words(path) -> dict[str, list[tuple[float, float]]]:
    """Each word of the first page -> its (xMin, yMin) positions, in points."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    words: dict[str, list[tuple[float, float]]] = {}
    for word in ET.fromstring(xml).iter("{http://www.w3.org/1999/xhtml}word"):
        words.setdefault(word.text, []).append((float(word.get("xMin")),
                                                float(word.get("yMin"))))
    return words


def _chart_x(words, text: str) -> float:
    """x of ``text``'s first appearance from the top (the chart comes before the tables)."""
    return min(words[text], key=lambda position: position[1])[0]


def test_the_arabic_chart_is_mirrored(as_role, db, world, tmp_path):
    paths = _pdfs(as_role, db, world, tmp_path,
                  {"organisation": f"/reports/organisations/{world.id}?{PERIOD}&format=pdf"})
    for language in LANGUAGES:
        words = _words(paths["organisation", language])
        label = _chart_x(words, "polyvalente")  # the label of the longest bar
        mark = "," if language == "fr" else "."
        longest, shortest = _chart_x(words, f"65{mark}00"), _chart_x(words, f"8{mark}00")
        zero, sixty = _chart_x(words, "0"), _chart_x(words, "60")
        if language == "ar":
            assert longest < shortest < label, "bars grow leftwards from the labels"
            assert sixty < zero, "the value axis runs right to left"
        else:
            assert label < shortest < longest
            assert zero < sixty


def _boxes(path) -> list[tuple[str, float, float, float, float]]:
    """Each word of the first page with its box (xMin, yMin, xMax, yMax), in points."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return [(word.text, *(float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")))
            for word in ET.fromstring(xml).iter("{http://www.w3.org/1999/xhtml}word")]


def test_the_value_of_a_zero_bar_does_not_cover_its_label(as_role, db, world, tmp_path):
    """A group with no approved hours has a bar of no length: its value ("0.00") is printed
    past the baseline on the side away from the category labels, in Arabic as in English."""
    project = factories.project(title="Bibliothèque", start_date=date(2026, 1, 1),
                                end_date=date(2026, 6, 30))
    placement = factories.placement(
        factories.volunteer(world, full_name="Volunteer 3", nationality="MA"), project,
        start_date=date(2026, 1, 5), end_date=date(2026, 3, 31))
    factories.hours(placement, date(2026, 1, 5), "3", status=HoursStatus.SUBMITTED)
    db.session.commit()
    paths = _pdfs(as_role, db, world, tmp_path,
                  {"organisation": f"/reports/organisations/{world.id}?{PERIOD}&format=pdf"})
    for language in LANGUAGES:
        path = paths["organisation", language]
        boxes = _boxes(path)
        label = min((box for box in boxes if box[0] == "Bibliothèque"), key=lambda b: b[2])
        zero = "0,00" if language == "fr" else "0.00"
        value = min((box for box in boxes if box[0] == zero), key=lambda b: b[2])
        assert abs(label[2] - value[2]) < 4, "the value is on the label's row"
        gap = value[1] - label[3] if language != "ar" else label[1] - value[3]
        assert gap > 0, (language, "the value overlaps its category label", label, value)
