"""A first visit to a public page is light (issue 15): the page and the stylesheets and scripts
it links, as the app sends them to a browser that accepts compression, weigh under 150 KB
(fonts aside: they load only for the scripts a page uses, and are cached a month)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from aljisr.projects.models import ProjectStatus
from tests.support import factories

#: Most bytes a first visit may transfer (issue 15).
BUDGET = 150 * 1024
#: What Chromium and Firefox send.
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def first_visit(client, url: str, headers: dict[str, str]) -> dict[str, int]:
    """Bytes transferred for ``url`` and each stylesheet and script it links (bodies as
    served: compressed when the response says so), by URL."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    sizes = {url: len(response.data)}
    html = response.get_data(as_text=True) if not response.content_encoding else \
        client.get(url).get_data(as_text=True)
    linked = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    linked += re.findall(r'<script[^>]* src="([^"]+)"', html)
    for asset in linked:
        served = client.get(asset, headers=headers)
        assert served.status_code == 200, asset
        sizes[asset] = len(served.data)
        served.close()
    return sizes


@pytest.fixture
def pages(db):
    project = factories.project(title="Construction of a multidisciplinary room",
                                start_date=date(2027, 7, 5), end_date=date(2027, 8, 27),
                                public_description="Walls and a roof. " * 60)
    factories.project(status=ProjectStatus.COMPLETED)
    db.session.commit()
    return ["/?lang=en", "/?lang=ar", "/volunteer-projects?lang=fr",
            f"/volunteer-projects/{project.id}?lang=ar", "/past-projects?lang=en",
            f"/apply?lang=ar&project={project.id}", "/apply?lang=fr", "/apply/privacy?lang=en",
            "/apply/sent?lang=ar"]


def test_a_first_visit_to_a_public_page_stays_under_150_kb(client, pages):
    for url in pages:
        sizes = first_visit(client, url, BROWSER)
        total = sum(sizes.values())
        assert total < BUDGET, f"{url}: {total} bytes ({sizes})"
        assert not any(asset.endswith(".js") for asset in sizes), "no script on public pages"


def test_pages_and_stylesheets_are_sent_compressed(client, pages):
    page = client.get(pages[0], headers=BROWSER)
    assert page.headers["Content-Encoding"] == "zstd"
    assert "Accept-Encoding" in page.headers["Vary"]
    css = client.get("/static/css/public.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    css.close()
    plain = client.get(pages[0])  # a client that accepts no compression gets plain text
    assert "Content-Encoding" not in plain.headers


def test_the_measure_counts_linked_assets_and_can_fail(client, db):
    """The back office page links Bootstrap (232 KB) and its script: uncompressed, over budget;
    compressed, well under it."""
    plain = first_visit(client, "/login", {})
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in plain
    assert sum(plain.values()) > BUDGET
    compressed = first_visit(client, "/login", BROWSER)
    assert sum(compressed.values()) < sum(plain.values()) / 3


def test_a_compressed_stylesheet_is_revalidated_with_304(client, db):
    first = client.get("/static/css/public.css", headers=BROWSER)
    etag = first.headers["ETag"]
    assert etag.endswith(':zstd"')
    first.close()
    again = client.get("/static/css/public.css", headers={**BROWSER, "If-None-Match": etag})
    assert again.status_code == 304
    again.close()
