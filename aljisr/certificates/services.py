"""Certificate rules (docs/architecture.md §2.6): issue, re-issue, revoke, batch.

- An **hours** certificate needs a completed placement with approved hours (> 0, summed in SQL
  by :func:`aljisr.hours.queries.approved_totals_by_placement`); a **participation**
  certificate needs a completed placement only.
- A placement has at most one *valid* certificate: to change one, re-issue it (the old one is
  then *superseded* and points at its successor); revoking keeps the record with a reason.
- Issuing freezes a :class:`~aljisr.certificates.snapshot.CertificateSnapshot` of the current
  records; the PDF is always drawn from that snapshot, so later edits never change it.
- Serial numbers are ``AJ-<year>-<sequence>`` (sequence per issue year, at least 4 digits).
  Two issues at once never share one: on PostgreSQL a transaction-level advisory lock per
  year makes them take numbers in turn; and the row is inserted in a savepoint so that, if
  the unique constraint on (year, sequence) still refuses it, the next free number is taken
  and the insert retried. The placement row is locked first (``SELECT ... FOR UPDATE`` on
  PostgreSQL; on SQLite the caller's transaction starts with ``BEGIN IMMEDIATE``: every POST
  request does, other callers wrap the work in :func:`aljisr.database.write_intent`), so two
  coordinators cannot both issue the valid certificate of one placement.
- Serial numbers and verification codes are made by :mod:`aljisr.certificates.codes`; the
  look-ups are in :mod:`aljisr.certificates.queries`, the PDF and ZIP files in
  :mod:`aljisr.certificates.downloads`.

Services flush but never commit, record every change with :func:`aljisr.audit.record`, and
raise :class:`~aljisr.errors.DomainError` subclasses whose ``field`` names the form field the
message belongs beside.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import sqlalchemy as sa
from babel import Locale
from flask import current_app
from sqlalchemy.exc import IntegrityError

from aljisr import audit, dates
from aljisr.auth.models import User
from aljisr.certificates.codes import format_serial, new_verification_code, verification_url
from aljisr.certificates.models import Certificate, CertificateKind, CertificateStatus
from aljisr.certificates.queries import placements_awaiting_certificate, valid_certificate_for
from aljisr.certificates.snapshot import CertificateSnapshot
from aljisr.config import signatory_role_texts
from aljisr.database import utcnow
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.hours.queries import approved_totals_by_placement
from aljisr.i18n import _, force_locale
from aljisr.notifications import services as notifications
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project
from aljisr.text import clean_text

log = logging.getLogger(__name__)

#: Languages a certificate can be printed in (labels, dates and numbers).
LANGUAGES = ("en", "fr", "ar")
#: The languages of the bilingual layout, which prints Arabic and French side by side (and
#: never English): a bilingual certificate is recorded, listed and filtered under one of them.
BILINGUAL_LANGUAGES = ("ar", "fr")
#: The language of a bilingual certificate when the caller names none: Arabic, the language
#: of the layout's header and of the PDF document.
BILINGUAL_DEFAULT_LANGUAGE = "ar"
#: Longest "contribution" text (it must fit on the page beside everything else).
CONTRIBUTION_MAX_LENGTH = 300
#: Longest revocation reason.
REASON_MAX_LENGTH = 1000
#: How often a serial number is retried when a concurrent issue took it first.
SERIAL_ATTEMPTS = 8


# --- small helpers ----------------------------------------------------------------------------


def _check_language(language: str | None, bilingual: bool) -> str:
    """The language to record: ``language``, or if None English (Arabic for a bilingual
    certificate, :data:`BILINGUAL_DEFAULT_LANGUAGE`).

    :raises DomainError: (field ``language``) not a certificate language, or English on a
        bilingual certificate, whose PDF holds Arabic and French only.
    """
    if language is None:
        return BILINGUAL_DEFAULT_LANGUAGE if bilingual else "en"
    if language not in LANGUAGES:
        raise DomainError(_("Choose English, French or Arabic."), "language")
    if bilingual and language not in BILINGUAL_LANGUAGES:
        raise DomainError(
            _("A bilingual certificate is printed in Arabic and French: choose French or "
              "Arabic as its language, or untick the bilingual layout."),
            "language",
        )
    return language


def kept_language(language: str, bilingual: bool) -> str:
    """``language`` if a certificate with ``bilingual`` can have it, else Arabic (English on
    a bilingual certificate, as recorded before English was refused there).

    What a re-issue keeps when it is not given a language, and what its form offers.
    """
    if bilingual and language not in BILINGUAL_LANGUAGES:
        return BILINGUAL_DEFAULT_LANGUAGE
    return language


def _check_kind(kind: str | CertificateKind) -> CertificateKind:
    try:
        return CertificateKind(kind)
    except ValueError:
        raise DomainError(_("Choose an hours or a participation certificate."), "kind") from None


def _clean_contribution(contribution: str | None) -> str:
    text = clean_text(contribution) or ""
    if len(text) > CONTRIBUTION_MAX_LENGTH:
        raise DomainError(
            _("Keep the contribution under %(n)d characters.", n=CONTRIBUTION_MAX_LENGTH),
            "contribution",
        )
    return text


def _check_actor(actor: Any) -> None:
    """Staff issue and revoke; None is the system (CLI, demo data)."""
    if actor is not None and not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only coordinators can issue or revoke certificates."))


def _role_text(role: Role | None, language: str) -> str:
    """The role under the signatory's name in ``language``: the CERTIFICATE_SIGNATORY_ROLE
    text for that language when the setting gives one, else ``role``'s title translated
    (empty for the configured signatory, who has no role in the application)."""
    configured = signatory_role_texts(current_app.config.get("CERTIFICATE_SIGNATORY_ROLE"))
    if language in configured:
        return configured[language]
    if role is None:
        return ""
    with force_locale(language):
        return str(role.title)


def _role_line(role: Role | None, language: str, bilingual: bool) -> str:
    """The role line: in the certificate's language, or "Arabic / French" when bilingual
    (once if both read the same)."""
    if not bilingual:
        return _role_text(role, language)
    titles: list[str] = []
    for code in ("ar", "fr"):
        title = _role_text(role, code)
        if title and title not in titles:
            titles.append(title)
    return " / ".join(titles)


def _signatory_for(actor: User | None, language: str, bilingual: bool = False) -> tuple[str, str]:
    """(name, role) printed above the signature line.

    The issuing coordinator's display name; for the system (``actor`` None) the
    ``CERTIFICATE_SIGNATORY_NAME`` setting when set, else the first active administrator.
    The role, in the certificate's language (Arabic and French when bilingual), is the
    ``CERTIFICATE_SIGNATORY_ROLE`` text for that language when the setting gives one (so
    that the association can print "Coordinatrice" / "منسقة", whose gender the
    application's role titles cannot know); otherwise the signer's role title in the
    application, or nothing for ``CERTIFICATE_SIGNATORY_NAME``.

    :raises DomainError: when the system issues and no signatory can be found.
    :raises ConfigurationError: CERTIFICATE_SIGNATORY_ROLE is malformed (see
        :func:`aljisr.config.signatory_role_texts`; checked at start-up too).
    """
    if actor is not None:
        return actor.display_name, _role_line(actor.role, language, bilingual)
    name = current_app.config.get("CERTIFICATE_SIGNATORY_NAME")
    if name:
        return name, _role_line(None, language, bilingual)
    admin = db.session.scalar(
        sa.select(User)
        .where(User.role == Role.ADMIN, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )
    if admin is None:
        raise DomainError(
            _("No signatory: set CERTIFICATE_SIGNATORY_NAME or create an administrator.")
        )
    return admin.display_name, _role_line(admin.role, language, bilingual)


class AlreadyCertified(Conflict):
    """The placement already has a valid certificate, ``certificate``: re-issue it instead.

    A page that shows the existing certificate beside its issue button says so already and
    need not repeat the message.
    """

    def __init__(self, message: str, certificate: Certificate) -> None:
        super().__init__(message)
        self.certificate = certificate


def _lock_placement(placement: Placement) -> None:
    """Serialise issuing for one placement (row lock; BEGIN IMMEDIATE does it on SQLite)."""
    db.session.execute(
        sa.select(Placement.id).where(Placement.id == placement.id).with_for_update()
    )


#: First key of the PostgreSQL advisory lock that serialises serial numbers ("AJ").
_SERIAL_LOCK_KEY = 0x414A


def _lock_serials(year: int) -> None:
    """On PostgreSQL, hold the year's serial-number lock until the transaction ends, so that
    concurrent issues take numbers one after the other instead of colliding (the retry in
    :func:`_issue` stays as a safety net). SQLite needs nothing: its writers are serialised
    by ``BEGIN IMMEDIATE``."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.select(sa.func.pg_advisory_xact_lock(_SERIAL_LOCK_KEY, year))
        )


