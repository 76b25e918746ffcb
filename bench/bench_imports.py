"""Time a volunteer list's import: read, preview and commit, for 1,000 to 10,000 rows.

Run from the repository root (never part of ``make test``)::

    .venv/bin/python bench/bench_imports.py                  # 10,000 rows
    .venv/bin/python bench/bench_imports.py --rows 1000 --no-save
    .venv/bin/python bench/bench_imports.py --postgresql ''   # SQLite only

A CSV is generated the way a French spreadsheet program writes it (Windows-1252, ';', dates
day first, countries and languages by French name, phones without their country code, a
quoted line break in one note in ten), and imported into a fresh SQLite database (in a
temporary folder) that already holds 1,000 volunteers, a tenth of the file's rows being
the same people (same e-mail), once on SQLite and once on PostgreSQL. Timed (wall clock, one
process, the worker's steps run in turn):

* **read**: the upload kept as a batch (:func:`aljisr.imports.services.start_batch`: the
  file read, encoding and delimiter detected, columns matched);
* **preview**: the preview job (:mod:`aljisr.imports.jobs`): every row checked by the
  volunteer form's rules and for duplicates, progress written, the rows kept for the page;
* **commit**: the commit job: the rows' duplicates looked up again, then the rows written
  1,000 per transaction.

Each phase's CPU time of this process is given beside its wall clock (``cpu_s``): on a
shared machine it says what the phase costs whatever the load (the database server's own
time is not in it). The peak memory of the process (``ru_maxrss``) and the load average
before and after are printed, and everything written to ``bench/results.json`` under
``"imports"`` only.

**Memory** (``--memory``, on by default): the preview and commit of 1,000 and of 10,000 rows
are run again on SQLite, each in a fresh subprocess under :mod:`tracemalloc`: the peak of the
Python memory allocated during the two jobs, above what was held before them (the file's
bytes and the app), and the subprocess's RSS high-water mark. Bounded memory means the
10,000-row peak is not ten times the 1,000-row one. (tracemalloc slows Python down: these
runs are not timed.) Target (issue 16): 10,000 rows previewed and imported in under 30 s on
the project's machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
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


def measure(rows: int, database: str, *, trace: bool = False) -> dict[str, float | int | str]:
    """Import a generated file of ``rows`` rows into a fresh database: ``"sqlite"`` (a file
    in a temporary folder) or a PostgreSQL server's URL (a database of its own, dropped
    afterwards). The preview and the commit run as the worker runs them
    (:mod:`aljisr.imports.jobs`), one after the other in this process."""
    from flask_migrate import upgrade

    from aljisr import create_app
    from aljisr.extensions import db
    from aljisr.imports import jobs, services
    from aljisr.imports.models import COMMIT_JOB, PREVIEW_JOB, ImportBatch
    from aljisr.imports.preview import Preview
    from aljisr.volunteers.models import Volunteer, VolunteerStatus

    name = ""
    if database == "sqlite":
        folder = tempfile.mkdtemp(prefix="aljisr-bench-imports-")
        url = f"sqlite:///{folder}/imports.sqlite3"
    else:
        from tests.support.databases import fresh_postgres_database

        url, name = fresh_postgres_database(database)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    data = make_csv(rows)
    load_before = os.getloadavg()[0]
    try:
        with app.app_context():
            upgrade()
            db.session.add_all(
                Volunteer(full_name=f"Existing {i}", email=f"v{i * 10}@example.org",
                          status=VolunteerStatus.ACTIVE, skills=[], interests=[])
                for i in range(1000))
            db.session.commit()
            limit = int(app.config["IMPORT_MAX_BYTES"])
            started, cpu = time.perf_counter(), time.process_time()
            batch = services.start_batch("bench.csv", data, organisation_id=None, actor=None,
                                         max_bytes=limit)
            batch_id = batch.id
            services.queue_job(batch, PREVIEW_JOB, actor=None)
            db.session.commit()
            read, read_cpu = time.perf_counter() - started, time.process_time() - cpu

            db.session.expire_all()
            if trace:
                tracemalloc.start()
                baseline = tracemalloc.get_traced_memory()[0]
            started, cpu = time.perf_counter(), time.process_time()
            assert jobs.claim_next() == batch_id
            assert jobs.run_job(batch_id) == "done"
            if trace:
                preview_peak = tracemalloc.get_traced_memory()[1] - baseline
            preview, preview_cpu = time.perf_counter() - started, time.process_time() - cpu

            db.session.expire_all()
            batch = db.session.get(ImportBatch, batch_id)
            shown = Preview.from_stored(batch.preview or {})
            started, cpu = time.perf_counter(), time.process_time()
            choices = {row.number: choice
                       for row, choice in services.plan_commit(batch, shown, {})}
            del shown  # the page's, in another process
            services.queue_job(batch, COMMIT_JOB, actor=None, choices=choices)
            db.session.commit()
            assert jobs.claim_next() == batch_id
            state = jobs.run_job(batch_id)
            commit, commit_cpu = time.perf_counter() - started, time.process_time() - cpu
            if trace:
                peak = tracemalloc.get_traced_memory()[1] - baseline
                tracemalloc.stop()
            db.session.expire_all()
            batch = db.session.get(ImportBatch, batch_id)
            assert state == "done", batch.job_error
            counts = dict(batch.counts)
            db.session.remove()
            db.engine.dispose()
    finally:
        if name:
            from tests.support.databases import drop_postgres_database

            drop_postgres_database(database, name)
    if trace:
        return {"rows": rows, "bytes": len(data),
                "preview_peak_mb": round(preview_peak / 2**20, 1),
                "preview_commit_peak_mb": round(peak / 2**20, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "created": counts["created"]}
    return {"database": "postgresql" if name else "sqlite", "rows": rows, "bytes": len(data),
            "read_s": round(read, 2), "preview_s": round(preview, 2),
            "commit_s": round(commit, 2), "total_s": round(read + preview + commit, 2),
            "cpu_s": {"read": round(read_cpu, 2), "preview": round(preview_cpu, 2),
                      "commit": round(commit_cpu, 2),
                      "total": round(read_cpu + preview_cpu + commit_cpu, 2)},
            "created": counts["created"], "skipped": counts["skipped"],
            "invalid": counts["invalid"],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "loadavg_before": round(load_before, 2),
            "loadavg_after": round(os.getloadavg()[0], 2)}


def memory(rows: int) -> dict[str, object]:
    """:func:`measure` with ``trace`` in a fresh subprocess (SQLite), so that each size's
    high-water marks are its own."""
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(rows)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--postgresql", default=os.environ.get(
        "ALJISR_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server's URL (a database of its own is created); '' to skip")
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the memory runs (1,000 and 10,000 rows, traced)")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(measure(args.memory_child, "sqlite", trace=True)))
        return
    figures: dict[str, object] = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                               time.gmtime()),
                                  "target_s": 30}
    figures["sqlite"] = measure(args.rows, "sqlite")
    print(json.dumps(figures["sqlite"], indent=2), flush=True)
    if args.postgresql:
        figures["postgresql"] = measure(args.rows, args.postgresql)
        print(json.dumps(figures["postgresql"], indent=2), flush=True)
    if not args.no_memory:
        small, large = memory(1_000), memory(10_000)
        figures["memory"] = {
            "sqlite_1000": small, "sqlite_10000": large,
            "ratio_10000_to_1000": round(large["preview_commit_peak_mb"]
                                         / small["preview_commit_peak_mb"], 2),
            "loadavg_after": round(os.getloadavg()[0], 2)}
        print(json.dumps(figures["memory"], indent=2), flush=True)
    if not args.no_save:
        # other benchmarks write other keys: read, change "imports" only, write
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results["imports"] = figures
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
