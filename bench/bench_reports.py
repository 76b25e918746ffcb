"""Time an organisation's report as PDF, CSV and XLSX for 100 to 2,000 placements.

Run from the repository root (never part of ``make test``)::

    .venv/bin/python bench/bench_reports.py                   # 100, 500, 2000 placements
    .venv/bin/python bench/bench_reports.py --sizes 500 --repeat 5

For each size a fresh SQLite database (in a temporary folder) gets one sending organisation
with that many placements, two approved hours entries and one submitted entry each, over
12 projects at 4 sites (``tests.reports_data.sending_organisation_with``: names in several
scripts, long project titles). Timed, as the median CPU time of ``--repeat`` runs in one warm
process (``time.process_time``, so load from other processes does not inflate it):

* **query**: ``organisation_report`` (totals, five breakdowns, the placement rows);
* **pdf**, **csv**, **xlsx**: building the file from that report, as the download does.

Pages and bytes of each file are printed too. Results: bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _median_cpu_ms(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.process_time()
        result = function()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times), result


def measure(size: int, repeat: int) -> dict[str, Any]:
    """Figures for one organisation with ``size`` placements (see the module docstring)."""
    import pypdf
    from flask_migrate import upgrade

    from aljisr import create_app
    from aljisr.extensions import db
    from aljisr.reports import exports, queries
    from aljisr.reports.pdf import report_pdf
    from aljisr.templating import country_name
    from tests.support.reports_data import PERIOD, sending_organisation_with

    folder = tempfile.mkdtemp(prefix="aljisr-bench-reports-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/reports.sqlite3",
                      "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        sender = sending_organisation_with(size)
        db.session.commit()
        with app.test_request_context("/"):
            period = queries.Period(*PERIOD)
            query_ms, report = _median_cpu_ms(
                lambda: queries.organisation_report(sender, period, country_name), repeat)
            pdf_ms, pdf = _median_cpu_ms(
                lambda: report_pdf(report, association="Al Jisr", generated=date(2026, 11, 29)),
                repeat)
            csv_ms, csv = _median_cpu_ms(lambda: exports.report_csv(report), repeat)
            xlsx_ms, xlsx = _median_cpu_ms(lambda: exports.report_xlsx(report), repeat)
        db.engine.dispose()
    return {
        "placements": size, "query_ms": query_ms, "pdf_ms": pdf_ms,
        "pdf_pages": len(pypdf.PdfReader(io.BytesIO(pdf)).pages), "pdf_kb": len(pdf) / 1024,
        "csv_ms": csv_ms, "csv_kb": len(csv) / 1024, "xlsx_ms": xlsx_ms,
        "xlsx_kb": len(xlsx) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'placements':>10} {'query ms':>9} {'pdf ms':>8} {'pages':>6} {'pdf KB':>7} "
          f"{'csv ms':>7} {'xlsx ms':>8} {'xlsx KB':>8}")
    for size in args.sizes:
        r = measure(size, args.repeat)
        print(f"{r['placements']:>10} {r['query_ms']:>9.1f} {r['pdf_ms']:>8.0f} "
              f"{r['pdf_pages']:>6} {r['pdf_kb']:>7.0f} {r['csv_ms']:>7.1f} "
              f"{r['xlsx_ms']:>8.0f} {r['xlsx_kb']:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
