"""The files a certificate is downloaded as: the PDF of one certificate (drawn from its
stored snapshot), the ZIP of several, and their file names. The views send them with
:func:`aljisr.downloads.send_download`."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable

from aljisr.certificates.models import Certificate
from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.downloads import ascii_part


def certificate_pdf(cert: Certificate) -> bytes:
    """The certificate's PDF, drawn from its stored snapshot only (never current records)."""
    # ReportLab, the fonts and the Arabic shaping load with the first certificate drawn
    from aljisr.certificates.pdf import render_certificate

    return render_certificate(CertificateSnapshot.from_dict(cert.snapshot))


#: Runs of characters left out of a file name: all but letters and digits of any script,
#: ``_``, ``.`` and ``-``.
_UNSAFE = re.compile(r"[^\w.-]+")


def _file_part(text: str) -> str:
    """Letters and digits of any script, hyphens for spaces and everything else."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"-{2,}", "-", _UNSAFE.sub("-", text)).strip("-._")[:80].strip("-._")


def certificate_filename(cert: Certificate) -> str:
    """``certificate_AJ-2026-0007_Ольга-Петренко.pdf``: readable, safe in any file system."""
    name = _file_part((cert.snapshot or {}).get("volunteer_name") or "")
    return f"certificate_{cert.serial}_{name}.pdf" if name else f"certificate_{cert.serial}.pdf"


def ascii_filename(cert: Certificate) -> str:
    """The file name for clients that ignore ``filename*`` (RFC 6266 §4.3): the holder's name only
    if it is Latin script (accents dropped, :func:`aljisr.downloads.ascii_part`), else just the
    serial number."""
    part = ascii_part((cert.snapshot or {}).get("volunteer_name") or "")
    return f"certificate_{cert.serial}_{part}.pdf" if part else f"certificate_{cert.serial}.pdf"


def certificates_zip(certificates: Iterable[Certificate]) -> bytes:
    """A ZIP of the certificates' PDFs, one ``certificate_<serial>_<name>.pdf`` each.

    Entries are dated with the issue date, so the same certificates give the same bytes.
    Names are UTF-8 (the ZIP's language-encoding flag is set for non-ASCII names).
    """
    buffer = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for cert in certificates:
            name = certificate_filename(cert)
            if name in seen:  # cannot happen with unique serials; never overwrite anyway
                name = f"{cert.id}_{name}"
            seen.add(name)
            stamp = (cert.issue_date.year, cert.issue_date.month, cert.issue_date.day, 0, 0, 0)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, certificate_pdf(cert))
    return buffer.getvalue()


__all__ = [
    "ascii_filename",
    "certificate_filename",
    "certificate_pdf",
    "certificates_zip",
]
