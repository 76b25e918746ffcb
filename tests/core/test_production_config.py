"""The production recipe's files (issue 12, item 1; README "Production"): gunicorn.conf.py as
gunicorn itself reads it (sync workers, timeouts, a timed access log), and the lock files every
install uses (each requirement pinned with its hashes, the Redis client in the production
lock). .ci/production-smoke starts the whole recipe; these catch a change to the files
without running it."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ("requirements/dev.txt", "requirements/production.txt")


def _gunicorn_config() -> Config:
    """gunicorn.conf.py's settings, set and checked by gunicorn's own validators."""
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_gunicorn_runs_sync_workers_with_timeouts_and_a_timed_access_log():
    config = _gunicorn_config()
    # threaded workers measured slower and lost 38x more requests to a killed worker
    assert config.worker_class_str == "sync"
    assert 30 <= config.timeout <= 120 and 0 < config.graceful_timeout <= config.timeout
    assert config.accesslog == "-" and "%(M)s" in config.access_log_format  # time taken, ms
    assert config.wsgi_app == "wsgi:app"


def _requirements(path: str) -> dict[str, tuple[str, list[str]]]:
    """``{name: (version, hashes)}`` of a lock file written by ``make lock``."""
    found: dict[str, tuple[str, list[str]]] = {}
    name = ""
    for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line.startswith(" "):
            match = re.fullmatch(r"([A-Za-z0-9_.\-\[\],]+)==([^\s\\;]+)(?:\s*;[^\\]*)?\s*\\?",
                                 stripped)
            assert match, f"{path}: not pinned with ==: {stripped}"
            name = match.group(1).lower()
            found[name] = (match.group(2), [])
        elif stripped.startswith("--hash=sha256:"):
            found[name][1].append(stripped.removeprefix("--hash=sha256:").rstrip(" \\"))
    return found


@pytest.mark.parametrize("path", LOCKS)
def test_every_locked_requirement_is_pinned_with_its_hashes(path):
    locked = _requirements(path)
    assert len(locked) > 20
    assert [name for name, (_version, hashes) in locked.items()
            if not hashes or not all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)] == []


def test_the_production_lock_holds_the_server_and_the_redis_client():
    production, dev = _requirements(LOCKS[1]), _requirements(LOCKS[0])
    assert {"gunicorn", "redis", "psycopg", "flask"} <= set(production)
    # the same versions as the tests ran with (production.txt is constrained by dev.txt)
    assert {name: version for name, (version, _h) in production.items()
            if dev.get(name, ("",))[0] != version} == {}


def test_every_install_requires_the_hashes():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements/dev.txt" in makefile
    assert "pip install --quiet --require-hashes -r requirements/production.txt" in makefile
    smoke = (ROOT / ".ci/production-smoke").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements/production.txt" in smoke
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install --require-hashes -r requirements/production.txt" in readme
