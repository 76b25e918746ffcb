"""Imports through the pages: upload a file as a coordinator, read the new batch's id, count
the register's volunteers (shared by the tests of tests/imports/)."""

from __future__ import annotations

import io
from typing import Any

import sqlalchemy as sa

from aljisr.volunteers.models import Volunteer
from tests.support import REPOSITORY

#: The sample files written by real programs (see tests/imports/data/make_files.py).
DATA = REPOSITORY / "tests" / "imports" / "data"


def upload_file(client: Any, name: str, data: bytes | None = None,
                organisation: Any = "") -> Any:
    """POST ``data`` (default: the sample file ``name`` of :data:`DATA`) to the imports page,
    for ``organisation`` (an id, or "" for none); the response."""
    return client.post("/imports/", data={
        "file": (io.BytesIO(data if data is not None else (DATA / name).read_bytes()), name),
        "organisation_id": organisation,
    }, content_type="multipart/form-data")


def new_batch_id(response: Any) -> int:
    """The id of the batch an upload made (it redirects to ``/imports/<id>/options``)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].split("/")[2])


def volunteer_count(db: Any) -> int:
    """How many volunteers the register holds."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Volunteer))
