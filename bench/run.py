"""Measure pages at 1 %, 10 % and 100 % of a large association on SQLite and PostgreSQL;
write bench/results.json.

For every page: the median time of ``--runs`` requests (after warm-up) and the number of SQL
statements one request issues, on the small (1 %), medium (10 %) and large (100 %) database.
Requests to the three are interleaved run by run, so a burst of load on the machine hits all
alike. Targets (issue 13): constant queries; a searched or filtered register view at most 1.5
times slower at 100 % than at 10 % (at 1 % it shows 0-3 rows), every other page at 100 % than
at 1 %; matching at most 100 ms at full size; the proposal form under 60 KB. Then a gunicorn
worker serves every page three times over HTTP and its memory (RSS) is read.

Usage::

    python -m bench.run                  # SQLite files in bench/data/ (generated if missing),
                                         # then PostgreSQL on 127.0.0.1:5432 (made, dropped)
    python -m bench.run --runs 31 --regenerate
    python -m bench.run --engines sqlite --only matching.project placements.new
    python -m bench.run --rss-only --keep   # only a warm worker's memory (PostgreSQL, 100 %)

``bench/results.json`` gets ``{"sqlite": {page: {...}}, "postgresql": {page: {...}},
"worker_rss_mb": ...}``, other keys (load, soak, imports, planner) kept; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import generate

RESULTS = Path(__file__).parent / "results.json"
SMALL, MEDIUM, LARGE = 0.01, 0.1, 1.0
SIZES = ("small", "medium", "large")
#: Most a register, detail page or the overview may slow down from 1 % to 100 %.
MAX_RATIO = 1.5
#: Matching one project against every volunteer: median at full size, in milliseconds.
MATCHING_MAX_MS = 100.0
#: Largest page a form may weigh at full size (the placement form listed 10,000 volunteers).
FORM_MAX_BYTES = 60_000


@dataclass
class Page:
    """One measured page. ``kind`` decides the target: register, detail, overview, matching."""

    name: str
    kind: str
    endpoint: str
    args: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda ids: {})
    #: A searched or filtered register view: judged at 100 % against 10 %, since at 1 % it
    #: shows 0-3 rows and the ratio would measure the page's size, not the data.
    sparse_at_small: bool = False


PAGES: list[Page] = [
    Page("volunteers.list", "register", "volunteers.index"),
    Page("volunteers.search", "register", "volunteers.index", lambda ids: {"q": "lea"},
         sparse_at_small=True),
    Page("volunteers.filter", "register", "volunteers.index",
         lambda ids: {"nationality": "FR", "status": "active"},
         sparse_at_small=True),
    Page("organisations.list", "register", "organisations.index"),
    Page("organisations.search", "register", "organisations.index",
         lambda ids: {"q": "association"},
         sparse_at_small=True),
    Page("organisations.filter", "register", "organisations.index",
         lambda ids: {"kind": "sending"},
         sparse_at_small=True),
    Page("sites.list", "register", "sites.index"),
    Page("sites.search", "register", "sites.index", lambda ids: {"q": "tetouan"},
         sparse_at_small=True),
    Page("sites.filter", "register", "sites.index", lambda ids: {"kind": "primary_school"},
         sparse_at_small=True),
    Page("projects.list", "register", "projects.index"),
    Page("projects.search", "register", "projects.index", lambda ids: {"q": "painting"},
         sparse_at_small=True),
    Page("projects.filter", "register", "projects.index",
         lambda ids: {"status": "completed", "theme": "education"},
         sparse_at_small=True),
    Page("placements.list", "register", "placements.index"),
    Page("placements.search", "register", "placements.index",
         lambda ids: {"volunteer_id": ids["volunteer"]},
         sparse_at_small=True),
    Page("placements.filter", "register", "placements.index",
         lambda ids: {"status": "confirmed", "site": ids["site"]},
         sparse_at_small=True),
    Page("hours.queue", "register", "hours.queue"),
    Page("hours.queue.all", "register", "hours.queue", lambda ids: {"status": "all"}),
    Page("hours.queue.filter", "register", "hours.queue",
         lambda ids: {"project": ids["queue_project"], "volunteer": ids["queue_name"]},
         sparse_at_small=True),
    Page("volunteers.detail", "detail", "volunteers.detail",
         lambda ids: {"volunteer_id": ids["volunteer"]}),
    Page("projects.detail", "detail", "projects.detail",
         lambda ids: {"project_id": ids["project"]}),
    Page("placements.detail", "detail", "placements.detail",
         lambda ids: {"placement_id": ids["placement"]}),
    Page("overview", "overview", "main.home"),
    Page("matching.project", "matching", "placements.match_for_project",
         lambda ids: {"project_id": ids["match_project"]}),
    Page("matching.volunteer", "matching", "placements.match_for_volunteer",
         lambda ids: {"volunteer_id": ids["volunteer"]}),
    Page("placements.new", "form", "placements.new",
         lambda ids: {"volunteer_id": ids["volunteer"], "project_id": ids["project"]}),
]


# --- datasets ---------------------------------------------------------------------------------


def _dataset(label: str, scale: float, postgres: str | None, regenerate: bool) -> str:
    """The URL of an up-to-date dataset for ``scale``, generated when missing or stale."""
    generate.DATA_DIR.mkdir(exist_ok=True)
    meta_path = generate.DATA_DIR / f"{label}{'-pg' if postgres else ''}.json"
    if postgres:
        url = sa.make_url(postgres).set(database=f"aljisr_bench_{label}")
        url = url.render_as_string(hide_password=False)
    else:
        url = generate.sqlite_url(generate.DATA_DIR / f"{label}.sqlite3")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    from aljisr.dates import association_today

    fresh = (
        meta.get("version") == generate.GENERATOR_VERSION
        and meta.get("schema") == generate.schema_head()
        and meta.get("scale") == scale
        and meta.get("today") == association_today().isoformat()
        and (postgres or Path(sa.make_url(url).database or "").exists())
    )
    if regenerate or not fresh:
        print(f"generating the {label} dataset ({scale:g} of full size)…", flush=True)
        url = generate.reset_target(url)
        meta = generate.generate(url, scale)
        meta["url"] = url
        meta_path.write_text(json.dumps(meta, indent=2))
    return str(meta.get("url", url))


def _pick_ids(db: Any) -> dict[str, Any]:
    """Records whose pages are measured, chosen the same way at both sizes: a busy volunteer,
    a project running today (or the latest), one of its placements, a project to match (one
    that requires a language), the site with the most confirmed placements."""
    from aljisr.hours.models import HoursEntry, HoursStatus
    from aljisr.placements.models import Placement, PlacementStatus
    from aljisr.projects.models import Project
    from aljisr.volunteers.models import Volunteer

    session = db.session
    volunteer = session.execute(
        sa.select(Placement.volunteer_id, sa.func.count().label("n"))
        .group_by(Placement.volunteer_id)
        .order_by(sa.desc("n"), Placement.volunteer_id)
        .limit(1)
    ).scalar_one()
    project = session.scalar(
        sa.select(Project.id).order_by(
            sa.case((Project.status == "in_progress", 0), (Project.status == "open", 1), else_=2),
            Project.end_date.desc(),
        ).limit(1)
    )
    # the newest open (else running) project, preferring one that requires a language, so
    # that both sizes run the same queries (candidates' languages are read only when needed)
    projects = session.execute(
        sa.select(Project.id, Project.required_languages).order_by(
            sa.case((Project.status == "open", 0), (Project.status == "in_progress", 1), else_=2),
            Project.start_date.desc(),
        )
    ).all()
    match_project = next((pid for pid, languages in projects if languages), projects[0][0])
    placement = session.scalar(
        sa.select(Placement.id).where(Placement.project_id == project)
        .order_by(Placement.start_date.desc()).limit(1)
    )
    # the site with the most confirmed placements, so that the filter "confirmed at this site"
    # shows rows at both sizes (it filtered active placements at the running project's site,
    # and the 10 % dataset has no active placement: the ratio compared an empty page with a
    # full one)
    site = session.scalar(
        sa.select(Project.site_id)
        .join(Placement, Placement.project_id == Project.id)
        .where(Placement.status == PlacementStatus.CONFIRMED)
        .group_by(Project.site_id)
        .order_by(sa.func.count().desc(), Project.site_id)
        .limit(1)
    ) or session.scalar(sa.select(Project.site_id).where(Project.id == project))
    # a submitted entry, to filter the hours queue by its project and its volunteer's surname
    queue_project, queue_name = session.execute(
        sa.select(Placement.project_id, Volunteer.full_name)
        .join(HoursEntry, HoursEntry.placement_id == Placement.id)
        .join(Volunteer, Volunteer.id == Placement.volunteer_id)
        .where(HoursEntry.status == HoursStatus.SUBMITTED)
        .order_by(HoursEntry.id)
        .limit(1)
    ).one()
    return {"volunteer": volunteer, "project": project, "placement": placement, "site": site,
            "match_project": match_project, "queue_project": queue_project,
            "queue_name": queue_name.split()[-1]}


class Target:
    """An app on one dataset, a signed-in coordinator client, and a statement counter."""

    def __init__(self, label: str, url: str) -> None:
        from aljisr import create_app
        from aljisr.auth.models import User
        from aljisr.extensions import db

        self.label = label
        self.app = create_app({
            "DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        })
        self.statements = 0
        with self.app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._count)
            user = db.session.scalar(sa.select(User).where(User.email ==
                                                           generate.BENCH_COORDINATOR))
            self.ids = _pick_ids(db)
            user_id = user.get_id()
            db.session.remove()
        self.client = self.app.test_client()
        with self.client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    def url(self, page: Page) -> str | None:
        from werkzeug.routing import BuildError

        if page.endpoint not in self.app.view_functions:
            return None
        with self.app.test_request_context():
            from flask import url_for

            try:
                return url_for(page.endpoint, **page.args(self.ids))
            except (BuildError, KeyError):
                return None

    def request(self, url: str) -> tuple[float, float, int, int, int]:
        """(milliseconds, CPU milliseconds of this process, SQL statements, status code, bytes
        of the body) of one GET. CPU time leaves out waiting for a busy machine's
        processors."""
        before = self.statements
        started, cpu = time.perf_counter(), time.process_time()
        response = self.client.get(url)
        body = response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        response.close()
        return elapsed, cpu_ms, self.statements - before, response.status_code, len(body)

    def close(self) -> None:
        """Let go of the database (its connections), so that it can be dropped."""
        from aljisr.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def measure(page: Page, targets: dict[str, Target], runs: int, warmup: int) -> dict[str, Any]:
    """Median wall and CPU time and SQL statements of ``page`` on each of ``targets`` (keys
    from :data:`SIZES`), requests interleaved size by size, with the verdict against the
    targets (which compare "small" and "large" only)."""
    urls = {key: target.url(page) for key, target in targets.items()}
    if None in urls.values():
        return {"kind": page.kind, "status": "missing", "endpoint": page.endpoint,
                "meets_target": False,
                "queries_small": None, "queries_large": None,
                "median_ms_small": None, "median_ms_large": None}
    times: dict[str, list[float]] = {key: [] for key in targets}
    cpu: dict[str, list[float]] = {key: [] for key in targets}
    queries: dict[str, set[int]] = {key: set() for key in targets}
    sizes: dict[str, int] = {}
    statuses: set[int] = set()
    order = list(targets)
    for run in range(warmup + runs):
        for key in order if run % 2 == 0 else reversed(order):
            elapsed, cpu_ms, count, status, size = targets[key].request(urls[key])
            statuses.add(status)
            sizes[key] = size
            if run >= warmup:
                times[key].append(elapsed)
                cpu[key].append(cpu_ms)
                queries[key].add(count)
    result: dict[str, Any] = {"kind": page.kind}
    for key in targets:
        result[f"url_{key}"] = urls[key]
    for key in targets:
        result[f"queries_{key}"] = max(queries[key])
    for key in targets:
        result[f"median_ms_{key}"] = round(statistics.median(times[key]), 1)
    result["ratio"] = round(result["median_ms_large"] / result["median_ms_small"], 2)
    if "medium" in targets:
        result["ratio_large_to_medium"] = round(
            result["median_ms_large"] / result["median_ms_medium"], 2)
    for key in targets:
        result[f"median_cpu_ms_{key}"] = round(statistics.median(cpu[key]), 1)
    result["cpu_ratio"] = round(result["median_cpu_ms_large"] / result["median_cpu_ms_small"], 2)
    for key in targets:
        result[f"html_bytes_{key}"] = sizes[key]
    result["status"] = "ok" if statuses == {200} else f"http {sorted(statuses)}"
    result.update(_verdict(page, result))
    return result


def _verdict(page: Page, r: dict[str, Any]) -> dict[str, Any]:
    """The targets of issue 13: constant queries everywhere; matching at most
    :data:`MATCHING_MAX_MS` at full size; a searched or filtered register view at most
    :data:`MAX_RATIO` times slower at 100 % than at 10 %, every other page than at 1 %; a form
    also under :data:`FORM_MAX_BYTES` at full size."""
    problems = []
    if r["queries_large"] != r["queries_small"]:
        problems.append("query count grows with the data")
    if page.kind == "matching":
        target = f"median at full size <= {MATCHING_MAX_MS:g} ms; constant queries"
        if r["median_ms_large"] > MATCHING_MAX_MS:
            problems.append(f"{r['median_ms_large']} ms at full size")
    elif page.sparse_at_small:
        target = f"median 100 % <= {MAX_RATIO:g} x median 10 %; constant queries"
        if r["ratio_large_to_medium"] > MAX_RATIO:
            problems.append(f"{r['ratio_large_to_medium']} x slower at 100 % than at 10 %")
    else:
        target = f"median large <= {MAX_RATIO:g} x median small; constant queries"
        if r["ratio"] > MAX_RATIO:
            problems.append(f"{r['ratio']} x slower at full size")
    if page.kind == "form":
        target += f"; under {FORM_MAX_BYTES // 1000} KB at full size"
        if r["html_bytes_large"] >= FORM_MAX_BYTES:
            problems.append(f"{r['html_bytes_large']} bytes at full size")
    if r["status"] != "ok":
        problems.append(r["status"])
    return {"target": target, "meets_target": not problems, "problems": problems}


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


ENGINES = ("sqlite", "postgresql")
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _reachable(server: str) -> bool:
    try:
        engine = sa.create_engine(_psycopg(server), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not there"
        return False


def _psycopg(url: str) -> str:
    from aljisr.config import normalise_database_url

    return normalise_database_url(url)


def _drop(urls: list[str]) -> None:
    """Drop the PostgreSQL databases ``urls`` (made by this run)."""
    for url in urls:
        parsed = sa.make_url(_psycopg(url))
        admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        admin.dispose()


def run_engine(engine: str, args: argparse.Namespace) -> tuple[dict[str, Any], int, list[str]]:
    """Measure every page on one engine: (entries by page name, pages missing a target, the
    URLs of the databases, large last)."""
    scales = {"small": SMALL, "medium": MEDIUM, "large": LARGE}
    postgres = args.postgres if engine == "postgresql" else None
    # PostgreSQL: databases of this run's own (aljisr_bench_run_*), made and then dropped,
    # apart from the load test's and anyone else's
    urls = {key: _dataset(f"run_{key}" if postgres else key, scales[key], postgres,
                          args.regenerate or (postgres is not None and not args.keep))
            for key in SIZES}
    targets = {key: Target(key, urls[key]) for key in SIZES}
    measured = [p for p in PAGES if not args.only or p.name in args.only]
    print(f"\n{engine}: load average before: {_load()}")
    print(f"{'page':24} {'q 1%':>5} {'q 100%':>6} {'ms 1%':>7} {'ms 10%':>7} {'ms 100%':>8} "
          f"{'ratio':>6} {'cpu':>5} {'100/10':>6}  verdict")
    failures = 0
    results: dict[str, Any] = {}
    for page in measured:
        r = measure(page, targets, args.runs, args.warmup)
        results[page.name] = r
        if r["status"] == "missing":
            print(f"{page.name:24} missing ({page.endpoint} does not exist yet)")
            failures += 1
            continue
        verdict = "ok" if r["meets_target"] else "MISSED: " + "; ".join(r["problems"])
        failures += not r["meets_target"]
        print(f"{page.name:24} {r['queries_small']:>5} {r['queries_large']:>6} "
              f"{r['median_ms_small']:>7} {r['median_ms_medium']:>7} {r['median_ms_large']:>8} "
              f"{r['ratio']:>6} {r['cpu_ratio']:>5} {r['ratio_large_to_medium']:>6}  {verdict}",
              flush=True)
    for target in targets.values():
        target.close()
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return results, failures, [urls[key] for key in SIZES]


def worker_rss(url: str, pages: list[str], repeat: int = 3) -> float:
    """RSS in MB of a warm gunicorn worker (sync, ``gunicorn.conf.py``, one worker) serving
    ``url``'s data, after a signed-in coordinator asked every one of ``pages`` ``repeat``
    times over HTTP: what a worker holds once it has served the bench's mix."""
    import http.cookiejar
    import re
    import socket
    import urllib.parse
    import urllib.request

    from bench.load import memory, start_gunicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = start_gunicorn(url, port, 1)
    base = f"http://127.0.0.1:{port}"
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(f"{base}/login", timeout=60).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        form = urllib.parse.urlencode({"email": generate.BENCH_COORDINATOR,
                                       "password": generate.BENCH_PASSWORD,
                                       "csrf_token": token.group(1) if token else ""})
        opener.open(f"{base}/login", data=form.encode(), timeout=60).read()
        for _ in range(repeat):
            for path in pages:
                opener.open(f"{base}{path}", timeout=120).read()
        workers = {k: v for k, v in memory(server.pid).items() if k != "master"}
        return max(workers.values())
    finally:
        server.send_signal(__import__("signal").SIGTERM)
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="measured requests per page and size")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the datasets")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="sqlite, postgresql or both (PostgreSQL is skipped, with a "
                             "message, when its server does not answer)")
    parser.add_argument("--postgres", metavar="SERVER_URL", default=DEFAULT_SERVER,
                        help="the PostgreSQL server on which the run creates (and then drops) "
                             "its databases aljisr_bench_run_small/_medium/_large")
    parser.add_argument("--keep", action="store_true",
                        help="keep the PostgreSQL databases (and reuse them if up to date)")
    parser.add_argument("--no-rss", action="store_true", help="skip the worker memory")
    parser.add_argument("--rss-only", action="store_true",
                        help="measure only the worker memory (on the full-size dataset of the "
                             "last engine in --engines; PostgreSQL by default), no page timings")
    parser.add_argument("--only", nargs="*", help="measure only these pages (names)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    os.environ.setdefault("ALJISR_SECRET_KEY", "bench")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if args.rss_only:
        engines = engines[-1:]
    output = args.output
    results: dict[str, Any] = json.loads(output.read_text()) if output.exists() else {}
    page_names = {p.name for p in PAGES}
    # the per-page entries of the old shape (one engine, at the top) move under "sqlite"
    results = {k: v for k, v in results.items() if k not in page_names}
    failures = 0
    rss_url: str | None = None
    made: list[str] = []
    try:
        for engine in engines:
            if engine == "postgresql" and not _reachable(args.postgres):
                print(f"PostgreSQL does not answer at {args.postgres}: skipped")
                continue
            if args.rss_only:
                postgres = args.postgres if engine == "postgresql" else None
                # a database of its own: another checkout's run may drop aljisr_bench_run_large
                rss_url = _dataset("rss_large" if postgres else "large", LARGE, postgres,
                                   args.regenerate or (postgres is not None and not args.keep))
                if postgres and not args.keep:
                    made.append(rss_url)
                continue
            measured, missed, urls = run_engine(engine, args)
            failures += missed
            if engine == "postgresql" and not args.keep:
                made += urls
            entry = {k: v for k, v in results.get(engine, {}).items() if k not in measured}
            results[engine] = dict(sorted({**entry, **measured}.items()))
            rss_url = urls[-1] if engine == "postgresql" or rss_url is None else rss_url
        if rss_url and not args.no_rss:
            with_rss = PAGES  # the whole mix, whatever was measured
            sample = Target("large", rss_url)
            paths = [u for u in (sample.url(p) for p in with_rss) if u]
            sample.close()
            results["worker_rss_mb"] = worker_rss(rss_url, paths)
            results["worker_rss"] = {
                "engine": sa.make_url(rss_url).get_backend_name(), "pages": len(paths),
                "requests_each": 3, "load_average": [round(x, 2) for x in os.getloadavg()]}
            print(f"\nwarm worker after the bench mix: {results['worker_rss_mb']} MB RSS "
                  f"({results['worker_rss']['engine']})")
    finally:
        if made:
            _drop(made)
    results = dict(sorted(results.items()))
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {output} ({date.today()}, python {platform.python_version()}, "  # noqa: DTZ011
          f"{os.cpu_count()} cores, {', '.join(engines)}); {failures} page(s) missed a target; "
          f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
