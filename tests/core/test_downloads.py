"""Every download names its file through Werkzeug (``aljisr.downloads.send_download``): a name
holding ``;`` or ``=`` stays one file name with its extension, and a name outside ASCII keeps
its letters (RFC 6266 ``filename*``). One test per kind of download, each reading the header as
a browser does (``werkzeug.http.parse_options_header``, which prefers ``filename*``)."""

from __future__ import annotations

import io
import zipfile

import pytest
from werkzeug.http import parse_options_header

from aljisr.certificates import services
from aljisr.dates import association_today
from aljisr.organisations.models import OrganisationKind
from tests.support import factories
from tests.support.certificates import ISSUED, completed_placement

#: A name that, pasted unquoted into ``Content-Disposition``, would add a second ``filename``.
HOSTILE = "x;filename=evil.exe;"


def _saved_as(response) -> str:
    """The one file name a browser saves ``response`` as (it must be an attachment)."""
    disposition = response.headers["Content-Disposition"]
    value, options = parse_options_header(disposition)
    assert value == "attachment"
    assert set(options) == {"filename"}, disposition
    assert disposition.isascii()
    return options["filename"]


@pytest.mark.parametrize(
    ("name", "part"),
    [
        (HOSTILE, "x;filename=evil.exe;"),
        ("جمعية;filename=evil.exe;", "جمعية;filename=evil.exe;"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_a_report_downloads_as_one_file_whatever_the_organisation_is_called(
    as_role, db, name, part, fmt
):
    organisation = factories.organisation(OrganisationKind.HOST, name=name)
    db.session.commit()
    client, _ = as_role("coordinator")
    response = client.get(
        f"/reports/organisations/{organisation.id}?start=2026-01-01&end=2026-06-30&format={fmt}"
    )
    assert response.status_code == 200
    assert _saved_as(response) == f"aljisr-report_{part}_2026-01-01_2026-06-30.{fmt}"


def test_a_certificate_downloads_as_one_pdf_whatever_the_volunteer_is_called(as_role, db):
    client, coordinator = as_role("coordinator")
    cert = services.issue_certificate(
        completed_placement(factories.volunteer(full_name=HOSTILE)), actor=coordinator,
        today=ISSUED,
    )
    db.session.commit()
    response = client.get(f"/certificates/{cert.id}/download")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert _saved_as(response) == f"certificate_{cert.serial}_x-filename-evil.exe.pdf"


def test_a_batch_downloads_as_one_zip_of_one_pdf_per_volunteer(as_role, db):
    client, _ = as_role("coordinator")
    placement = completed_placement(factories.volunteer(full_name=HOSTILE))
    completed_placement(factories.volunteer(full_name="Ольга Петренко"),
                        project=placement.project)
    db.session.commit()
    response = client.post(f"/certificates/batch/{placement.project.id}",
                           data={"kind": "hours", "language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert _saved_as(response) == (
        f"certificates_project-{placement.project.id}_{association_today().isoformat()}.zip"
    )
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith(".pdf") and "/" not in n for n in names)
    assert any(n.endswith("_x-filename-evil.exe.pdf") for n in names)
    assert any(n.endswith("_Ольга-Петренко.pdf") for n in names)


def test_my_data_downloads_as_one_json_file_whatever_i_am_called(as_role, db):
    client, user = as_role("volunteer")
    user.volunteer.full_name = HOSTILE
    db.session.commit()
    response = client.get("/me/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert _saved_as(response) == f"aljisr-my-data-{association_today().isoformat()}.json"
    assert HOSTILE in response.get_data(as_text=True)


def test_an_infosheet_downloads_as_one_pdf_whatever_the_volunteer_is_called(as_role, db):
    """The infosheet's name keeps the volunteer's name (``;`` and ``=`` included)."""
    from datetime import timedelta

    from aljisr.placements.models import PlacementStatus

    client, _ = as_role("coordinator")
    start = association_today() + timedelta(days=20)
    placement = factories.placement(
        factories.volunteer(full_name=HOSTILE),
        factories.project(start_date=start, end_date=start + timedelta(days=30)),
        status=PlacementStatus.CONFIRMED, start_date=start, end_date=start + timedelta(days=9))
    db.session.commit()
    response = client.get(f"/arrivals/placements/{placement.id}/infosheet.pdf?language=en")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    saved = _saved_as(response)
    assert saved.endswith(f"_{start.isoformat()}.pdf") and HOSTILE.rstrip(";") in saved


@pytest.mark.parametrize("url", [
    "/arrivals/board.csv", "/arrivals/board.xlsx", "/volunteers/export.csv",
    "/volunteers/export.xlsx", "/calendar/placements/{placement}.ics",
    "/volunteers/{volunteer}/data.json",
])
def test_the_newer_downloads_are_one_file_with_their_extension(as_role, db, url):
    client, _ = as_role("coordinator")
    placement = factories.placement(factories.volunteer(full_name=HOSTILE))
    db.session.commit()
    response = client.get(url.format(placement=placement.id, volunteer=placement.volunteer_id))
    assert response.status_code == 200, url
    extension = url.rsplit(".", 1)[1]
    assert _saved_as(response).endswith("." + extension)


def test_no_download_writes_its_content_disposition_by_hand():
    """Every download goes through aljisr.downloads.send_download (Werkzeug's send_file)."""
    from pathlib import Path

    import aljisr

    root = Path(aljisr.__file__).parent
    by_hand = [str(path.relative_to(root)) for path in root.rglob("*.py")
               if path.name != "downloads.py"
               and "Content-Disposition" in path.read_text(encoding="utf-8")]
    assert by_hand == []
