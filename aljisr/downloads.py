"""Files sent as downloads, with one way to name them.

Every download (a certificate's PDF, a ZIP of certificates, a report's CSV, XLSX or PDF, a
volunteer's data export) goes through :func:`send_download`, so that its
``Content-Disposition`` header is built by Werkzeug (:func:`flask.send_file` with
``download_name``) and never by hand: parameter values are quoted where they need it
(RFC 9110 §5.6.4), so a name holding ``;`` or ``=`` (an organisation called
``x;filename=evil.exe;``) stays one file name with its extension, and a name outside ASCII is
sent as ``filename*=UTF-8''<percent-encoded>`` (RFC 6266 §4.3, encoding of RFC 8187) beside an
ASCII ``filename`` for clients that do not read ``filename*``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from urllib.parse import quote

from flask import Response, send_file

#: Characters left as they are in a ``filename*`` value: RFC 8187 ``attr-char`` (the set
#: Werkzeug's ``send_file`` uses).
_ATTR_CHARS = "!#$&+-.^_`|~"


def send_download(
    data: bytes, download_name: str, mimetype: str, *, ascii_name: str | None = None
) -> Response:
    """A response that downloads ``data`` as the file ``download_name`` (an attachment).

    :param data: the file's bytes.
    :param download_name: the file name the browser saves, in any script (the caller keeps
        path separators and control characters out of it).
    :param mimetype: the ``Content-Type``, e.g. ``"application/pdf"`` or
        ``"application/json; charset=utf-8"``.
    :param ascii_name: the ASCII ``filename`` for clients that ignore ``filename*``, when
        ``download_name`` is not ASCII (e.g. the name with accents dropped and other scripts
        left out). Without it, Werkzeug's fallback: ``download_name`` with its non-ASCII
        characters dropped.

    Not cached by shared caches (``max_age=0``); views of personal files also set
    ``g.no_store``.
    """
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=download_name,
        max_age=0,
    )
    if ascii_name is not None and not download_name.isascii():
        response.headers.set(
            "Content-Disposition",
            "attachment",
            filename=ascii_name,
            **{"filename*": "UTF-8''" + quote(download_name, safe=_ATTR_CHARS)},
        )
    return response


def ascii_part(text: str) -> str:
    """``text`` as part of an ASCII file name (the ``filename`` beside ``filename*``, RFC 6266
    §4.3), the rule of the certificates' names: a Latin-script text with its accents dropped
    and runs of anything but letters, digits, ``.`` and ``_`` made one hyphen
    (``"Zoé  Müller"`` -> ``"Zoe-Muller"``); ``""`` when ``text`` holds letters of another
    script (a transliteration would guess), so the caller names the file without it."""
    folded = unicodedata.normalize("NFKD", text or "")
    letters = [c for c in folded if c.isalpha()]
    if not letters or not all(c.isascii() for c in letters):
        return ""
    plain = folded.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._]+", "-", plain).strip("-._")[:80].strip("-._")


_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def slugify(name: str, limit: int = 80) -> str:
    """Make ``name`` safe inside a file name, keeping its letters in any script.

    Removes control and format characters (a right-to-left override could disguise the
    extension) and the characters Windows forbids in names, joins words with ``-`` (``_``
    separates a file name's parts), and cuts to ``limit`` characters. NFC-normalised.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in name)
    name = _UNSAFE.sub(" ", name)
    name = re.sub(r"[\s_]+", "-", name.strip())
    name = re.sub(r"-{2,}", "-", name)
    return name[:limit].strip("-. ")


__all__ = ["ascii_part", "send_download", "slugify"]
