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
                   root: Path = ROOT, logs: Path | None = None) -> subprocess.Popen[bytes]:
    """gunicorn serving the app on ``url`` from the checkout at ``root`` (this one by default;
    another one's ``aljisr`` package is put first on the path); returns once /healthz
    answers. With ``logs`` (a directory), its access log and error log (tracebacks included)
    are written there as ``gunicorn-access.log`` and ``gunicorn-error.log``."""
    env = dict(os.environ, ALJISR_DATABASE_URL=url, ALJISR_SECRET_KEY=secrets.token_hex(16),
               ALJISR_RATELIMIT_ENABLED="false", ALJISR_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    if root != ROOT:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    command = [str(BIN / "gunicorn")]
    if (root / "gunicorn.conf.py").exists():
        command += ["-c", str(root / "gunicorn.conf.py")]
    command += ["--workers", str(workers), "--worker-class", "sync", "--chdir", str(root),
                "--bind", f"127.0.0.1:{port}",
                "--access-logfile", str(logs / "gunicorn-access.log") if logs else "/dev/null",
                *(["--error-logfile", str(logs / "gunicorn-error.log")] if logs else []),
                "wsgi:app"]
    process = subprocess.Popen(command, cwd=root, env=env)  # noqa: S603
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


class Checkout:
    """A temporary checkout of git revision ``rev`` (``git worktree add --detach``), with its
    translations compiled, removed on exit: the code before a change, served on the same data
    so that a load test can measure before and after in one run on one machine."""

    def __init__(self, rev: str) -> None:
        self.rev = rev
        self.path = Path(tempfile.mkdtemp(prefix="aljisr-before-"))

    def __enter__(self) -> Path:
        subprocess.run(["git", "worktree", "add", "--detach", "--force", str(self.path),  # noqa: S603, S607
                        self.rev], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        try:
            subprocess.run([str(BIN / "pybabel"), "-q", "compile", "-d",  # noqa: S603
                            str(self.path / "aljisr" / "translations")], check=True)
        except BaseException:
            self.__exit__()
            raise
        return self.path

    def __exit__(self, *_exc: object) -> None:
        subprocess.run(["git", "worktree", "remove", "--force", str(self.path)],  # noqa: S603, S607
                       cwd=ROOT, check=False)


def cheap_sign_in(url: str) -> None:
    """Hash the bench coordinator's password with one PBKDF2 round (as the tests do).

    With the production setting (scrypt), 50 users signing in at once on two shared cores took
    20 s each and filled a 30 s round: the load test measured password hashing, not pages.
    Signing in is still part of the mix (the form, the check, the session); its hash cost is a
    setting, the same for every revision served."""
    from werkzeug.security import generate_password_hash

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET password_hash = :hash WHERE email = :email"), {
            "hash": generate_password_hash(generate.BENCH_PASSWORD, "pbkdf2:sha256:1"),
            "email": generate.BENCH_COORDINATOR})
    engine.dispose()


