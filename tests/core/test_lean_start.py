"""A web worker starts without the libraries only some pages use (bench/README.md, "Lean
workers"): building the app imports neither ReportLab, openpyxl, OR-Tools nor the other
heavy ones; they load with the first page that needs them."""

from __future__ import annotations

import json
import subprocess
import sys

#: Imported by the pages that use them only (PDFs, spreadsheets, the planner, imports,
#: calendars, phone numbers and country lists, migrations, backups).
HEAVY = ("reportlab", "openpyxl", "ortools", "numpy", "pandas", "PIL", "bidi",
         "arabic_reshaper", "fontTools", "icalendar", "python_calamine", "charset_normalizer",
         "phonenumbers", "pycountry", "alembic", "flask_migrate",
         # the backup writer (tar, gzip, sqlite3 for SQLite copies): the backup command only
         "aljisr.backup.dump", "tarfile")

PROBE = """
import json, sys
import aljisr
app = aljisr.create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
client = app.test_client()
client.get("/login")
print(json.dumps(sorted(m for m in HEAVY if m in sys.modules)))
"""


def _loaded(extra: str = "") -> list[str]:
    """The modules of :data:`HEAVY` a fresh interpreter holds after building the app and
    serving the sign-in page (then running ``extra``)."""
    code = f"HEAVY = {HEAVY!r}\n" + PROBE + extra
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"ALJISR_SECRET_KEY": "x", "PATH": ""})
    return json.loads(out.stdout.splitlines()[0])


def test_building_the_app_imports_none_of_the_heavy_libraries():
    assert _loaded() == []


def test_the_probe_sees_a_heavy_library_once_it_is_used():
    # the check above can fail: drawing a certificate's module brings ReportLab in
    code = ("import aljisr.certificates.pdf\n"
            "print(json.dumps(sorted(m for m in HEAVY if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n" + PROBE + code],
                         capture_output=True, text=True, check=True,
                         env={"ALJISR_SECRET_KEY": "x", "PATH": ""})
    assert "reportlab" in json.loads(out.stdout.splitlines()[1])
