"""Certificate PDF builder and the shared text/font layer: pure tests, no app fixtures.

What is checked on real PDFs: one A4 landscape page; names in Latin, Cyrillic, Arabic,
CJK and mixed scripts drawn in the right order with fonts that have every glyph (read
back from the content stream and checked with fontTools); the QR code decodes to the
verification URL (zbarimg); identical bytes for the same snapshot; user text printed
as typed; the Arabic page mirrored; translations from messages_fr_ar.txt used when a
catalogue exists.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from aljisr.certificates.pdf import certificate_texts, qr_matrix, qr_penalty, render_certificate
from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.pdf import fonts, text
from tests.support import REPOSITORY
from tests.support.pdf import drawn_lines, drawn_text, pdftotext, visual_rtl
from tests.support.tools import require

ROOT = REPOSITORY
LONG_NAME = "María de los Ángeles Fernández-Villaverde y Rodríguez de la Concepción"
NAMES = ["Ольга Петренко", "山田 さくら", "فاطمة الزهراء بنعلي", "Amina (أمينة) Zhou",
         LONG_NAME, "Γιώργος Παπαδόπουλος", "김민준", "Zoë O’Brien-Łukasiewicz"]


def make_snapshot(**changes) -> CertificateSnapshot:
    values = dict(
        serial="AJ-2025-000123",
        verification_url="https://aljisr.example.org/verify/7K3F9QX2MP4T",
        kind="hours",
        language="en",
        volunteer_name="Amina (أمينة) Zhou",
        project_title="Repainting classrooms",
        site_name="École primaire Ibn Battouta",
        site_city="Tiznit",
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2025, 9, 30),
        hours=Decimal("40"),
        contribution="painted four classrooms",
        issue_place="Tiznit",
        issue_date=datetime.date(2025, 10, 12),
        signatory_name="Mohamed El Idrissi",
        signatory_role="President",
        association_name="Al Jisr Association for Communication and Educational Cooperation",
    )
    values.update(changes)
    return CertificateSnapshot(**values)


def arabic_snapshot(**changes) -> CertificateSnapshot:
    values = dict(
        language="ar", volunteer_name="فاطمة الزهراء بنعلي",
        project_title="ترميم مدرسة دوار أيت باها", site_name="مدرسة ابن بطوطة",
        site_city="تيزنيت", contribution="صباغة أربعة أقسام (40 ساعة) وتنشيط نادي القراءة",
        signatory_name="محمد الإدريسي", signatory_role="رئيس الجمعية",
    )
    values.update(changes)
    return make_snapshot(**values)


@cache
def font_cmap(postscript_name: str) -> set[int]:
    """The cmap (code points) of the bundled font file whose PostScript name is given."""
    for path in (ROOT / "static" / "fonts").glob("*.ttf"):
        with TTFont(path, lazy=True) as font:
            if font["name"].getDebugName(6) == postscript_name:
                return set(font.getBestCmap())
    raise AssertionError(f"no bundled font is named {postscript_name}")


# --------------------------------------------------------------------------- snapshot

def test_snapshot_round_trips_through_json():
    snapshot = arabic_snapshot(hours=Decimal("12.5"), bilingual=True,
                               volunteer_name_ar="فاطمة", issue_place="Maroc",
                               issue_place_ar="المغرب")
    data = json.loads(json.dumps(snapshot.to_dict()))
    assert data["hours"] == "12.5"
    assert data["start_date"] == "2025-09-01"
    assert CertificateSnapshot.from_dict(data) == snapshot
    participation = make_snapshot(kind="participation", hours=None)
    assert CertificateSnapshot.from_dict(
        json.loads(json.dumps(participation.to_dict()))) == participation


def test_snapshot_normalises_names_to_nfc_and_ignores_unknown_keys():
    decomposed = unicodedata.normalize("NFD", "Zoë Ángeles")
    snapshot = make_snapshot(volunteer_name=decomposed)
    assert snapshot.volunteer_name == "Zoë Ángeles"
    data = snapshot.to_dict() | {"added_later": 1}
    assert CertificateSnapshot.from_dict(data) == snapshot


@pytest.mark.parametrize("changes", [
    {"kind": "badge"},
    {"language": "de"},
    {"hours": None},
    {"kind": "participation"},  # with hours
    {"hours": Decimal("0")},
    {"hours": "many"},
    {"end_date": datetime.date(2025, 8, 31)},
    {"volunteer_name": "   "},
    {"issue_date": datetime.datetime(2025, 10, 12, 9, 0)},
])
def test_snapshot_rejects_invalid_values(changes):
    with pytest.raises(ValueError):
        make_snapshot(**changes)


def test_snapshot_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_snapshot().serial = "X"


# --------------------------------------------------------------------------- fonts

def test_bundled_fonts_are_truetype_with_licences():
    for name, filename in fonts.FONT_FILES.items():
        with TTFont(fonts.FONT_DIR / filename, lazy=True) as font:
            assert "glyf" in font and "CFF " not in font, f"{name} must be TrueType"
    licences = {p.name for p in fonts.FONT_DIR.glob("*.txt")}
    assert {"OFL-Amiri.txt", "LICENSE-DejaVu.txt", "LICENSE-DroidSansFallback.txt"} <= licences
    assert "Apache License" in (fonts.FONT_DIR / "LICENSE-DroidSansFallback.txt").read_text()
    assert "SIL OPEN FONT LICENSE" in (fonts.FONT_DIR / "OFL-Amiri.txt").read_text()
    assert (fonts.FONT_DIR / "README.md").exists()


def test_fonts_are_registered_once_per_process():
    from reportlab.pdfbase import pdfmetrics

    fonts.register_font(fonts.LATIN)
    first = pdfmetrics.getFont(fonts.LATIN)
    fonts.register_fonts()
    assert fonts.register_font(fonts.LATIN) == fonts.LATIN
    assert pdfmetrics.getFont(fonts.LATIN) is first


@pytest.mark.parametrize(("char", "face"), [
    ("A", fonts.LATIN), ("é", fonts.LATIN), ("Ж", fonts.LATIN), ("Ω", fonts.LATIN),
    ("ب", fonts.ARABIC), ("\ufe91", fonts.ARABIC), ("山", fonts.CJK), ("さ", fonts.CJK),
    ("한", fonts.CJK),
])
def test_pick_font_by_script(char, face):
    assert fonts.pick_font(char) == face
    bold = {fonts.LATIN: fonts.LATIN_BOLD, fonts.ARABIC: fonts.ARABIC_BOLD}.get(face, face)
    assert fonts.pick_font(char, bold=True) == bold


def test_font_runs_keep_neutrals_with_their_neighbours():
    assert fonts.font_runs("(40 ساعة)") == [("(40 ساعة)", fonts.ARABIC)]
    assert fonts.font_runs("Amina (أمينة) Zhou", neutral_face=fonts.LATIN) == [
        ("Amina (", fonts.LATIN), ("أمينة", fonts.ARABIC), (") Zhou", fonts.LATIN)]
    assert fonts.font_runs("") == []


def test_missing_characters_reports_what_no_font_has():
    assert fonts.missing_characters("Amina (أمينة) Zhou 山田 Ольга") == []
    assert fonts.missing_characters("ok \U00010900 \U00013000") == ["\U00010900", "\U00013000"]


# --------------------------------------------------------------------------- text layer

def test_first_strong_direction_follows_uax9_p2():
    assert text.first_strong_direction("  (12) Amina أمينة") == "ltr"
    assert text.first_strong_direction("«أمينة» Amina") == "rtl"
    assert text.first_strong_direction("2025-10-12") is None


def test_visual_orders_mixed_text_and_mirrors_brackets():
    # Latin paragraph with an Arabic word: the Arabic is reversed in place.
    assert text.visual("Amina (أمينة) Zhou") == f"Amina ({visual_rtl('أمينة')}) Zhou"
    # Right-to-left paragraph: brackets are mirrored (UAX #9 L4), digits stay LTR.
    assert text.visual("(40 ساعة)", "rtl") == f"({visual_rtl('ساعة')} 40)"
    # Bidi controls never reach the page.
    assert not set(text.visual(text.isolate("Zhou", "rtl") + " ساهم", "rtl")) & {
        text.LRE, text.RLE, text.PDF, text.LRM, text.RLM}


def test_isolate_keeps_a_latin_name_in_order_inside_arabic():
    sentence = "ساهم " + text.isolate("Amina (أمينة) Zhou", "rtl") + " في المشروع"
    shown = text.visual(sentence, "rtl")
    assert f"Amina ({visual_rtl('أمينة')}) Zhou" in shown
    without = text.visual("ساهم Amina (أمينة) Zhou في المشروع", "rtl")
    assert "Zhou (" in without  # what isolate() prevents


def test_isolate_leaves_neutral_separators_in_the_sentence_direction():
    sentence = "في " + text.isolate("École", "rtl") + "، " + text.isolate("Tiznit", "rtl")
    assert text.visual(sentence, "rtl").startswith("Tiznit ،École")


def test_quote_inside_moves_the_quotes_into_the_value_embedding():
    title = text.isolate("Renovation of the library", "rtl")
    moved = text.quote_inside("في إطار مشروع «" + title + "»")
    assert moved == ("في إطار مشروع " + text.RLM + text.LRE + "«Renovation of the library»"
                     + text.PDF + text.RLM)
    # French guillemets with narrow no-break spaces.
    french = text.quote_inside("«\u202f" + text.isolate("Tiznit", "rtl") + "\u202f»")
    assert french == text.RLM + text.LRE + "«\u202fTiznit\u202f»" + text.PDF + text.RLM
    # On one line the drawing is unchanged; nothing else is touched.
    assert text.visual(moved, "rtl") == text.visual("في إطار مشروع «" + title + "»", "rtl")
    # Right-to-left values keep the sentence's quotes (“ ” would turn round inside).
    for sentence in ("à " + text.isolate("Tiznit"), "« x »", "no quotes",
                     "the project “" + text.isolate("مكتبة", "ltr") + "”"):
        assert text.quote_inside(sentence) == sentence


def test_shape_uses_presentation_forms_and_lam_alef_only():
    shaped = text.shape("السلام")
    assert "\ufefc" in shaped  # lam-alef final ligature
    assert all(fonts.covers(fonts.ARABIC, c) for c in shaped)
    assert text.shape("Amina") == "Amina"
    assert text.shape("مُحَمَّد") == text.shape("محمد")  # harakat removed


def test_wrap_breaks_at_spaces_hyphens_and_between_han_characters():
    assert text.wrap("one two three", width=40, size=10) == ["one", "two", "three"]
    lines = text.wrap(LONG_NAME, width=300, size=20)
    assert lines[0].endswith("Fernández-") or len(lines) > 2
    assert "".join(lines).replace(" ", "") == LONG_NAME.replace(" ", "")
    assert text.wrap("山田さくら山田さくら", width=25, size=10) == [
        "山田", "さく", "ら山", "田さ", "くら"]
    assert text.wrap("   ", width=100, size=10) == []
    with pytest.raises(ValueError):
        text.wrap("x", width=0, size=10)


def test_wrap_keeps_no_break_spaces_together():
    assert text.wrap("projet «\u202fRepainting\u202f»", width=90, size=10)[-1] == \
        "«\u202fRepainting\u202f»"


def test_wrap_carries_open_embeddings_to_the_next_line():
    lines = text.wrap("ساهم " + text.isolate("Amina Zhou Petrenko", "rtl"), 60, 10)
    assert len(lines) > 1
    assert all(text.LRE in line for line in lines)


def test_fit_text_shrinks_before_wrapping_and_wraps_long_names():
    short = text.fit_text("Ольга Петренко", 600, max_size=38, min_size=24, bold=True)
    assert short.lines == ("Ольга Петренко",) and short.size == 38
    medium = text.fit_text("Anna-Lena Müller-Lüdenscheidt", 560, max_size=38, min_size=24,
                           bold=True)
    assert len(medium.lines) == 1 and 24 <= medium.size < 38
    long = text.fit_text(LONG_NAME, 560, max_size=38, min_size=24, max_lines=2, bold=True)
    assert len(long.lines) == 2 and long.size >= 20
    assert all(text.text_width(line, long.size, bold=True) <= 560 for line in long.lines)
    huge = text.fit_text("Ab " * 200, 300, max_size=30, min_size=20, max_lines=2,
                         max_height=80)
    assert huge.height <= 80 or huge.size == 4.0
    with pytest.raises(ValueError):
        text.fit_text("x", 100, max_size=10, min_size=12)


# --------------------------------------------------------------------------- the PDF

def test_certificate_is_one_a4_landscape_page_with_embedded_fonts():
    pdf = render_certificate(make_snapshot())
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert reader.metadata.title.endswith("Amina (أمينة) Zhou")


def test_same_snapshot_gives_identical_bytes_even_in_another_process():
    snapshot = make_snapshot(volunteer_name="山田 さくら")
    first = render_certificate(snapshot)
    assert render_certificate(snapshot) == first
    script = ("import sys, json; from aljisr.certificates.snapshot import CertificateSnapshot;"
              "from aljisr.certificates.pdf import render_certificate;"
              "s = CertificateSnapshot.from_dict(json.loads(sys.argv[1]));"
              "sys.stdout.write(__import__('hashlib').sha256(render_certificate(s)).hexdigest())")
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(ROOT))
    other = subprocess.run([sys.executable, "-c", script, json.dumps(snapshot.to_dict())],
                           capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    assert other.stdout == hashlib.sha256(first).hexdigest()


def test_document_dates_are_the_issue_date_not_2000():
    pdf = render_certificate(make_snapshot(issue_date=datetime.date(2026, 11, 29)))
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261129"
    assert info.creation_date == datetime.datetime(2026, 11, 29)
    # still a function of the snapshot only: rendering again gives the same bytes
    assert render_certificate(make_snapshot(issue_date=datetime.date(2026, 11, 29))) == pdf


def test_different_snapshots_give_different_pdfs():
    assert render_certificate(make_snapshot()) != render_certificate(
        make_snapshot(serial="AJ-2025-000124"))


@pytest.mark.parametrize("name", NAMES)
def test_names_print_in_order_with_no_missing_glyph(name):
    pdf = render_certificate(make_snapshot(volunteer_name=name))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    runs = drawn_text(pdf)
    # Every character drawn is in the cmap of the font that drew it (no .notdef box).
    for run in runs:
        cmap = font_cmap(run.font)
        missing = [c for c in run.text if ord(c) not in cmap]
        assert not missing, f"{missing} not in {run.font}"
    # The picker's own view agrees, for the name as stored and as shaped.
    assert fonts.missing_characters(name, bold=True) == []
    assert fonts.missing_characters(text.visual(name), bold=True) == []
    # The drawn name, in visual order, is where the name should be.
    name_lines = [line for line in drawn_lines(pdf) if line and
                  line.replace(" ", "") in text.visual(name).replace(" ", "")]
    assert "".join(name_lines).replace(" ", "") == text.visual(name).replace(" ", "")
    # A bidi-aware extractor reads the logical name back.
    extracted = " ".join(pdftotext(pdf).split())
    if name == LONG_NAME:  # wrapped after its hyphen, which poppler's dehyphenation drops
        assert LONG_NAME.replace("-", "") in extracted.replace("-\n", "")
    elif name == "Amina (أمينة) Zhou":
        assert "Amina" in extracted and "أمينة" in extracted and "Zhou" in extracted
    else:
        assert " ".join(name.split()) in extracted


def test_mixed_name_is_drawn_latin_arabic_latin_left_to_right():
    pdf = render_certificate(make_snapshot(volunteer_name="Amina (أمينة) Zhou"))
    runs = [r for r in drawn_text(pdf) if r.size >= 30 and r.y < 420]
    ordered = [r.text for r in sorted(runs, key=lambda r: r.x)]
    assert ordered == ["Amina (", visual_rtl("أمينة"), ") Zhou"]
    assert [r.font for r in sorted(runs, key=lambda r: r.x)] == [
        "DejaVuSans-Bold", "Amiri-Bold", "DejaVuSans-Bold"]


def test_long_name_shrinks_then_wraps_on_one_page():
    pdf = render_certificate(make_snapshot(volunteer_name=LONG_NAME))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    lines = drawn_lines(pdf)
    assert "María de los Ángeles Fernández-" in lines
    assert "Villaverde y Rodríguez de la Concepción" in lines
    sizes = {r.size for r in drawn_text(pdf) if "Villaverde" in r.text}
    assert sizes and all(20 <= size < 38 for size in sizes)
    # Even an absurd name keeps the certificate on one page.
    absurd = render_certificate(make_snapshot(volunteer_name=" ".join([LONG_NAME] * 4)))
    assert len(PdfReader(io.BytesIO(absurd)).pages) == 1


def test_user_text_is_never_markup():
    typed = "Smith & Partners <UK>"
    pdf = render_certificate(make_snapshot(volunteer_name=typed, contribution="<b>&amp;</b>",
                                           project_title="100% <i>green</i>"))
    extracted = pdftotext(pdf)
    assert typed in extracted
    assert "<b>&amp;</b>" in extracted
    assert "100% <i>green</i>" in extracted


def test_english_certificate_body_dates_and_hours():
    pdf = render_certificate(make_snapshot(hours=Decimal("12.50")))
    extracted = " ".join(pdftotext(pdf).split())
    assert "Certificate of Recognition" in extracted
    assert "12.5 hours" in extracted
    assert "from September 1, 2025 to September 30, 2025" in extracted
    assert "Issued in Tiznit on October 12, 2025" in extracted
    assert "AJ-2025-000123" in extracted
    single = render_certificate(make_snapshot(hours=Decimal("1"),
                                              end_date=datetime.date(2025, 9, 1)))
    extracted = " ".join(pdftotext(single).split())
    assert "1 hour of volunteer work" in extracted
    assert "on September 1, 2025" in extracted


def test_participation_certificate_has_no_hours():
    pdf = render_certificate(make_snapshot(kind="participation", hours=None))
    extracted = " ".join(pdftotext(pdf).split())
    assert "Certificate of Participation" in extracted
    assert "hour" not in extracted


def test_french_certificate_formats_dates_in_french():
    pdf = render_certificate(make_snapshot(language="fr", hours=Decimal("7.5")))
    extracted = " ".join(pdftotext(pdf).split())
    assert "1er septembre 2025" in extracted and "12 octobre 2025" in extracted
    assert "7,5" in extracted
    assert "Amina" in extracted and "AJ-2025-000123" in extracted


def test_arabic_certificate_shapes_and_orders_user_text():
    pdf = render_certificate(arabic_snapshot())
    lines = drawn_lines(pdf)
    assert visual_rtl("فاطمة الزهراء بنعلي") in lines
    # "(40 ساعة)" inside the Arabic contribution: digits LTR, brackets mirrored.
    assert any(f"({visual_rtl('ساعة')} 40)" in line for line in lines)
    assert any(visual_rtl("ترميم مدرسة دوار أيت باها") in line for line in lines)
    extracted = " ".join(pdftotext(pdf).split())
    for phrase in ("فاطمة الزهراء بنعلي", "ترميم مدرسة دوار أيت باها", "محمد الإدريسي"):
        assert phrase in extracted
    assert "AJ-2025-000123" in extracted


def _x_of(pdf: bytes, needle: str) -> float:
    return next(r.x for r in drawn_text(pdf) if needle in r.text)


@pytest.fixture
def translated(tmp_path):
    """An app context whose catalogues hold the translations of messages_fr_ar.txt."""
    from flask import Flask
    from flask_babel import Babel

    _catalogues(tmp_path)
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    Babel(app)
    with app.app_context():
        yield app


def _title_lines(pdf: bytes, first: str, last: str) -> list[str]:
    """The drawn lines from the one containing ``first`` to the one containing ``last``."""
    lines = drawn_lines(pdf)
    start = next(i for i, line in enumerate(lines) if first in line)
    end = next(i for i, line in enumerate(lines) if last in line)
    assert start < end, "the title should wrap"
    return lines[start:end + 1]


LONG_LATIN_TITLE = ("Renovation of the Ait Baha primary school library and its reading garden "
                    "for the children of the village")


def test_long_latin_title_wraps_inside_the_quotes_on_an_arabic_page(translated):
    pdf = render_certificate(arabic_snapshot(project_title=LONG_LATIN_TITLE))
    lines = _title_lines(pdf, "Renovation", "village")
    sentence = visual_rtl("في إطار مشروع")
    # First line: the Arabic words on the right, the title's start (with the opening
    # quote against it) on the left; last line: the title's end, then the closing quote.
    assert lines[0].startswith("«Renovation of the") and lines[0].endswith(sentence)
    assert lines[-1].endswith("of the village»")
    assert all("«" not in line[1:] and "»" not in line[:-1] for line in lines)
    extracted = " ".join(pdftotext(pdf).split())
    assert "في إطار مشروع «Renovation of the" in extracted  # read back in logical order


def test_mixed_title_wraps_inside_the_quotes_on_an_arabic_page(translated):
    title = ("Bibliothèque Ibn Battouta (مكتبة المدرسة) and reading garden for the "
             "children of Ait Baha and Tafraout")
    pdf = render_certificate(arabic_snapshot(project_title=title))
    lines = _title_lines(pdf, "Bibliothèque", "Tafraout")
    assert lines[0].startswith(f"«Bibliothèque Ibn Battouta ({visual_rtl('مكتبة المدرسة')})")
    assert lines[-1].endswith("Tafraout»")
    assert all("«" not in line[1:] and "»" not in line[:-1] for line in lines)


def test_arabic_page_is_mirrored():
    half = 842 / 2
    english = render_certificate(make_snapshot())
    arabic = render_certificate(arabic_snapshot(signatory_name="Mohamed El Idrissi"))
    assert _x_of(english, "AJ-2025-000123") > half > _x_of(arabic, "AJ-2025-000123")
    assert _x_of(english, "Mohamed El Idrissi") < half < _x_of(arabic, "Mohamed El Idrissi")


def test_bilingual_certificate_prints_french_and_arabic():
    snapshot = make_snapshot(language="fr", bilingual=True, volunteer_name="Ольга Петренко",
                             volunteer_name_ar="أولغا بيترينكو")
    pdf = render_certificate(snapshot)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    extracted = " ".join(pdftotext(pdf).split())
    assert "Ольга Петренко" in extracted and "أولغا بيترينكو" in extracted
    assert "1er septembre 2025" in extracted  # French column (Babel, no catalogue needed)
    assert "سبتمبر" in extracted  # Arabic column
    # French column on the left, Arabic on the right.
    assert _x_of(pdf, "septembre") < 842 / 2 < _x_of(pdf, visual_rtl("سبتمبر"))


def _line_with(pdf: bytes, needle: str) -> str:
    return next(line for line in drawn_lines(pdf) if needle in line)


def test_bilingual_footer_names_the_place_in_french_and_in_arabic():
    pdf = render_certificate(make_snapshot(language="fr", bilingual=True, issue_place="Maroc",
                                           issue_place_ar="المغرب"))
    french = _line_with(pdf, "octobre")
    arabic = _line_with(pdf, visual_rtl("أكتوبر"))
    assert "Maroc" in french and not text._has_arabic(french)
    assert visual_rtl("المغرب") in arabic and "Maroc" not in arabic


def test_old_bilingual_snapshot_without_an_arabic_place_still_renders():
    data = make_snapshot(language="fr", bilingual=True, issue_place="المغرب").to_dict()
    del data["issue_place_ar"]  # stored before the field existed
    snapshot = CertificateSnapshot.from_dict(json.loads(json.dumps(data)))
    assert snapshot.issue_place_ar is None
    pdf = render_certificate(snapshot)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    # As issued: the one stored place, on both lines.
    assert visual_rtl("المغرب") in _line_with(pdf, "octobre")
    assert visual_rtl("المغرب") in _line_with(pdf, visual_rtl("أكتوبر"))


def test_qr_code_decodes_to_the_verification_url(tmp_path):
    require("zbarimg", package="zbar-tools")
    require("pdftoppm", package="poppler-utils")
    for snapshot in (make_snapshot(), arabic_snapshot(bilingual=True)):
        path = tmp_path / f"{snapshot.language}.pdf"
        path.write_bytes(render_certificate(snapshot))
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(path),
                        str(tmp_path / "page")], check=True)
        result = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
                                capture_output=True, text=True)
        assert result.stdout.strip() == snapshot.verification_url


def test_qr_penalty_matches_reportlab_and_picks_the_same_mask():
    import random

    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel, QRUtil

    generator = random.Random(20251012)
    for size in (21, 33, 57):
        for _ in range(20):
            modules = [[generator.random() < 0.5 for _ in range(size)] for _ in range(size)]
            symbol = type("Symbol", (), {"modules": modules})
            assert qr_penalty(modules) == QRUtil.getLostPoint(symbol)
    for index in range(10):
        url = f"https://aljisr.example.org/verify/{index * 7919:012X}"
        reference = QRCode(None, QRErrorCorrectLevel.M)
        reference.addData(url)
        reference.make()
        assert qr_matrix(url) == [list(row) for row in reference.modules]


def test_qr_matrix_shape():
    matrix = qr_matrix("https://aljisr.example.org/verify/7K3F9QX2MP4T")
    assert len(matrix) == len(matrix[0]) and (len(matrix) - 17) % 4 == 0
    assert matrix[0][:7] == [True] * 7  # finder pattern


# --------------------------------------------------------------------------- translations

def _parse_messages() -> list[dict[str, str]]:
    blocks, block = [], {}
    path = ROOT / "aljisr" / "certificates" / "messages_fr_ar.txt"
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if block:
                blocks.append(block)
            block = {}
            continue
        key, _, value = line.partition(": ")
        block[key] = value
    return blocks


def test_every_msgid_of_the_builder_has_french_and_arabic_translations():
    from babel.messages.extract import extract_from_file

    source = ROOT / "aljisr" / "certificates" / "pdf.py"
    found = set()
    for _lineno, message, _comments, _context in extract_from_file(
            "python", str(source), keywords={"_": None, "ngettext": (1, 2)}):
        found.add(message if isinstance(message, str) else message[0])
    blocks = {b["msgid"]: b for b in _parse_messages()}
    assert found == set(blocks)
    for msgid, block in blocks.items():
        if "msgid_plural" in block:
            assert {f"fr[{i}]" for i in range(3)} | {f"ar[{i}]" for i in range(6)} <= set(block)
        else:
            assert {"fr", "ar"} <= set(block), msgid


def _catalogues(directory: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    blocks = _parse_messages()
    for language, forms in (("fr", 3), ("ar", 6)):
        catalog = Catalog(locale=language)
        assert catalog.num_plurals == forms
        for block in blocks:
            if "msgid_plural" in block:
                catalog.add((block["msgid"], block["msgid_plural"]),
                            tuple(block[f"{language}[{i}]"] for i in range(forms)))
            else:
                catalog.add(block["msgid"], block[language])
        folder = directory / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "messages.mo", "wb") as handle:
            write_mo(handle, catalog)


def test_labels_are_translated_when_catalogues_exist(tmp_path):
    from flask import Flask
    from flask_babel import Babel

    _catalogues(tmp_path)
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    Babel(app)
    with app.app_context():
        french = " ".join(pdftotext(render_certificate(
            make_snapshot(language="fr"))).split())
        arabic_pdf = render_certificate(arabic_snapshot(hours=Decimal("5")))
        texts = certificate_texts(arabic_snapshot(hours=Decimal("2")), "ar")
    assert "Attestation de reconnaissance" in french
    assert "40 heures de travail bénévole" in french
    assert "Fait à Tiznit, le 12 octobre 2025" in french
    assert "شهادة تقدير" in " ".join(pdftotext(arabic_pdf).split())
    assert visual_rtl("شهادة تقدير") in drawn_lines(arabic_pdf)
    assert "ساعتين" in texts.body[0]  # Arabic dual form