def _merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One set of figures from locust runs of equal length: requests and errors added,
    requests per second averaged, and each page's p50/p95 the mean of the runs' weighted by
    their requests (an approximation: locust keeps no raw times)."""
    pages: dict[str, dict[str, Any]] = {}
    for run in runs:
        for name, page in run["pages"].items():
            merged = pages.setdefault(name, {"p50_ms": 0.0, "p95_ms": 0.0, "requests": 0,
                                             "errors": 0})
            merged["p50_ms"] += page["p50_ms"] * page["requests"]
            merged["p95_ms"] += page["p95_ms"] * page["requests"]
            merged["requests"] += page["requests"]
            merged["errors"] += page["errors"]
    for page in pages.values():
        for key in ("p50_ms", "p95_ms"):
            page[key] = round(page[key] / page["requests"]) if page["requests"] else None
    return {"requests": sum(r["requests"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
            "req_per_s": round(sum(r["req_per_s"] for r in runs) / len(runs), 1),
            "pages": dict(sorted(pages.items()))}


def compare(url: str, ids: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The coordinators against revision ``args.before`` and against this checkout, on the
    same data, in ``args.rounds`` alternating rounds (before, after, after, before, ...:
    a drift of the machine's load hits both alike), ``args.seconds`` in all for each side;
    both servers run the whole time, each idle while the other is measured."""
    commit = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT,  # noqa: S603, S607
                            check=True, capture_output=True, text=True).stdout.strip()
    seconds = max(10, args.seconds // args.rounds)
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    load: dict[str, list[list[float]]] = {"before": [], "after": []}
    with Checkout(args.before) as checkout:
        print(f"before: {args.before} ({commit}) served from {checkout}", flush=True)
        servers = {"before": start_gunicorn(url, args.port + 1, args.workers, checkout),
                   "after": start_gunicorn(url, args.port, args.workers)}
        ports = {"before": args.port + 1, "after": args.port}
        memory_end: dict[str, dict[str, float]] = {}
        try:
            for round_ in range(args.rounds):
                order = ("before", "after") if round_ % 2 == 0 else ("after", "before")
                for side in order:
                    print(f"round {round_ + 1}: {side}, {seconds} s", flush=True)
                    runs[side].append(run_locust(ports[side], args.users, args.spawn_rate,
                                                 seconds, ids, args.locustfile))
                    load[side].append([round(x, 2) for x in os.getloadavg()])
                    memory_end[side] = memory(servers[side].pid)
        finally:
            for server in servers.values():
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
    after, before = _merge(runs["after"]), _merge(runs["before"])
    return {
        "users": args.users, "seconds": seconds * args.rounds, "workers": args.workers,
        "think_seconds": args.think,
        "rounds": args.rounds, "scale": args.scale, **after,
        "load_average": load["after"][-1], "load_averages": load["after"],
        "memory_mb": memory_end["after"],
        "before_commit": commit, "req_per_s_before": before["req_per_s"],
        "requests_before": before["requests"], "errors_before": before["errors"],
        "load_average_before": load["before"][-1], "load_averages_before": load["before"],
        "memory_mb_before": memory_end["before"], "pages_before": before["pages"],
        "generator": generate.GENERATOR_VERSION,
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


def _think(text: str) -> str:
    """``--think``: "MIN,MAX", seconds, 0 <= MIN <= MAX (locust's ``between``)."""
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not MIN,MAX in seconds") from None
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError(f"{text!r}: MIN must be 0 or more and at most MAX")
    return f"{low:g},{high:g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        metavar="SERVER_URL")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", default="1,3", metavar="MIN,MAX", type=_think,
                        help="seconds a coordinator reads between pages (locust's between); "
                             "shorter makes the run measure the server's capacity rather than "
                             "the users' pace")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--key", default="load", help="key of bench/results.json to write")
    parser.add_argument("--locustfile", type=Path,
                        default=Path(__file__).with_name("locustfile.py"))
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--soak", action="store_true",
                        help="the soak: coordinators and volunteers logging hours, the worker "
                             "sending; writes the 'soak' key (default 3,600 s, 30 users)")
    parser.add_argument("--before", metavar="REV",
                        help="also serve git revision REV (a temporary checkout) on the same "
                             "data and run the same users against it first: the figures "
                             "before a change, side by side (req_per_s_before, pages_before)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="with --before: alternating rounds (before, after, after, "
                             "before...) sharing --seconds for each side")
    parser.add_argument("--smtp-port", type=int, default=8826)
    parser.add_argument("--mail-per-minute", type=int, default=30)
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="the results file to write (default bench/results.json)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep locust's CSV files and gunicorn's access and error logs in "
                             "DIR (the soak keeps them in bench/data/soak-<time> by default)")
    args = parser.parse_args(argv)
    os.environ["LOAD_THINK"] = args.think  # read by the locustfile (run_locust passes os.environ)
    if args.soak:
        args.key = "soak" if args.key == "load" else args.key
        if args.seconds == 60:
            args.seconds = 3600
        if args.users == 50:
            args.users = 30

    # its own database, apart from the one bench.run creates and drops
    label = f"load{args.scale:g}".replace(".", "_")
    if args.soak:
        # a database of its own, so a load test or bench run started meanwhile (which
        # regenerates its data when its day or schema changed) cannot drop it
        label = f"soak_{label}"
        if args.keep is None:
            args.keep = Path(__file__).parent / "data" / time.strftime("soak-%Y%m%dT%H%M%S")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    url = _dataset(label, args.scale, args.postgres, args.regenerate)
    ids = _sample_ids(url)
    if not args.soak:
        cheap_sign_in(url)
    if args.before and not args.soak:
        return _report(args.key, compare(url, ids, args), args.results)
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
    server = start_gunicorn(url, args.port, args.workers, logs=args.keep)
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
        "think_seconds": args.think,
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
    # the soak's entry is replaced whole (no figure of an earlier run left beside the new ones)
    return _report(args.key, result, args.results, replace=args.soak)


def _report(key: str, result: dict[str, Any], path: Path = RESULTS, *,
            replace: bool = True) -> int:
    """Write ``result`` as the ``key`` of the results file ``path`` (replacing the entry, or
    with ``replace=False`` updating it), print it; 0 when it counted no error, else 1."""
    results = json.loads(path.read_text()) if path.exists() else {}
    results[key] = result if replace else {**results.get(key, {}), **result}
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return _print(result)


def _print(result: dict[str, Any]) -> int:
    print(json.dumps({k: v for k, v in result.items() if not k.startswith("pages")}, indent=2))
    old = result.get("pages_before", {})
    for name, page in sorted(result["pages"].items()):
        then = old.get(name)
        print(f"{name:22} p50 {page['p50_ms']:7.0f} ms  p95 {page['p95_ms']:7.0f} ms  "
              f"{page['requests']:6} requests  {page['errors']} errors"
              + (f"   before: p50 {then['p50_ms']:7.0f} p95 {then['p95_ms']:7.0f} "
                 f"({then['requests']} requests)" if then else ""))
    for failure in result.get("failures", []):
        print(f"{failure['count']:6} × {failure['method']} {failure['page']}: {failure['error']}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
