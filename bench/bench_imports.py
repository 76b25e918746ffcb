"""Time a volunteer list's import: read, preview and commit, for 1,000 to 10,000 rows.

Run from the repository root (never part of ``make test``)::

    .venv/bin/python bench/bench_imports.py                  # 10,000 rows
    .venv/bin/python bench/bench_imports.py --rows 1000

A CSV is generated the way a French spreadsheet program writes it (Windows-1252, ';', dates
day first, countries and languages by French name, phones without their country code, a
quoted line break in one note in ten), and imported into a fresh SQLite database (in a
temporary folder) that already holds 1,000 volunteers, a tenth of the file's rows being
the same people (same e-mail). Timed (wall clock, one process):

* **read**: :func:`aljisr.imports.reading.read_table` (encoding and delimiter detection);
* **preview**: every row checked by the volunteer form and for duplicates;
* **commit**: the valid rows created through the volunteer services, committed.

The peak memory of the process (``ru_maxrss``) is printed, and everything written to
``bench/results.json`` under ``"imports"``. Target (issue 16): 10,000 rows previewed and
imported in under 30 s on the project's machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RESULTS = Path(__file__).parent / "results.json"
FIRST = ["Léa", "Jürgen", "Ana", "Zoé", "Omar", "Ιωάννα", "Marta", "Tom", "Élodie", "Noor"]
LAST = ["Fontaine", "Weiß", "Pérez", "Martin", "Haddad", "Παπαδοπούλου", "Kowalska", "Janssen"]
COUNTRIES = [("France", "06 12 34 56 78"), ("Allemagne", "0151 23456789"),
             ("Espagne", "612 345 678"), ("Pays-Bas", "06 12345678"), ("Maroc", "0612345678")]
LANGUAGES = [("français", "langue maternelle"), ("anglais", "B2"), ("espagnol", "courant"),
             ("arabe", "A2"), ("allemand", "C1")]


def make_csv(rows: int, seed: int = 7) -> bytes:
    """The file: a header and ``rows`` volunteers (see the module docstring)."""
    rng = random.Random(seed)
    lines = ["Prénom;Nom;Courriel;Date de naissance;Nationalité;Téléphone;Langue 1;Niveau 1;"
             "Remarques"]
    for index in range(rows):
        country, phone = rng.choice(COUNTRIES)
        language, level = rng.choice(LANGUAGES)
        note = '"Arrive en train\nle 3 juillet"' if index % 10 == 0 else ""
        lines.append(";".join([
            rng.choice(FIRST), f"{rng.choice(LAST)} {index}", f"v{index}@example.org",
            f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(1970, 2006)}",
            country, phone, language, level, note]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace")


def measure(rows: int) -> dict[str, float | int]:
    from flask_migrate import upgrade

    from aljisr import create_app
    from aljisr.extensions import db
    from aljisr.imports import services
    from aljisr.volunteers.models import Volunteer, VolunteerStatus

    folder = tempfile.mkdtemp(prefix="aljisr-bench-imports-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/imports.sqlite3",
                      "SECRET_KEY": "bench", "TESTING": True})
    data = make_csv(rows)
    with app.app_context():
        upgrade()
        db.session.add_all(
            Volunteer(full_name=f"Existing {i}", email=f"v{i * 10}@example.org",
                      status=VolunteerStatus.ACTIVE, skills=[], interests=[])
            for i in range(1000))
        db.session.commit()
        limit = int(app.config["IMPORT_MAX_BYTES"])
        started = time.perf_counter()
        batch = services.start_batch("bench.csv", data, organisation_id=None, actor=None,
                                     max_bytes=limit)
        table = services.load_table(batch, max_bytes=limit)
        read = time.perf_counter() - started
        started = time.perf_counter()
        result = services.preview(batch, table)
        preview = time.perf_counter() - started
        started = time.perf_counter()
        counts = services.commit_batch(batch, result, {}, actor=None)
        db.session.commit()
        commit = time.perf_counter() - started
    return {"rows": rows, "bytes": len(data), "read_s": round(read, 2),
            "preview_s": round(preview, 2), "commit_s": round(commit, 2),
            "total_s": round(read + preview + commit, 2), "created": counts["created"],
            "skipped": counts["skipped"], "invalid": counts["invalid"],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "loadavg": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args()
    figures = measure(args.rows)
    print(json.dumps(figures, indent=2))
    if not args.no_save:
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results["imports"] = figures
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
