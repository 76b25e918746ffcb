"""Benchmark the certificate PDF builder against a bare-ReportLab floor.

Run from the repository root (never part of ``make test``)::

    .venv/bin/python bench/bench_certificates.py            # batch of 500
    .venv/bin/python bench/bench_certificates.py --batch 100 --repeat 20

What is timed, as CPU time of this process (``time.process_time``), in one warm
process (fonts already registered):

* **one certificate**: the same snapshot rendered ``--repeat`` times; median.
* **batch**: ``--batch`` different snapshots (generated below: en, fr, ar and bilingual,
  names in Latin, Cyrillic, Greek, Arabic, CJK and mixed scripts, long names).
* **floor**: the *same drawing* with bare ReportLab calls. Each certificate is first
  rendered once through a recording proxy that logs every call the builder makes on the
  canvas (and on the path and text objects it gets from it); the floor replays that log
  on a fresh ``Canvas`` and encodes the QR code again (``qr_matrix``), so it does all of
  ReportLab's work (PDF objects, font subsetting, compression) and the QR encoding, and
  none of ours (gettext and Babel, shaping, bidi, font choice, measuring, fitting).

The first certificate of a fresh process (font registration included) is reported too,
and, for reference, what ReportLab's ``QrCodeWidget`` drawn through ``renderPDF``
costs compared with the path the builder uses.
"""

from __future__ import annotations

import argparse
import datetime
import io
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_started = time.process_time()
from aljisr.certificates import pdf as certificate_pdf  # noqa: E402
from aljisr.certificates.snapshot import CertificateSnapshot  # noqa: E402

_imported = time.process_time()

NAMES = [
    "Amina (أمينة) Zhou", "Ольга Петренко", "山田 さくら", "فاطمة الزهراء بنعلي",
    "María de los Ángeles Fernández-Villaverde y Rodríguez de la Concepción",
    "Γιώργος Παπαδόπουλος", "김민준", "Jean-Baptiste Lefèvre", "Smith & Partners <UK>",
    "Youssef Aït Ben Haddou", "Zoë O’Brien", "王小明",
]
PROJECTS = ["Repainting classrooms", "Bibliothèque de l'école Ibn Battouta",
            "ترميم مدرسة دوار أيت باها", "Summer reading camp 2025"]
CONTRIBUTIONS = ["painted four classrooms and ran an English club", "",
                 "صباغة أربعة أقسام (40 ساعة) وتنشيط نادي القراءة",
                 "animé des ateliers de lecture pour les élèves de 6e année"]


def generate_snapshots(count: int) -> list[CertificateSnapshot]:
    """``count`` deterministic, varied snapshots (no randomness: runs are comparable)."""
    layouts = [("en", False), ("fr", False), ("ar", False), ("fr", True)]
    snapshots = []
    for index in range(count):
        language, bilingual = layouts[index % len(layouts)]
        hours = None if index % 7 == 3 else Decimal(10 + index % 90) + Decimal(index % 2) / 2
        start = datetime.date(2025, 1 + index % 12, 1 + index % 20)
        snapshots.append(CertificateSnapshot(
            serial=f"AJ-2025-{index:06d}",
            verification_url=f"https://aljisr.example.org/verify/{index * 7919:012X}",
            kind="participation" if hours is None else "hours",
            language=language, bilingual=bilingual,
            volunteer_name=NAMES[index % len(NAMES)],
            volunteer_name_ar="أمينة" if index % 5 == 0 else None,
            project_title=PROJECTS[index % len(PROJECTS)],
            site_name="École primaire Ibn Battouta", site_city="Tiznit",
            start_date=start, end_date=start + datetime.timedelta(days=index % 40),
            hours=hours, contribution=CONTRIBUTIONS[index % len(CONTRIBUTIONS)],
            issue_place="Tiznit", issue_date=datetime.date(2025, 12, 1),
            signatory_name="Mohamed El Idrissi", signatory_role="President",
            association_name="Al Jisr Association for Communication and "
                             "Educational Cooperation",
        ))
    return snapshots


# --------------------------------------------------------------------------- floor

class _Ref:
    """A recorded object (path, text object) returned by an earlier call."""

    def __init__(self, ident: int) -> None:
        self.ident = ident


class _Recorder:
    """Proxy that forwards every call to ``target`` and logs it for :func:`replay`."""

    def __init__(self, target: Any, log: list, ident: int = 0) -> None:
        self._target, self._log, self._ident = target, log, ident

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            real = [a._target if isinstance(a, _Recorder) else a for a in args]
            logged = tuple(_Ref(a._ident) if isinstance(a, _Recorder) else a for a in args)
            result = attribute(*real, **kwargs)
            ident = None
            if result is not None and not isinstance(result, (str, bytes, int, float)):
                ident = len(self._log) + 1
                result = _Recorder(result, self._log, ident)
            self._log.append((self._ident, name, logged, kwargs, ident))
            return result

        return call


