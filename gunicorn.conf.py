"""gunicorn's settings in production: ``.venv/bin/gunicorn -c gunicorn.conf.py`` (README).

Options given on the command line (``--bind``, ``--workers``) or in ``GUNICORN_CMD_ARGS`` win
over this file. The application's own settings come from ``instance/config.py`` and the
``ALJISR_*`` environment, never from here.
"""

from __future__ import annotations

import os
import sys

#: Workers without docstrings: gunicorn runs again as ``python -OO`` (same process id, same
#: arguments) before it loads anything. The docstrings of Flask, SQLAlchemy and the app are
#: about 5 MB of every worker's memory that no page reads (bench/README.md, "Lean workers";
#: docs/architecture.md §6.20). ``-OO`` also drops ``assert`` statements, which the app uses
#: only to narrow types. ``ALJISR_KEEP_DOCSTRINGS=1`` keeps them (to debug with ``help()``).
#: Only the ``gunicorn`` command itself: not ``python -m gunicorn``, nor a script that reads
#: this file (``runpy`` names the file being run ``sys.argv[0]``).
if (sys.flags.optimize < 2 and sys.argv and os.path.basename(sys.argv[0]) == "gunicorn"
        and not os.environ.get("ALJISR_KEEP_DOCSTRINGS")):
    os.execv(sys.executable, [sys.executable, "-OO", *sys.argv])  # noqa: S606

wsgi_app = "wsgi:app"

#: Behind a reverse proxy (nginx, Caddy) on the same machine, which terminates TLS.
bind = "127.0.0.1:8000"

#: Sync workers: one request at a time per process. Threaded (gthread) workers were measured
#: slower on this app (CPU-bound PDF and template work holds the GIL) and lost 38 times more
#: requests when a worker was killed, since every request in flight on it goes down with it.
worker_class = "sync"

#: ``WEB_CONCURRENCY`` (the variable gunicorn itself reads) sets the number; else gunicorn's
#: advice for sync workers, two per core plus one, which keeps the cores busy while some
#: workers wait on PostgreSQL. Each worker holds one database connection while it serves a
#: request, so the count stays far below PostgreSQL's max_connections (100 by default).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)

#: A worker silent for this long is killed and replaced (its one request is lost). The
#: slowest pages (a project's certificates as one ZIP, a year's CSV report at full size)
#: take a few seconds; 60 s leaves room on a loaded machine without letting a stuck
#: worker hold its slot for long.
timeout = 60

#: The longest request line (method, address with its query, protocol) gunicorn takes, in
#: bytes: its maximum (the default, 4094, refused a search of 700 Arabic letters with
#: gunicorn's own bare "URI Too Long" page). Search boxes take at most 200 characters
#: (aljisr/formfields.py ``SearchBoxField``), 1,200 bytes of address even in Arabic.
limit_request_line = 8190

#: On restart or ``kill -TERM``, workers get this long to finish the request in hand.
graceful_timeout = 30

#: Sync workers close the connection after each response; the reverse proxy keeps the
#: browsers' connections alive. (Kept at gunicorn's default; it only matters to async workers.)
keepalive = 2

#: Worker heartbeats in memory: a slow or full disk cannot make gunicorn kill healthy workers.
#: (gunicorn's own advice; it only holds each worker's heartbeat file, nothing secret.)
SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None

#: gunicorn 27's control socket (``gunicornc``) is not used; its default path is one per user,
#: which two instances on one machine would fight over.
control_socket_disable = True

#: Load the application once in the master, then fork the workers:
#: - a broken configuration (no SECRET_KEY, a malformed setting, a missing Redis client)
#:   stops gunicorn at start with the message, instead of workers failing and being
#:   restarted in a loop;
#: - the workers share the loaded code and fonts' memory (copy-on-write).
#: The price: ``kill -HUP`` does not load new code; after an upgrade, restart gunicorn.
#: Nothing opens a database connection while the app is built; :func:`post_fork` drops any
#: pooled connection anyway, as SQLAlchemy asks of forked processes.
preload_app = True

#: Access log on standard output (journald or the container keeps it), with the request's
#: duration in milliseconds last (``%(M)s``) and the client's address as the proxy saw it.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(M)sms'
)


def post_fork(server, worker):  # noqa: ANN001, ARG001 (gunicorn's hook signature)
    """Each worker opens its own database connections (none inherited from the master)."""
    from aljisr.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)



def _malloc_trim() -> None:
    """Hand the C heap's free pages back to the system (glibc ``malloc_trim(0)``); nothing
    where the C library has no such call."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> object | None:
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc (musl, macOS): nothing to trim
        return None


_LIBC = _glibc()


def post_request(worker, req, environ, resp):  # noqa: ANN001, ARG001 (gunicorn's hook signature)
    """After each response is sent: give back the memory the request freed (about 1 MB of a
    warm worker's RSS; 0.15 ms, after the response has left). Python returns its own small
    objects' arenas; the C heap keeps freed pages below the top until asked."""
    _malloc_trim()
