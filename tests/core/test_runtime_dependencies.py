"""Every library the app imports at run time is installed on a production server.

A server installs ``requirements/production.txt`` (README, "Production"), which ``make lock``
resolves from setup.cfg's ``install_requires`` and its ``production`` extra; the ``test`` extra
is never there. A library present only in the test extra works under ``make test`` and fails
in production on the first page that imports it (it happened: fontTools, which the Arabic
shaping of every PDF reads the fonts with, was a test dependency only). So each module named
in an ``import`` of ``aljisr/`` (at the top of a module or inside a function: the heavy ones
load lazily) or loaded for us by a library (:data:`LOADED_BY_LIBRARIES`) must come from a
distribution that setup.cfg asks for in production, and be pinned in the production lock.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]

#: Modules our code never names but a library imports for it at run time, when present.
LOADED_BY_LIBRARIES = {
    # arabic_reshaper.config_for_true_type_font reads the fonts' cmap (aljisr/pdf/text.py)
    "fontTools": "the Arabic shaping of every PDF",
    # wtforms.validators.Email
    "email_validator": "the e-mail fields",
    # SQLAlchemy's postgresql+psycopg dialect (aljisr/database.py)
    "psycopg": "PostgreSQL",
    # limits' storage for ALJISR_RATELIMIT_STORAGE_URI = redis://
    "redis": "rate limits kept in Redis",
    # the server itself (gunicorn.conf.py)
    "gunicorn": "serving",
}

#: The extras of ours a production install asks for (Makefile ``lock``, README).
PRODUCTION_EXTRAS = {"production"}


def imported_modules() -> dict[str, str]:
    """Top-level names of the third-party modules imported anywhere in ``aljisr/`` and
    ``wsgi.py`` (absolute imports; the standard library and ``aljisr`` itself left out),
    each with the first file that imports it."""
    found: dict[str, str] = {}
    for path in sorted([*ROOT.joinpath("aljisr").rglob("*.py"), ROOT / "wsgi.py"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in {"aljisr", "__future__"}:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def production_closure() -> set[str]:
    """Canonical names of the distributions a production install of ``aljisr`` brings in:
    ``install_requires`` and the production extra, then what each of those requires (with the
    extras asked for), as the installed distributions' metadata says."""
    closure: set[str] = set()
    pending = [(req, "aljisr-extra") for req in (requires("aljisr") or [])]
    while pending:
        text, origin = pending.pop()
        requirement = Requirement(text)
        if requirement.marker is not None:
            extras = PRODUCTION_EXTRAS if origin == "aljisr-extra" else set(origin.split(","))
            if not any(requirement.marker.evaluate({"extra": extra}) for extra in extras | {""}):
                continue
        name = canonicalize_name(requirement.name)
        key = f"{name}[{','.join(sorted(requirement.extras))}]"
        if key in closure:
            continue
        closure.add(key)
        try:
            sub = requires(name) or []
        except PackageNotFoundError:  # a marker for another platform
            continue
        pending += [(req, ",".join(requirement.extras)) for req in sub]
    return {key.split("[")[0] for key in closure}


def production_lock() -> set[str]:
    """Canonical names pinned in ``requirements/production.txt``."""
    text = (ROOT / "requirements" / "production.txt").read_text(encoding="utf-8")
    return {canonicalize_name(m) for m in re.findall(r"^([A-Za-z0-9._-]+)==", text, re.M)}


def test_the_walk_finds_the_lazily_imported_libraries():
    # the check below is only as good as this list: imports inside functions count
    modules = imported_modules()
    assert {"reportlab", "arabic_reshaper", "bidi", "openpyxl", "ortools", "icalendar",
            "phonenumbers", "pycountry", "python_calamine", "flask"} <= modules.keys()
    assert "pytest" not in modules and "os" not in modules and "aljisr" not in modules


def test_every_library_imported_at_run_time_is_a_production_dependency():
    providers = packages_distributions()
    closure, lock = production_closure(), production_lock()
    modules = {**imported_modules(), **LOADED_BY_LIBRARIES}
    missing = {}
    for module, where in sorted(modules.items()):
        distributions = {canonicalize_name(d) for d in providers.get(module, [])}
        assert distributions, f"{module} ({where}) is not installed at all"
        if not distributions & closure:
            missing[module] = f"{sorted(distributions)} not asked for by setup.cfg"
        elif not distributions & lock:
            missing[module] = f"{sorted(distributions)} not in requirements/production.txt"
    assert not missing, f"imported at run time but not installed in production: {missing}"


def test_the_test_extra_is_not_in_the_closure():
    # the closure can fail: pytest and pypdf are test dependencies only
    closure = production_closure()
    assert "flask" in closure and "fonttools" in closure and "pillow" in closure
    assert "pytest" not in closure and "pypdf" not in closure and "redis" in closure
