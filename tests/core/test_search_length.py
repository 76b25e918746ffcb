"""A search box takes at most SEARCH_MAX_LENGTH characters (aljisr/formfields.py
``SearchBoxField``): the page says so (``maxlength``), and a longer text typed into the address
anyway is refused beside the box with what was typed kept and the rest of the list shown,
never an error page. (700 Arabic letters once made a request line gunicorn refused with its own
bare page: gunicorn.conf.py's ``limit_request_line``.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aljisr.formfields import SEARCH_MAX_LENGTH
from tests.support import REPOSITORY

LONG = "ب" * 700

#: (list, search parameter) of every filter bar with a search box.
SEARCH_BOXES = [
    ("/volunteers/", "q"),
    ("/applications/", "q"),
    ("/certificates/", "q"),
    ("/organisations/", "q"),
    ("/placements/", "q"),
    ("/projects/", "q"),
    ("/sites/", "q"),
    ("/hours/", "volunteer"),
    ("/audit/", "actor"),
]


@pytest.mark.parametrize(("path", "name"), SEARCH_BOXES)
def test_a_search_box_states_its_length_and_refuses_a_longer_text(
    as_role: Any, path: str, name: str
) -> None:
    client, _user = as_role("admin")
    page = client.get(path).get_data(as_text=True)
    box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert box and f'maxlength="{SEARCH_MAX_LENGTH}"' in box.group(0), box
    response = client.get(path, query_string={name: LONG})
    assert response.status_code in (200, 422), response.status_code
    page = response.get_data(as_text=True)
    assert f"cannot be longer than {SEARCH_MAX_LENGTH} characters" in page  # beside the box
    assert LONG in page  # what was typed is kept


def test_every_search_box_is_checked() -> None:
    # the list above can fall behind: every search field of a form is a SearchBoxField, but
    # the audit log's "action", which lists its choices and takes at most 64 characters
    plain = [
        f"{path.relative_to(REPOSITORY)}: {name}"
        for path in sorted((REPOSITORY / "aljisr").rglob("*.py"))
        for name in re.findall(r"^\s+(\w+) = SearchField\(", path.read_text(encoding="utf-8"),
                               re.M)
        if name != "action"
    ]
    assert plain == []
    templates = [
        str(path.relative_to(REPOSITORY))
        for path in sorted((REPOSITORY / "templates").rglob("*.html"))
        for box in re.findall(r'<input[^>]*type="search"[^>]*>', path.read_text(encoding="utf-8"))
        if f'maxlength="{SEARCH_MAX_LENGTH}"' not in box
    ]
    assert templates == []


def test_gunicorn_takes_the_longest_request_line_it_can() -> None:
    config = (Path(REPOSITORY) / "gunicorn.conf.py").read_text(encoding="utf-8")
    assert re.search(r"^limit_request_line = 8190$", config, re.M)
