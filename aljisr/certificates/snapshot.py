"""The frozen facts a certificate prints, as stored with the certificate.

Issuing a certificate copies everything it shows into a :class:`CertificateSnapshot`;
later edits of the volunteer, project or site never change an issued certificate
(docs/architecture.md §2.6). The snapshot is stored as JSON (:meth:`CertificateSnapshot.to_dict`,
:meth:`CertificateSnapshot.from_dict`) and is the only input of the PDF builder
(:func:`aljisr.certificates.pdf.render_certificate`).
"""

from __future__ import annotations

import dataclasses
import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

KINDS = ("hours", "participation")
LANGUAGES = ("en", "fr", "ar")

_TEXT_FIELDS = ("serial", "verification_url", "volunteer_name", "volunteer_name_ar",
                "project_title", "project_title_ar", "site_name", "site_name_ar", "site_city",
                "contribution", "issue_place", "issue_place_ar", "signatory_name",
                "signatory_role", "association_name")
_DATE_FIELDS = ("start_date", "end_date", "issue_date")


@dataclass(frozen=True)
class CertificateSnapshot:
    """Everything printed on one certificate, immutable.

    Text fields are free Unicode in any script, NFC-normalised on creation and never
    interpreted as markup. Dates are :class:`datetime.date` (no time zone); the period
    ``start_date``..``end_date`` is inclusive. Fields:

    - ``serial``: the certificate's serial number, printed as is.
    - ``verification_url``: public URL encoded in the QR code and printed under it.
    - ``kind``: ``"hours"`` (needs ``hours``) or ``"participation"`` (``hours`` is None).
    - ``language``: ``"en"``, ``"fr"`` or ``"ar"``: the language of the labels.
    - ``bilingual``: print Arabic and French side by side (``language`` is then ignored
      for the labels).
    - ``volunteer_name`` (as the volunteer writes it), ``volunteer_name_ar`` (optional
      Arabic-script spelling, printed under the name).
    - ``project_title``, ``site_name`` (in the certificate's language, in French on a
      bilingual one; ``project_title_ar`` and ``site_name_ar`` are the Arabic line's forms
      on a bilingual certificate, None when there is none, as on every certificate issued
      before they existed: that line then prints the French form), ``site_city`` (may be
      empty), ``start_date``,
      ``end_date``, ``hours`` (:class:`~decimal.Decimal` approved hours or None),
      ``contribution`` (short text of what the volunteer did, may be empty).
    - ``issue_place``, ``issue_date``, ``signatory_name``, ``signatory_role``,
      ``association_name``. On a bilingual certificate ``issue_place`` is the form the
      French line prints (e.g. "Maroc") and ``issue_place_ar`` the Arabic line's
      ("المغرب"); ``issue_place_ar`` None (every certificate issued before it existed,
      and every one-language certificate) means ``issue_place`` on both lines.

    Raises :class:`ValueError` for an unknown kind or language, hours missing on an
    "hours" certificate (or given on a "participation" one), hours not positive,
    an end date before the start date, or a required text field left blank.
    """

    serial: str
    verification_url: str
    kind: str
    language: str
    volunteer_name: str
    project_title: str
    site_name: str
    site_city: str
    start_date: datetime.date
    end_date: datetime.date
    hours: Decimal | None
    contribution: str
    issue_place: str
    issue_date: datetime.date
    signatory_name: str
    signatory_role: str
    association_name: str
    bilingual: bool = False
    volunteer_name_ar: str | None = None
    issue_place_ar: str | None = None
    project_title_ar: str | None = None
    site_name_ar: str | None = None

    def __post_init__(self) -> None:
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                if not isinstance(value, str):
                    raise ValueError(f"{name} must be text")
                object.__setattr__(self, name, unicodedata.normalize("NFC", value.strip()))
        for name in ("volunteer_name_ar", "issue_place_ar", "project_title_ar", "site_name_ar"):
            if getattr(self, name) == "":
                object.__setattr__(self, name, None)
        for name in ("serial", "verification_url", "volunteer_name", "project_title",
                     "site_name", "issue_place", "signatory_name", "association_name"):
            if not getattr(self, name):
                raise ValueError(f"{name} must not be blank")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")
        for name in _DATE_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
                raise ValueError(f"{name} must be a datetime.date")
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        if self.hours is not None:
            try:
                hours = Decimal(str(self.hours))
            except InvalidOperation as error:
                raise ValueError("hours must be a decimal number") from error
            if not hours.is_finite() or hours <= 0:
                raise ValueError("hours must be positive")
            object.__setattr__(self, "hours", hours)
        if self.kind == "hours" and self.hours is None:
            raise ValueError("an hours certificate needs hours")
        if self.kind == "participation" and self.hours is not None:
            raise ValueError("a participation certificate has no hours")
        object.__setattr__(self, "bilingual", bool(self.bilingual))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict: dates as ISO ``YYYY-MM-DD``, hours as a decimal string."""
        data = dataclasses.asdict(self)
        for name in _DATE_FIELDS:
            data[name] = data[name].isoformat()
        if data["hours"] is not None:
            data["hours"] = str(data["hours"])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CertificateSnapshot:
        """Rebuild a snapshot from :meth:`to_dict` output (e.g. loaded from JSON).

        Unknown keys are ignored, so older code can read newer snapshots. Raises
        :class:`ValueError` for malformed dates or hours, or if validation fails, and
        :class:`TypeError` if a required key is missing.
        """
        names = {field.name for field in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in names}
        for name in _DATE_FIELDS:
            if isinstance(values.get(name), str):
                values[name] = datetime.date.fromisoformat(values[name])
        if values.get("hours") is not None:
            try:
                values["hours"] = Decimal(str(values["hours"]))
            except InvalidOperation as error:
                raise ValueError("hours must be a decimal number") from error
        return cls(**values)
