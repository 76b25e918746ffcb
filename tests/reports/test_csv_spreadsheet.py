"""The CSV report of every language opened by a real spreadsheet program (LibreOffice Calc,
headless, reading the file as RFC 4180 with its default locale): hours and counts come out as
numbers, dates as dates, names as typed. With comma decimals ("170,00", the former Arabic and
French files) LibreOffice keeps the hours as text."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import openpyxl

from aljisr.organisations.models import OrganisationKind
from tests.support import factories
from tests.support.tools import require

require("soffice", package="libreoffice-calc-nogui", module=True)
SOFFICE = shutil.which("soffice")
LANGUAGES = ("en", "fr", "ar")


def open_with_libreoffice(paths, tmp_path) -> dict[str, list[list]]:
    """Import each CSV (comma-separated, UTF-8, from line 1) with LibreOffice and save it as
    XLSX; return each file's cells as openpyxl reads them (typed as Calc typed them)."""
    out = tmp_path / "out"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(out),
         *map(str, paths)],
        check=True, capture_output=True, timeout=120,
    )
    sheets = {}
    for path in paths:
        sheet = openpyxl.load_workbook(out / (path.stem + ".xlsx")).active
        sheets[path.stem] = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return sheets


def test_libreoffice_reads_the_hours_of_every_language_as_numbers(as_role, db, tmp_path):
    sender = factories.organisation(OrganisationKind.SENDING, name="Passerelles Solidaires")
    project = factories.project(title="Salle, phase 1", start_date=date(2026, 1, 1),
                                end_date=date(2026, 6, 30))
    placement = factories.placement(
        factories.volunteer(sender, full_name="فاطمة الزهراء بنعلي", nationality="MA"), project,
        start_date=date(2026, 1, 5), end_date=date(2026, 3, 31))
    for day in range(5, 31):
        factories.hours(placement, date(2026, 1, day), "6.5")
    factories.hours(placement, date(2026, 2, 2), "1.5")
    client, user = as_role("coordinator")
    paths = []
    for language in LANGUAGES:
        user.locale = language
        db.session.commit()
        response = client.get(f"/reports/organisations/{sender.id}"
                              "?start=2026-01-01&end=2026-06-30&format=csv")
        assert response.status_code == 200
        path = tmp_path / f"report-{language}.csv"
        path.write_bytes(response.data)
        paths.append(path)

    sheets = open_with_libreoffice(paths, tmp_path)
    for language in LANGUAGES:
        header, row = sheets[f"report-{language}"][:2]
        assert len(header) == 8, language
        assert row[0] == "فاطمة الزهراء بنعلي" and row[2] == "Salle, phase 1"
        assert row[4].date() == date(2026, 1, 5) and row[5].date() == date(2026, 3, 31)
        assert row[6] == 86  # a number, not text
        assert isinstance(row[7], float), (language, row[7])  # 170.50 read as a number
        assert Decimal(str(row[7])) == Decimal("170.50")


def test_comma_decimals_are_text_to_libreoffice(tmp_path):
    """Why the rule: the former Arabic/French cell "170,00" stays text in LibreOffice."""
    path = tmp_path / "comma.csv"
    path.write_bytes("\ufeffName,Hours\r\nLéa,\"170,00\"\r\nAmina,170.00\r\n".encode())
    rows = open_with_libreoffice([path], tmp_path)["comma"]
    assert rows[1][1] == "170,00" and rows[2][1] == 170
