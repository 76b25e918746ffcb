"""Compressed responses (Flask-Compress): pages, stylesheets, scripts, JSON and XML are sent
with the best encoding the browser accepts (zstd, br, gzip), so the public site stays light on
a slow link (README, "Public site"; ``tests/public/test_weight.py`` measures a first visit).

Fonts are left out: they are cached for a month (``LONG_CACHED_STATIC``) and compressing the
3.4 MB CJK face on each first request costs more time than it saves a school's link.

Flask-Compress appends the encoding to the ``ETag`` (``"abc"`` becomes ``"abc:br"``, RFC 9110
§8.8.3: another representation has another tag), while the static files' conditional check
runs before it, against the plain tag: a browser revalidating ``app.css`` would get the whole
file again instead of 304. :func:`init_compression` strips the suffix from ``If-None-Match``
before the check, so revalidation answers 304 as it did uncompressed.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_compress import Compress

#: What is compressed: text the app sends (not fonts, images or downloads).
COMPRESSED_MIMETYPES = [
    "text/html", "text/css", "text/plain", "text/xml", "text/javascript",
    "application/javascript", "application/json", "application/xml", "image/svg+xml",
]

_ENCODING_SUFFIX = re.compile(r':(?:zstd|br|gzip|deflate)"')

compress = Compress()


def init_compression(app: Flask) -> None:
    """Compress ``app``'s text responses, keeping conditional requests answered by 304."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    compress.init_app(app)

    @app.before_request
    def _plain_etags() -> None:
        tags = request.environ.get("HTTP_IF_NONE_MATCH")
        if tags and ":" in tags:
            request.environ["HTTP_IF_NONE_MATCH"] = _ENCODING_SUFFIX.sub('"', tags)
            request.__dict__.pop("if_none_match", None)  # werkzeug caches the parsed header
