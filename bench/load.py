"""Load test: signed-in coordinators on gunicorn (sync workers) + PostgreSQL at full size.

Usage::

    .venv/bin/python -m bench.load                       # 50 users, 60 s, full size
    .venv/bin/python -m bench.load --scale 0.01 --users 5 --seconds 10   # a quick look

It generates (or reuses) the benchmark's PostgreSQL dataset (``aljisr_bench_<label>``, the
same one ``bench.run --postgres`` measures), starts gunicorn on it with the production
configuration (``gunicorn.conf.py`` when present; rate limits off, since every simulated user
comes from 127.0.0.1), runs ``bench/locustfile.py`` headless for a bounded time, and writes
requests, errors, requests per second and p50/p95 per page, the load average and each gunicorn
process's memory (RSS) at the start and the end into ``bench/results.json`` under ``"load"``.
Nothing here runs in ``make test``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import generate
from bench.run import RESULTS, _dataset

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _sample_ids(url: str) -> dict[str, list[int]]:
    """Up to 200 volunteers, 100 projects and 200 placements to visit, chosen at random."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        def pick(table: str, n: int) -> list[int]:
            return list(conn.execute(sa.text(
                f"SELECT id FROM {table} ORDER BY random() LIMIT {n}"  # noqa: S608 - our names
            )).scalars())
        ids = {"volunteers": pick("volunteers", 200), "projects": pick("projects", 100),
               "placements": pick("placements", 200)}
    engine.dispose()
    return ids


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (``VmRSS`` of /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def memory(master: int) -> dict[str, float]:
    """RSS in MB of the gunicorn master and each worker."""
    result = {"master": rss_mb(master)}
    for index, pid in enumerate(_children(master)):
        result[f"worker{index + 1}"] = rss_mb(pid)
    return result


def start_gunicorn(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """gunicorn serving the app on ``url``; returns once /healthz answers."""
    env = dict(os.environ, ALJISR_DATABASE_URL=url, ALJISR_SECRET_KEY=secrets.token_hex(16),
               ALJISR_RATELIMIT_ENABLED="false", ALJISR_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    command = [str(BIN / "gunicorn")]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    command += ["--workers", str(workers), "--worker-class", "sync",
                "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def run_locust(port: int, users: int, spawn_rate: int, seconds: int, ids: dict[str, Any],
               locustfile: Path) -> dict[str, Any]:
    """Run locust headless; return its per-page and aggregated statistics."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "load"
        env = dict(os.environ, LOAD_IDS=json.dumps(ids))
        subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "-f", str(locustfile), "--headless", "--only-summary",
             "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
             "--exit-code-on-error", "0", "--stop-timeout", "10"],
            env=env, check=True, cwd=ROOT,
        )
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
    pages = {
        row["Name"]: {"p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]),
                      "requests": int(row["Request Count"]),
                      "errors": int(row["Failure Count"])}
        for row in rows if row["Name"] != "Aggregated"
    }
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "req_per_s": round(float(total["Requests/s"]), 1),
        "pages": pages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        metavar="SERVER_URL")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--key", default="load", help="key of bench/results.json to write")
    parser.add_argument("--locustfile", type=Path,
                        default=Path(__file__).with_name("locustfile.py"))
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)

    label = "large" if args.scale == 1.0 else f"load{args.scale:g}"
    url = _dataset(label, args.scale, args.postgres, args.regenerate)
    ids = _sample_ids(url)
    server = start_gunicorn(url, args.port, args.workers)
    try:
        memory_start = memory(server.pid)
        stats = run_locust(args.port, args.users, args.spawn_rate, args.seconds, ids,
                           args.locustfile)
        memory_end = memory(server.pid)
        load_average = [round(x, 2) for x in os.getloadavg()]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    result = {
        "users": args.users, "seconds": args.seconds, "workers": args.workers,
        "scale": args.scale, **stats, "load_average": load_average,
        "memory_mb": {"start": memory_start, "end": memory_end},
        "generator": generate.GENERATOR_VERSION,
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[args.key] = {**results.get(args.key, {}), **result}
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "pages"}, indent=2))
    for name, page in sorted(result["pages"].items()):
        print(f"{name:22} p50 {page['p50_ms']:7.0f} ms  p95 {page['p95_ms']:7.0f} ms  "
              f"{page['requests']:6} requests  {page['errors']} errors")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