def _next_sequence(year: int) -> int:
    """One more than the highest sequence used in ``year`` (1 for the year's first)."""
    highest = db.session.scalar(
        sa.select(sa.func.max(Certificate.sequence)).where(Certificate.year == year)
    )
    return (highest or 0) + 1


# --- issuing ----------------------------------------------------------------------------------


def _check_eligible(placement: Placement, kind: CertificateKind) -> Any:
    """Return the approved hours to certify (None for participation) or raise DomainError."""
    if placement.status is not PlacementStatus.COMPLETED:
        raise NotAllowed(_("This placement is not completed yet."))
    if placement.volunteer.anonymised_at is not None:
        raise NotAllowed(_("This volunteer's personal data has been anonymised."))
    if kind is CertificateKind.PARTICIPATION:
        return None
    hours = approved_totals_by_placement([placement.id])[placement.id]
    if hours <= 0:
        raise DomainError(_("No approved hours to certify."), "kind")
    return hours


def localised(text: str, language: str) -> str:
    """``text`` (a setting such as ASSOCIATION_NAME or ASSOCIATION_PLACE) in ``language``.

    Its translation from the message catalogue when there is one (the association's name is
    a msgid of the page footer); else, for a country named in English ("Morocco"), the
    country's name in that language from CLDR via Babel ("Maroc", "المغرب"); else unchanged.
    """
    with force_locale(language):
        translated = _(text)
    if translated != text:
        return translated
    code = _ENGLISH_TERRITORIES.get(text.casefold())
    if code:
        return Locale.parse(language).territories.get(code, text)
    return text


