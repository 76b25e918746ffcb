"""Generate a large association for the benchmark, straight into a database with bulk inserts.

At ``--scale 1`` (the default): 10,000 volunteers, 300 projects, 40,000 placements and
400,000 hours entries, plus organisations, sites, languages and SDG tags in proportion; at
``--scale 0.01`` one hundredth of each. Data is random but reproducible (``--seed``) and shaped
like the real thing: projects spread from 2015 to a few months ahead, placements of two to
eight weeks inside their project, hours on weekdays, recent hours still submitted, names in
Latin (with accents), Cyrillic, Arabic, Greek, Japanese, Chinese and Korean scripts.
Capacity is respected loosely (this is a benchmark, not a fixture).

Usage::

    python -m bench.generate --scale 0.01 --out bench/data/small.sqlite3
    python -m bench.generate --database-url postgresql://postgres@127.0.0.1:5432/aljisr_bench

Rows go in with SQLAlchemy Core ``insert()`` and lists of dicts, in batches, after the schema
is built by the project's own migrations. The database is replaced if it exists.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from aljisr.text import search_key

#: Sizes at scale 1 (issue 3, item 7).
FULL_SIZE = {
    "volunteers": 10_000,
    "projects": 300,
    "placements": 40_000,
    "hours": 400_000,
    "sites": 80,
    "organisations": 150,
}
BATCH = 5_000
#: Bump when the data's shape changes, so bench.run regenerates stale files.
GENERATOR_VERSION = 3
DATA_DIR = Path(__file__).parent / "data"
BENCH_COORDINATOR = "bench-coordinator@aljisr.example.org"
BENCH_PASSWORD = "bench-aljisr"

FIRST_NAMES = [
    # Latin script, with accents
    "Yasmine", "Léa", "Théo", "Inès", "Camille", "Jonas", "Lena", "Maximilian", "María", "Pablo",
    "Lucía", "Javier", "Oliver", "Siobhán", "Priya", "George", "Chloé", "Zeynep", "João", "Emma",
    "Giulia", "Søren", "Ágnes", "Łukasz", "Noah", "Aigerim", "Björn", "Ana", "Karim", "Youssef",
    # Cyrillic, Arabic, Greek, CJK, Korean
    "Ольга", "Дмитро", "Олена", "Анна", "Иван", "فاطمة", "يوسف", "سلمى", "أحمد", "مريم",
    "Ιωάννα", "Νίκος", "さくら", "健", "王芳", "李娜", "민지", "서준",
]
LAST_NAMES = [
    "Haddad", "Fontaine", "Marchand", "Benali", "Rousseau", "Müller", "Schröder", "Weiß",
    "Fernández", "Ortega", "Navarro", "Ruiz", "Bennett", "O'Connor", "Raman", "Okafor", "Martin",
    "Yılmaz", "Pereira", "Lindqvist", "Bianchi", "Kowalska", "Novák", "Nurlanovna", "El Amrani",
    "Tazi", "Петренко", "Шевченко", "Бондаренко", "Ковальчук", "الإدريسي", "بنعلي", "العمراني",
    "Παπαδοπούλου", "山田", "佐藤", "王", "김", "이", "de la Concepción", "Dubois", "Jansen",
]
NATIONALITIES = [  # (ISO 3166-1 alpha-2, weight)
    ("FR", 18), ("DE", 12), ("ES", 10), ("GB", 9), ("MA", 9), ("IT", 6), ("BE", 5), ("NL", 4),
    ("UA", 4), ("JP", 3), ("US", 3), ("CA", 2), ("PL", 2), ("SE", 2), ("PT", 2), ("TN", 2),
    ("KR", 1), ("CN", 1), ("GR", 1), ("IE", 1), ("BR", 1), ("MX", 1), ("TR", 1), ("KZ", 1),
    ("CZ", 1), ("AT", 1), ("CH", 1), ("DZ", 1), ("SN", 1), ("NG", 1),
]
LANGUAGES = ["fr", "en", "ar", "es", "de", "it", "nl", "uk", "ja", "pt", "pl", "zh", "ko", "el"]
LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2", "native"]
SKILLS = ["masonry", "carpentry", "painting", "mural art", "plumbing", "electrics", "teaching",
          "logistics", "welding", "metalwork", "gardening", "first aid", "music", "sport"]
THEMES = ["education", "environment", "construction", "culture", "social"]
TOWNS = ["Tétouan", "Maggamane", "Martil", "Chefchaouen", "Tanger", "M'diq", "Fnideq",
         "Oued Laou", "Larache", "Asilah"]
VERBS = ["Renovating", "Painting", "Building", "Greening", "Teaching at", "Music at"]
SITE_KINDS = ["primary_school", "high_school", "school", "socio_educational_centre", "other"]
ACTIVITIES = ["Site preparation", "Painting classrooms", "Workshop with pupils", "Building work",
              "Cleaning and tidying", "Planning with teachers", "Garden beds", "Reading club",
              "Sports afternoon", "Mural design", "Repairing desks", "Electrics check"]


def sizes(scale: float) -> dict[str, int]:
    """Row counts for ``scale`` (at least 1 of each, 3 projects)."""
    result = {k: max(1, round(v * scale)) for k, v in FULL_SIZE.items()}
    result["projects"] = max(3, result["projects"])
    result["sites"] = max(2, result["sites"])
    result["organisations"] = max(6, result["organisations"])
    return result


def _batches(rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> Iterator[list[Any]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(conn: sa.Connection, table: sa.Table, rows: Any) -> int:
    count = 0
    for batch in _batches(rows):
        conn.execute(sa.insert(table), batch)
        count += len(batch)
    return count


def _pick(roll: float, *bands: tuple[float, str]) -> str:
    """The value of the first band whose upper bound is above ``roll`` (0 <= roll < 1)."""
    return next(value for bound, value in bands if roll < bound)


def _weekdays(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def generate(url: str, scale: float = 1.0, seed: int = 2014, today: date | None = None,
             verbose: bool = True) -> dict[str, Any]:
    """Build the schema at ``url`` (migrations) and fill it; return counts and timings."""
    from flask_migrate import upgrade

    from aljisr import create_app
    from aljisr.auth.models import User
    from aljisr.dates import association_today
    from aljisr.extensions import db
    from aljisr.permissions import Role

    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or association_today()
    n = sizes(scale)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        t = {name: db.metadata.tables[name] for name in db.metadata.tables}
        now = datetime.now(UTC)
        stamp = {"created_at": now, "updated_at": now}
        counts: dict[str, int] = {}
        postgres = db.engine.dialect.name == "postgresql"
        with db.engine.begin() as conn:
            if postgres:
                # bulk load: no per-row triggers (foreign keys, month totals); totals rebuilt below
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            # --- organisations and sites ---------------------------------------------------------
            orgs = []
            kinds = ["sending"] * 5 + ["host"] * 4 + ["funder"]
            for i in range(n["organisations"]):
                kind = kinds[i % len(kinds)]
                country = "MA" if kind == "host" else rng.choice(NATIONALITIES)[0]
                name = f"{rng.choice(LAST_NAMES)} {kind.title()} Association {i + 1}"
                city = rng.choice(TOWNS) if kind == "host" else None
                orgs.append({"id": i + 1, "name": name, "kind": kind, "country": country,
                             "city": city, "search_key": search_key(name, city), **stamp})
            counts["organisations"] = _insert(conn, t["organisations"], orgs)
            sending = [o["id"] for o in orgs if o["kind"] == "sending"] or [1]
            hosts = [o["id"] for o in orgs if o["kind"] == "host"] or [None]
            funders = [o["id"] for o in orgs if o["kind"] == "funder"]
            sites = []
            for i in range(n["sites"]):
                kind = SITE_KINDS[i % len(SITE_KINDS)]
                city = rng.choice(TOWNS)
                name = f"{kind.replace('_', ' ').capitalize()} {city} {i + 1}"
                sites.append({"id": i + 1, "name": name, "kind": kind, "city": city,
                              "organisation_id": rng.choice(hosts),
                              "search_key": search_key(name, city), **stamp})
            counts["sites"] = _insert(conn, t["sites"], sites)

            # --- projects -----------------------------------------------------------------------
            first_day = date(2015, 1, 5)
            span = (today + timedelta(days=240) - first_day).days
            projects = []
            for i in range(n["projects"]):
                start = first_day + timedelta(days=rng.randrange(span))
                end = start + timedelta(days=rng.randrange(45, 200))
                if end < today:
                    status = "cancelled" if rng.random() < 0.03 else "completed"
                elif start <= today:
                    status = "in_progress"
                else:
                    status = "draft" if rng.random() < 0.1 else "open"
                title = f"{rng.choice(VERBS)} {rng.choice(sites)['name']} ({i + 1})"
                projects.append({
                    "id": i + 1, "title": title, "site_id": rng.randrange(1, n["sites"] + 1),
                    "funder_id": rng.choice(funders) if funders and rng.random() < 0.2 else None,
                    "theme": rng.choice(THEMES), "status": status, "start_date": start,
                    "end_date": end, "capacity": rng.randrange(30, 70),
                    "required_skills": rng.sample(SKILLS, rng.randrange(0, 3)),
                    "required_languages": rng.sample(["fr", "ar", "en", "es"], rng.randrange(0, 3)),
                    "search_key": search_key(title), **stamp,
                })
            counts["projects"] = _insert(conn, t["projects"], projects)
            counts["project_sdgs"] = _insert(conn, t["project_sdgs"], (
                {"project_id": p["id"], "goal": g}
                for p in projects for g in rng.sample(range(1, 18), rng.randrange(1, 4))
            ))

            # --- volunteers ---------------------------------------------------------------------
            codes, weights = zip(*NATIONALITIES, strict=True)
            volunteers, languages = [], []
            for i in range(n["volunteers"]):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                email = f"volunteer{i + 1}@bench.example.org"
                available_from = first_day + timedelta(days=rng.randrange(span))
                roll = rng.random()
                volunteers.append({
                    "id": i + 1, "full_name": name, "email": email,
                    "nationality": rng.choices(codes, weights)[0],
                    "sending_organisation_id": rng.choice(sending) if rng.random() < 0.85 else None,
                    "status": _pick(roll, (0.05, "archived"), (0.2, "applicant"), (1, "active")),
                    "skills": rng.sample(SKILLS, rng.randrange(0, 4)),
                    "interests": rng.sample(THEMES, rng.randrange(0, 3)),
                    "available_from": available_from,
                    "available_to": available_from + timedelta(days=rng.randrange(30, 400)),
                    "date_of_birth": date(1960, 1, 1) + timedelta(days=rng.randrange(16_000)),
                    "archived_at": now if roll < 0.05 else None,
                    "search_key": search_key(name, None, email), **stamp,
                })
                for code in rng.sample(LANGUAGES, rng.randrange(1, 4)):
                    languages.append({"volunteer_id": i + 1, "code": code,
                                      "level": rng.choice(LEVELS)})
            counts["volunteers"] = _insert(conn, t["volunteers"], volunteers)
            counts["volunteer_languages"] = _insert(conn, t["volunteer_languages"], languages)

            # --- placements ---------------------------------------------------------------------
            placements = []
            for i in range(n["placements"]):
                project = projects[i % len(projects)] if i < len(projects) else rng.choice(projects)
                length = rng.randrange(14, 57)
                room = max((project["end_date"] - project["start_date"]).days - length, 0)
                start = project["start_date"] + timedelta(days=rng.randrange(room + 1))
                end = min(start + timedelta(days=length - 1), project["end_date"])
                roll = rng.random()
                if project["status"] == "cancelled":
                    status = "cancelled"
                elif end < today:
                    status = _pick(roll, (0.04, "withdrawn"), (0.08, "cancelled"), (1, "completed"))
                elif start <= today:
                    status = "active" if roll < 0.9 else "confirmed"
                else:
                    status = _pick(roll, (0.6, "confirmed"), (0.95, "proposed"), (1, "cancelled"))
                placements.append({
                    "id": i + 1, "volunteer_id": rng.randrange(1, n["volunteers"] + 1),
                    "project_id": project["id"], "start_date": start, "end_date": end,
                    "status": status, "role": "Volunteer", **stamp,
                })
            counts["placements"] = _insert(conn, t["placements"], placements)

            # --- hours --------------------------------------------------------------------------
            worked = [p for p in placements if p["status"] in ("active", "completed")]
            yesterday = today - timedelta(days=1)
            counts["hours_entries"] = _insert(
                conn, t["hours_entries"], _hours_rows(rng, worked, n["hours"], yesterday, stamp)
            )

            # --- the coordinator the runner signs in as -----------------------------------------
            user = User(email=BENCH_COORDINATOR, display_name="Bench Coordinator",
                        role=Role.COORDINATOR)
            user.set_password(BENCH_PASSWORD)
            conn.execute(sa.insert(t["users"]), [{
                "email": user.email, "display_name": user.display_name, "role": "coordinator",
                "password_hash": user.password_hash, "active": True, "session_version": 1,
                "token_version": 0, **stamp}])
        if postgres:
            from aljisr.hours.services import rebuild_month_totals
            from aljisr.placements.services import rebuild_project_bookings
            from aljisr.volunteers.services import rebuild_volunteer_counts

            rebuild_month_totals()
            rebuild_volunteer_counts()
            rebuild_project_bookings()
            db.session.commit()
            with db.engine.begin() as conn:
                for name, table in t.items():  # ids were given explicitly: move sequences on
                    if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                        conn.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                        )
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    result = {"scale": scale, "seed": seed, "today": today.isoformat(),
              "version": GENERATOR_VERSION, "schema": schema_head(), "counts": counts,
              "seconds": round(time.perf_counter() - started, 1)}
    if verbose:
        print(f"generated {url}: {counts} in {result['seconds']} s")
    return result


def _hours_rows(rng: random.Random, worked: list[dict[str, Any]], target: int, last_day: date,
                stamp: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """About ``target`` entries spread over the placements that were worked: weekdays, one
    entry per placement and day; the last ten days still submitted, a few rejected."""
    if not worked:
        return
    per_placement = target / len(worked)
    made = 0
    hours_choices = [Decimal(x) for x in ("2", "3", "3.5", "4", "4.5", "5", "6", "6.5", "7", "8")]
    recent = last_day - timedelta(days=10)
    for index, p in enumerate(worked):
        days = _weekdays(p["start_date"], min(p["end_date"], last_day))
        if not days:
            continue
        # keep the running total on target whatever the placements' lengths
        wanted = round(per_placement * (index + 1)) - made
        chosen = sorted(rng.sample(days, min(len(days), max(wanted, 0))))
        for day in chosen:
            roll = rng.random()
            if day > recent or roll < 0.01:
                status, reason = "submitted", None
            elif roll < 0.03:
                status, reason = "rejected", "Not on the site's timesheet"
            else:
                status, reason = "approved", None
            made += 1
            yield {"placement_id": p["id"], "volunteer_id": p["volunteer_id"], "work_date": day,
                   "hours": rng.choice(hours_choices), "activity": rng.choice(ACTIVITIES),
                   "status": status, "rejection_reason": reason, **stamp}


def schema_head() -> str:
    """The newest migration revision (datasets built on an older schema are regenerated)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "aljisr" /
                                                  "migrations"))
    return str(ScriptDirectory.from_config(config).get_current_head())


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def reset_target(url: str) -> str:
    """Remove an SQLite file, or drop and create a PostgreSQL database; return the URL."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return url
    from aljisr.config import normalise_database_url

    parsed = sa.make_url(normalise_database_url(url))
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}" ENCODING \'UTF8\' '
                             "TEMPLATE template0")
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--out", type=Path, default=DATA_DIR / "aljisr-100.sqlite3",
                        help="SQLite file to (re)create")
    parser.add_argument("--database-url", help="a PostgreSQL database to (re)create instead")
    args = parser.parse_args()
    url = reset_target(args.database_url or sqlite_url(args.out))
    generate(url, args.scale, args.seed)


if __name__ == "__main__":
    main()