def record(snapshot: CertificateSnapshot) -> list:
    """Render ``snapshot`` once through the recorder; return the call log."""
    log: list = []
    real_canvas = certificate_pdf.Canvas

    def make_canvas(*args: Any, **kwargs: Any) -> _Recorder:
        log.append((None, "Canvas", args[1:], kwargs, 0))  # args[0] is the buffer
        return _Recorder(real_canvas(*args, **kwargs), log)

    certificate_pdf.Canvas = make_canvas
    try:
        certificate_pdf.render_certificate(snapshot)
    finally:
        certificate_pdf.Canvas = real_canvas
    return log


def replay(log: list, url: str) -> bytes:
    """Bare ReportLab: replay a call log on a new canvas, plus the QR encoding."""
    certificate_pdf.qr_matrix(url)
    buffer = io.BytesIO()
    objects: dict[int, Any] = {}
    for owner, name, args, kwargs, ident in log:
        if owner is None:  # the canvas constructor, with the builder's own arguments
            objects[0] = certificate_pdf.Canvas(buffer, *args, **kwargs)
            continue
        real = [objects[a.ident] if isinstance(a, _Ref) else a for a in args]
        result = getattr(objects[owner], name)(*real, **kwargs)
        if ident is not None:
            objects[ident] = result
    return buffer.getvalue()


# --------------------------------------------------------------------------- timing

#: CPU time of this process: the builder is single-threaded, so on an idle machine it
#: equals wall time, and on a shared one it is not inflated by other processes.
clock = time.process_time


def _median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        function()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def _qr_widget_ms(url: str, repeat: int) -> float:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.pdfgen.canvas import Canvas

    def draw() -> None:
        canvas = Canvas(io.BytesIO(), invariant=1)
        widget = QrCodeWidget(url, barLevel="M")
        drawing = Drawing(84, 84)
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, 0, 0)
        canvas.showPage()
        canvas.save()

    return _median_ms(draw, repeat)


def _our_qr_ms(url: str, repeat: int) -> float:
    from reportlab.pdfgen.canvas import Canvas

    def draw() -> None:
        canvas = Canvas(io.BytesIO(), invariant=1)
        certificate_pdf.draw_qr(canvas, url, 0, 0, 84)
        canvas.showPage()
        canvas.save()

    return _median_ms(draw, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    options = parser.parse_args()

    snapshots = generate_snapshots(options.batch)
    start = clock()
    certificate_pdf.render_certificate(snapshots[0])
    first_ms = (clock() - start) * 1000

    one = snapshots[0]
    for snapshot in snapshots[:8]:  # warm every layout and script once
        certificate_pdf.render_certificate(snapshot)
    one_ms = _median_ms(lambda: certificate_pdf.render_certificate(one), options.repeat)
    one_log = record(one)
    assert replay(one_log, one.verification_url) == certificate_pdf.render_certificate(one)
    floor_one_ms = _median_ms(lambda: replay(one_log, one.verification_url), options.repeat)

    # Interleaved, so that load from other processes hits both sides alike.
    logs = [record(snapshot) for snapshot in snapshots]
    batch_s = floor_batch_s = 0.0
    for snapshot, log in zip(snapshots, logs, strict=True):
        start = clock()
        certificate_pdf.render_certificate(snapshot)
        middle = clock()
        replay(log, snapshot.verification_url)
        batch_s += middle - start
        floor_batch_s += clock() - middle

    url = one.verification_url
    rows = [
        ("import of the builder (once per process)", f"{(_imported - _started) * 1000:.0f} ms"),
        ("first certificate of the process (registers fonts)", f"{first_ms:.1f} ms"),
        ("one certificate, warm (median)", f"{one_ms:.1f} ms"),
        ("  floor: same drawing, bare ReportLab (median)", f"{floor_one_ms:.1f} ms"),
        ("  ratio", f"{one_ms / floor_one_ms:.2f}x"),
        (f"batch of {options.batch}", f"{batch_s:.2f} s = "
                                      f"{batch_s / options.batch * 1000:.1f} ms/certificate"),
        ("  floor", f"{floor_batch_s:.2f} s = "
                    f"{floor_batch_s / options.batch * 1000:.1f} ms/certificate"),
        ("  ratio", f"{batch_s / floor_batch_s:.2f}x"),
        ("QR code, builder's path (encode + draw + save)", f"{_our_qr_ms(url, 20):.1f} ms"),
        ("QR code, QrCodeWidget + renderPDF", f"{_qr_widget_ms(url, 20):.1f} ms"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"Python {sys.version.split()[0]}, CPU time (process_time), "
          f"{options.repeat} repeats for medians")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