_ENGLISH_TERRITORIES = {
    name.casefold(): code for code, name in Locale("en").territories.items() if code.isalpha()
}


def _build_snapshot(
    placement: Placement,
    *,
    serial: str,
    code: str,
    kind: CertificateKind,
    language: str,
    bilingual: bool,
    contribution: str,
    hours: Any,
    issue_date: date,
    signatory: tuple[str, str],
) -> CertificateSnapshot:
    """Freeze what the certificate states, from the current records.

    The place of issue (``ASSOCIATION_PLACE``), the project's title and the site's name are
    written in the certificate's language (:meth:`Project.title_in`, :meth:`Site.name_in`);
    on a bilingual certificate in French (``issue_place``, ``project_title``, ``site_name``)
    and in Arabic (the ``_ar`` fields), each printed on its own line. ``issue_place_ar`` is
    None when both are spelt alike; ``project_title_ar`` and ``site_name_ar`` when the
    project or site has no Arabic form, and the Arabic line then repeats the French one.
    """
    volunteer = placement.volunteer
    project = placement.project
    site = project.site
    name_ar = volunteer.name_ar if volunteer.name_ar != volunteer.full_name else None
    config = current_app.config
    # the bilingual layout has one header, in Arabic; its footer names the place in French
    # on the French line and in Arabic on the Arabic one
    text_language = "ar" if bilingual else language
    place = config["ASSOCIATION_PLACE"]
    issue_place = localised(place, "fr" if bilingual else language)
    issue_place_ar = localised(place, "ar") if bilingual else None
    # the project and site as named in the certificate's language (French and Arabic lines
    # on a bilingual one, whose Arabic line repeats the French form when there is no Arabic
    # one rather than switch to a third language), frozen like the rest
    line_language = "fr" if bilingual else language
    project_title_ar = project.title_ar if bilingual else None
    site_name_ar = site.name_ar if bilingual else None
    return CertificateSnapshot(
        serial=serial,
        verification_url=verification_url(code),
        kind=kind.value,
        language=language,
        bilingual=bilingual,
        volunteer_name=volunteer.full_name,
        volunteer_name_ar=name_ar,
        project_title=project.title_in(line_language),
        project_title_ar=project_title_ar,
        site_name=site.name_in(line_language),
        site_name_ar=site_name_ar,
        site_city=site.city or "",
        start_date=placement.start_date,
        end_date=placement.end_date,
        hours=hours,
        contribution=contribution,
        issue_place=issue_place,
        issue_place_ar=issue_place_ar if issue_place_ar != issue_place else None,
        issue_date=issue_date,
        signatory_name=signatory[0],
        signatory_role=signatory[1],
        association_name=localised(config["ASSOCIATION_NAME"], text_language),
    )


