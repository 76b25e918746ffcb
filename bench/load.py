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


def start_gunicorn(url: str, port: int, workers: int,
                   logs: Path | None = None) -> subprocess.Popen[bytes]:
    """gunicorn serving the app on ``url``; returns once /healthz answers. With ``logs`` (a
    directory), its access log and error log (tracebacks included) are written there as
    ``gunicorn-access.log`` and ``gunicorn-error.log``."""
    env = dict(os.environ, ALJISR_DATABASE_URL=url, ALJISR_SECRET_KEY=secrets.token_hex(16),
               ALJISR_RATELIMIT_ENABLED="false", ALJISR_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    command = [str(BIN / "gunicorn")]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    command += ["--workers", str(workers), "--worker-class", "sync",
                "--bind", f"127.0.0.1:{port}",
                "--access-logfile", str(logs / "gunicorn-access.log") if logs else "/dev/null",
                *(["--error-logfile", str(logs / "gunicorn-error.log")] if logs else []),
                "wsgi:app"]
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
               locustfile: Path, classes: tuple[str, ...] = ("Coordinator",),
               extra_env: dict[str, str] | None = None,
               keep: Path | None = None) -> dict[str, Any]:
    """Run locust headless with the user ``classes`` of ``locustfile``; return its per-page
    and aggregated statistics, each kind of failure (page, message, count) from locust's
    ``_failures.csv``, and the expected refusals counted by the locustfile (``LOAD_REFUSALS``,
    422 answers that are the app's rules, not errors). With ``keep`` (a directory) locust's
    CSV files stay there (``locust_stats.csv``, ``locust_failures.csv``, ...)."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = (keep or Path(tmp)) / ("locust" if keep else "load")
        env = dict(os.environ, LOAD_IDS=json.dumps(ids), LOAD_REFUSALS=f"{prefix}_refusals.json",
                   **(extra_env or {}))
        subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "-f", str(locustfile), "--headless", "--only-summary",
             "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
             "--exit-code-on-error", "0", "--stop-timeout", "10", *classes],
            env=env, check=True, cwd=ROOT,
        )
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        with open(f"{prefix}_failures.csv", newline="") as handle:
            failures = [
                {"page": row["Name"], "method": row["Method"], "error": row["Error"],
                 "count": int(row["Occurrences"])}
                for row in csv.DictReader(handle)
            ]
        refusals_file = Path(f"{prefix}_refusals.json")
        refusals = json.loads(refusals_file.read_text()) if refusals_file.exists() else {}
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
        "failures": sorted(failures, key=lambda f: -f["count"]),
        "refusals": refusals,
    }


SOAK_PASSWORD = "soak-volunteer"


def soak_volunteers(url: str, count: int) -> list[str]:
    """Sign-in accounts (e-mail addresses) for up to ``count`` volunteers with a placement
    running today, created once and reused (password :data:`SOAK_PASSWORD`)."""
    from aljisr import create_app
    from aljisr.auth.models import User
    from aljisr.dates import association_today
    from aljisr.extensions import db
    from aljisr.permissions import Role
    from aljisr.placements.models import Placement, PlacementStatus
    from aljisr.volunteers.models import Volunteer

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "soak", "TESTING": True,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    emails = []
    with app.app_context():
        today = association_today()
        volunteers = db.session.scalars(
            sa.select(Volunteer).where(Volunteer.id.in_(
                sa.select(Placement.volunteer_id).where(
                    Placement.status == PlacementStatus.ACTIVE, Placement.start_date <= today,
                    Placement.end_date >= today)
            )).order_by(Volunteer.id).limit(count)
        ).all()
        for volunteer in volunteers:
            email = f"soak-{volunteer.id}@aljisr.example.org"
            if volunteer.user is None:
                user = User(email=email, display_name=volunteer.full_name, role=Role.VOLUNTEER)
                user.set_password(SOAK_PASSWORD)
                db.session.add(user)
                db.session.flush()
                volunteer.user_id = user.id
            emails.append(volunteer.user.email if volunteer.user else email)
        db.session.commit()
    return emails


class Mailer:
    """The mail side of the soak: a real SMTP server (aiosmtpd, a sink) on 127.0.0.1, the real
    ``flask worker`` delivering to it, and a thread that queues ``per_minute`` messages through
    :func:`aljisr.mail.send_mail`, as the app's own changes do."""

    def __init__(self, url: str, smtp_port: int, per_minute: int) -> None:
        self.url, self.smtp_port, self.per_minute = url, smtp_port, per_minute
        self.received = 0
        self.queued = 0
        self._stop = False

    def start(self) -> None:
        import threading

        from aiosmtpd.controller import Controller

        mailer = self

        class Count:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                mailer.received += 1
                return "250 OK"

        self.smtp = Controller(Count(), hostname="127.0.0.1", port=self.smtp_port)
        self.smtp.start()
        env = dict(os.environ, ALJISR_DATABASE_URL=self.url, ALJISR_SECRET_KEY="soak",
                   ALJISR_MAIL_SERVER="127.0.0.1", ALJISR_MAIL_PORT=str(self.smtp_port),
                   ALJISR_MAIL_USE_TLS="false")
        self.worker = subprocess.Popen(  # noqa: S603
            [str(BIN / "flask"), "--app", "aljisr", "worker"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL)
        self.thread = threading.Thread(target=self._queue, daemon=True)
        self.thread.start()

    def _queue(self) -> None:
        from aljisr import create_app
        from aljisr.extensions import db
        from aljisr.mail import send_mail

        app = create_app({"DATABASE_URL": self.url, "SECRET_KEY": "soak", "TESTING": True})
        while not self._stop:
            with app.app_context():
                send_mail(f"soak-{self.queued}@example.org", "Soak", "A message of the soak.")
                db.session.commit()
            self.queued += 1
            time.sleep(60 / self.per_minute)

    def stop(self) -> dict[str, int]:
        self._stop = True
        self.thread.join(timeout=10)
        time.sleep(20)  # let the worker deliver what is queued
        self.worker.send_signal(signal.SIGTERM)
        self.worker.wait(timeout=30)
        self.smtp.stop()
        return {"queued": self.queued, "received": self.received}


def _commit() -> str:
    """The short commit measured, with ``+`` when the worktree has uncommitted changes;
    ``BENCH_COMMIT`` when set (a copy made by ``git archive`` has no history)."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True,  # noqa: S603,S607
                              text=True, check=False).stdout.strip()
    return git("rev-parse", "--short", "HEAD") + ("+" if git("status", "--porcelain") else "")


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
    parser.add_argument("--soak", action="store_true",
                        help="the soak: coordinators and volunteers logging hours, the worker "
                             "sending; writes the 'soak' key (default 3,600 s, 30 users)")
    parser.add_argument("--smtp-port", type=int, default=8826)
    parser.add_argument("--mail-per-minute", type=int, default=30)
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="the results file to write (default bench/results.json)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep locust's CSV files and gunicorn's access and error logs in "
                             "DIR (the soak keeps them in bench/data/soak-<time> by default)")
    args = parser.parse_args(argv)
    if args.soak:
        args.key = "soak" if args.key == "load" else args.key
        if args.seconds == 60:
            args.seconds = 3600
        if args.users == 50:
            args.users = 30

    label = "large" if args.scale == 1.0 else f"load{args.scale:g}"
    if args.soak:
        # a database of its own, so a load test or bench run started meanwhile (which
        # regenerates aljisr_bench_large when its day or schema changed) cannot drop it
        label = f"soak_{label}"
        if args.keep is None:
            args.keep = Path(__file__).parent / "data" / time.strftime("soak-%Y%m%dT%H%M%S")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    url = _dataset(label, args.scale, args.postgres, args.regenerate)
    ids = _sample_ids(url)
    classes: tuple[str, ...] = ("Coordinator",)
    extra_env: dict[str, str] = {}
    mailer = None
    if args.soak:
        classes = ("Coordinator", "Volunteer")
        extra_env = {"LOAD_VOLUNTEERS": json.dumps(soak_volunteers(url, 20)),
                     "LOAD_VOLUNTEER_PASSWORD": SOAK_PASSWORD}
        mailer = Mailer(url, args.smtp_port, args.mail_per_minute)
        mailer.start()
    load_average = {"start": [round(x, 2) for x in os.getloadavg()]}
    server = start_gunicorn(url, args.port, args.workers, args.keep)
    mail: dict[str, int] = {}
    memory_start: dict[str, float] = {}
    # memory "at the start" is read once the processes are warm (every page served a few
    # times): a tenth of the run, at most five minutes in
    warmup = min(300.0, args.seconds / 10)

    def sample_start() -> None:
        memory_start.update(memory(server.pid))
        if mailer:
            memory_start["flask worker"] = rss_mb(mailer.worker.pid)

    import threading

    sampler = threading.Timer(warmup, sample_start)
    sampler.start()
    middle = threading.Timer(
        args.seconds / 2,
        lambda: load_average.update(middle=[round(x, 2) for x in os.getloadavg()]))
    middle.start()
    try:
        stats = run_locust(args.port, args.users, args.spawn_rate, args.seconds, ids,
                           args.locustfile, classes, extra_env, args.keep)
        sampler.join()
        memory_end = memory(server.pid)
        if mailer:
            memory_end["flask worker"] = rss_mb(mailer.worker.pid)
        load_average["end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        middle.cancel()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if mailer:
            mail = mailer.stop()
    result = {
        "users": args.users, "seconds": args.seconds, "workers": args.workers,
        "memory_start_after_s": warmup,
        **({"volunteer_accounts": len(json.loads(extra_env["LOAD_VOLUNTEERS"]))}
           if args.soak else {}),
        "scale": args.scale, **stats, "load_average": load_average,
        "memory_mb": {"start": memory_start, "end": memory_end},
        "memory_growth": {name: round(memory_end[name] / memory_start[name], 3)
                          for name in memory_start if name in memory_end and memory_start[name]},
        **({"mail": mail} if mail else {}),
        "generator": generate.GENERATOR_VERSION,
        "commit": _commit(),
        **({"kept": str(args.keep.resolve().relative_to(ROOT)
                        if args.keep.resolve().is_relative_to(ROOT) else args.keep)}
           if args.keep else {}),
    }
    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    # the soak's entry is replaced whole (no figure of an earlier run left beside the new ones)
    results[args.key] = result if args.soak else {**results.get(args.key, {}), **result}
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "pages"}, indent=2))
    for name, page in sorted(result["pages"].items()):
        print(f"{name:22} p50 {page['p50_ms']:7.0f} ms  p95 {page['p95_ms']:7.0f} ms  "
              f"{page['requests']:6} requests  {page['errors']} errors")
    for failure in result["failures"]:
        print(f"{failure['count']:6} × {failure['method']} {failure['page']}: {failure['error']}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