def _issue(
    placement: Placement,
    *,
    actor: Any,
    language: str | None,
    kind: str | CertificateKind,
    bilingual: bool,
    contribution: str | None,
    today: date | None,
    replacing: Certificate | None = None,
) -> Certificate:
    _check_actor(actor)
    language = _check_language(language, bilingual)
    kind = _check_kind(kind)
    contribution = _clean_contribution(contribution)
    _lock_placement(placement)
    db.session.refresh(placement)
    hours = _check_eligible(placement, kind)
    existing = valid_certificate_for(placement)
    if existing is not None and existing is not replacing:
        raise AlreadyCertified(
            _(
                "This placement already has a valid certificate (%(serial)s); re-issue it "
                "instead.",
                serial=existing.serial,
            ),
            existing,
        )
    issue_date = today or dates.association_today()
    signatory = _signatory_for(actor, language, bilingual)
    year = issue_date.year
    _lock_serials(year)
    for _attempt in range(SERIAL_ATTEMPTS):
        sequence = _next_sequence(year)
        serial = format_serial(year, sequence)
        code = new_verification_code()
        snapshot = _build_snapshot(
            placement,
            serial=serial,
            code=code,
            kind=kind,
            language=language,
            bilingual=bilingual,
            contribution=contribution,
            hours=hours,
            issue_date=issue_date,
            signatory=signatory,
        )
        certificate = Certificate(
            serial=serial,
            year=year,
            sequence=sequence,
            verification_code=code,
            kind=kind,
            status=CertificateStatus.VALID,
            language=language,
            volunteer_id=placement.volunteer_id,
            placement_id=placement.id,
            issued_by_id=getattr(actor, "id", None),
            issue_date=issue_date,
            snapshot=snapshot.to_dict(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            # A concurrent issue took this serial (or, in theory, this code): next number.
            log.info("certificate serial %s taken meanwhile; retrying", serial)
            continue
        break
    else:
        raise Conflict(_("Could not give this certificate a serial number; please try again."))
    details = {
        "serial": certificate.serial,
        "kind": kind.value,
        "language": language,
        "bilingual": bilingual,
        "placement_id": placement.id,
    }
    if replacing is not None:
        details["replaces"] = replacing.serial
    audit.record(actor, "certificate.issue", certificate, details=details)
    notifications.certificate_issued(certificate)
    return certificate


def issue_certificate(
    placement: Placement,
    *,
    actor: Any,
    language: str | None = None,
    kind: str | CertificateKind = CertificateKind.HOURS,
    bilingual: bool = False,
    contribution: str | None = None,
    today: date | None = None,
) -> Certificate:
    """Issue a certificate for ``placement`` and return it (flushed, valid).

    :param actor: the coordinator or admin issuing it (their name and role sign it), or
        None for the system (signatory from the settings or the first admin).
    :param language: ``"en"``, ``"fr"`` or ``"ar"`` (labels, dates and numbers); None for
        English, or Arabic on a bilingual certificate.
    :param kind: ``"hours"`` (needs approved hours) or ``"participation"``.
    :param bilingual: print Arabic and French side by side. The PDF then ignores
        ``language``, which must be ``"fr"`` or ``"ar"``: it is what the certificate is
        recorded, listed and filtered under.
    :param contribution: a short description of what the volunteer did (optional, at most
        300 characters).
    :param today: the issue date (default: the association's today); its year numbers the
        serial.
    :raises NotAllowed: the placement is not completed, or the volunteer was anonymised.
    :raises DomainError: no approved hours for an hours certificate (field ``kind``), bad
        language/kind/contribution (their fields; English on a bilingual certificate is
        refused, field ``language``), no signatory for the system.
    :raises AlreadyCertified: (a :class:`~aljisr.errors.Conflict`) the placement already has
        a valid certificate.
    """
    return _issue(
        placement,
        actor=actor,
        language=language,
        kind=kind,
        bilingual=bilingual,
        contribution=contribution,
        today=today,
    )


def reissue_certificate(
    old: Certificate,
    *,
    actor: Any,
    language: str | None = None,
    kind: str | CertificateKind | None = None,
    bilingual: bool | None = None,
    contribution: str | None = None,
    today: date | None = None,
) -> Certificate:
    """Issue a new certificate for ``old``'s placement from the current records; ``old``
    becomes *superseded* and points at the new one (``superseded_by``).

    Unspecified options keep ``old``'s values (language, kind, bilingual, contribution),
    except that an unspecified language that a bilingual certificate cannot have (English)
    becomes Arabic (:func:`kept_language`). Use it to correct a name or hours: the snapshot
    is taken afresh.

    :raises NotAllowed: ``old`` is not valid (already superseded or revoked), has no
        placement, or the placement is no longer eligible.
    :raises DomainError: as :func:`issue_certificate`.
    """
    _check_actor(actor)
    if old.status is not CertificateStatus.VALID:
        raise NotAllowed(_("Only a valid certificate can be re-issued."))
    if old.placement is None:
        raise NotAllowed(_("This certificate is not tied to a placement and cannot be re-issued."))
    snapshot = old.snapshot or {}
    if bilingual is None:
        bilingual = bool(snapshot.get("bilingual"))
    new = _issue(
        old.placement,
        actor=actor,
        language=language or kept_language(old.language, bilingual),
        kind=kind or old.kind,
        bilingual=bilingual,
        contribution=snapshot.get("contribution") if contribution is None else contribution,
        today=today,
        replacing=old,
    )
    old.status = CertificateStatus.SUPERSEDED
    old.superseded_by = new
    db.session.flush()
    audit.record(
        actor, "certificate.supersede", old, details={"serial": old.serial, "by": new.serial}
    )
    return new


def revoke_certificate(cert: Certificate, reason: str | None, *, actor: Any) -> Certificate:
    """Revoke ``cert`` (valid or superseded): it stays on record, verification says revoked.

    :raises DomainError: no reason given, or a reason over 1000 characters (field ``reason``).
    :raises NotAllowed: already revoked.
    """
    _check_actor(actor)
    text = clean_text(reason)
    if not text:
        raise DomainError(_("Give the reason for revoking this certificate."), "reason")
    if len(text) > REASON_MAX_LENGTH:
        raise DomainError(
            _("Keep the reason under %(n)d characters.", n=REASON_MAX_LENGTH), "reason"
        )
    if cert.status is CertificateStatus.REVOKED:
        raise NotAllowed(_("This certificate is already revoked."))
    previous = cert.status
    cert.status = CertificateStatus.REVOKED
    cert.revoked_at = utcnow()
    cert.revoked_reason = text
    db.session.flush()
    audit.record(
        actor,
        "certificate.revoke",
        cert,
        reason=text,
        details={"serial": cert.serial, "previous_status": previous.value},
    )
    return cert


# --- batches ----------------------------------------------------------------------------------


def batch_issue(
    project: Project,
    *,
    actor: Any,
    language: str | None = None,
    kind: str | CertificateKind = CertificateKind.HOURS,
    bilingual: bool = False,
    contribution: str | None = None,
    today: date | None = None,
) -> list[Certificate]:
    """Issue a certificate for every completed placement of ``project`` that has no valid
    one; return the new certificates.

    For hours certificates, placements without approved hours are skipped (they need a
    participation certificate, issued on their own). Options as :func:`issue_certificate`;
    they are checked before anything is issued, even when nothing is pending.
    """
    _check_actor(actor)
    kind = _check_kind(kind)
    language = _check_language(language, bilingual)
    pending = placements_awaiting_certificate(project)
    if kind is CertificateKind.HOURS:
        totals = approved_totals_by_placement(p.id for p in pending)
        pending = [p for p in pending if totals[p.id] > 0]
    return [
        issue_certificate(
            placement,
            actor=actor,
            language=language,
            kind=kind,
            bilingual=bilingual,
            contribution=contribution,
            today=today,
        )
        for placement in pending
    ]


__all__ = [
    "CONTRIBUTION_MAX_LENGTH",
    "AlreadyCertified",
    "BILINGUAL_DEFAULT_LANGUAGE",
    "BILINGUAL_LANGUAGES",
    "LANGUAGES",
    "REASON_MAX_LENGTH",
    "batch_issue",
    "issue_certificate",
    "kept_language",
    "reissue_certificate",
    "revoke_certificate",
]
