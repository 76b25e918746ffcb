"""Volunteer register rules: create, edit, archive, and the likely-duplicate check.

Plain functions taking model objects and plain values; they raise
:class:`~aljisr.errors.DomainError` subclasses naming the form field at fault, record every
change with :func:`aljisr.audit.record`, flush but never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.auth.models import User
from aljisr.database import assign, utcnow
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.formfields import is_country
from aljisr.i18n import _
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import Placement
from aljisr.placements.queries import ongoing_placements
from aljisr.projects.models import Theme
from aljisr.text import clean_email, clean_text
from aljisr.volunteers.models import (
    LanguageLevel,
    Volunteer,
    VolunteerCount,
    VolunteerLanguage,
    VolunteerStatus,
)
from aljisr.volunteers.queries import (
    LikelyDuplicate,
    find_likely_duplicates,
    find_likely_duplicates_many,
    name_key,
)

#: Profile attributes the services accept (plus ``languages``: {ISO 639-1 code: level}).
FIELDS = (
    "full_name", "name_ar", "email", "phone", "date_of_birth", "nationality",
    "sending_organisation_id", "status", "skills", "interests", "available_from",
    "available_to", "emergency_contact_name", "emergency_contact_phone", "dietary_notes",
    "health_notes", "consent_date", "notes", "gender", "application_group",
)

#: Fields whose change makes a volunteer look like someone else: re-check duplicates.
IDENTITY_FIELDS = ("full_name", "email", "date_of_birth")


# --------------------------------------------------------------------------------------------
# Likely duplicates
# --------------------------------------------------------------------------------------------


class DuplicateSuspected(Conflict):
    """Saving was stopped because of likely duplicates (``duplicates``).

    ``blocking`` is True when one has the same e-mail: e-mails are unique, so that one cannot be
    confirmed away; otherwise the caller may save again with ``confirm_duplicates=True``.
    """

    def __init__(self, duplicates: list[LikelyDuplicate]) -> None:
        self.duplicates = duplicates
        self.blocking = any(d.same_email for d in duplicates)
        if self.blocking:
            super().__init__(
                _("Another volunteer already has this e-mail address."), field="email"
            )
        else:
            super().__init__(
                _("A volunteer with the same name and date of birth is already registered. "
                  "Check that this is a different person, then tick “Save anyway”."),
                field="confirm_duplicates",
            )


def _check_duplicates(
    values: Mapping[str, Any], exclude_id: int | None, confirm: bool
) -> list[LikelyDuplicate]:
    duplicates = find_likely_duplicates(
        values.get("full_name"), values.get("email"), values.get("date_of_birth"),
        exclude_id=exclude_id,
    )
    if duplicates and (not confirm or any(d.same_email for d in duplicates)):
        raise DuplicateSuspected(duplicates)
    return duplicates


# --------------------------------------------------------------------------------------------
# Validation and writing
# --------------------------------------------------------------------------------------------


def _validate(values: Mapping[str, Any]) -> None:
    """Rules that hold whatever the form: raise DomainError beside the field at fault."""
    if "full_name" in values and not clean_text(values["full_name"]):
        raise DomainError(_("Give the volunteer's name."), field="full_name")
    start, end = values.get("available_from"), values.get("available_to")
    if start and end and end < start:
        raise DomainError(
            _("The end of availability cannot be before its start."), field="available_to"
        )
    nationality = values.get("nationality")
    if nationality and not is_country(nationality):
        raise DomainError(_("Choose a country from the list."), field="nationality")
    org_id = values.get("sending_organisation_id")
    if org_id is not None:
        kind = db.session.scalar(sa.select(Organisation.kind).where(Organisation.id == org_id))
        if kind is not OrganisationKind.SENDING:
            raise DomainError(_("Choose a sending organisation."),
                              field="sending_organisation_id")
    for theme in values.get("interests") or []:
        if theme not in {t.value for t in Theme}:
            raise DomainError(_("Choose interests among the project themes."), field="interests")


#: Accounts whose e-mail address a volunteer may not take: the volunteer's own sign-in account
#: would need that address, and logins are unique on it.
NON_VOLUNTEER_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.PARTNER)


def refuse_account_email(email: str | None, volunteer: Volunteer | None) -> None:
    """Refuse an e-mail address that belongs to a staff or partner login (any case, deactivated
    logins included) for ``volunteer`` (None: a new one). The volunteer's own linked account
    never counts, and neither does the address ``volunteer`` already has (an unchanged
    address is not checked again).

    :raises Conflict: ``field="email"``.
    """
    email = clean_email(email)
    if not email or (volunteer is not None and email == volunteer.email):
        return
    # logins store their address trimmed and lower-cased (User._clean_email), as clean_email
    stmt = sa.select(User.id).where(User.email == email, User.role.in_(NON_VOLUNTEER_ROLES))
    if volunteer is not None and volunteer.user_id is not None:
        stmt = stmt.where(User.id != volunteer.user_id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise Conflict(
            _("This e-mail address belongs to a staff or partner account. A volunteer needs "
              "their own address."),
            field="email",
        )


def _set_languages(volunteer: Volunteer, languages: Mapping[str, LanguageLevel]) -> bool:
    """Update the language rows in place (never delete-and-reinsert a primary key)."""
    before = volunteer.language_levels()
    wanted = {code: LanguageLevel(level) for code, level in languages.items()}
    if before == wanted:
        return False
    for row in list(volunteer.languages):
        if row.code not in wanted:
            volunteer.languages.remove(row)
        else:
            row.level = wanted[row.code]
    for code, level in wanted.items():
        if code not in before:
            volunteer.languages.append(VolunteerLanguage(code=code, level=level))
    return True


def _apply(volunteer: Volunteer, values: Mapping[str, Any]) -> list[str]:
    """Copy the given values onto ``volunteer``; return the names of the fields that changed."""
    changed = []
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in ("skills", "interests"):
            value = list(value or [])
        if assign(volunteer, name, value):
            changed.append(name)
    if "languages" in values and _set_languages(volunteer, values["languages"]):
        changed.append("languages")
    return changed


def _flush_guarding_email(volunteer: Volunteer) -> None:
    """Flush in a savepoint; an e-mail taken meanwhile by a concurrent request (the unique
    index fires although :func:`find_likely_duplicates` found nobody) becomes a Conflict."""
    try:
        with db.session.begin_nested():
            db.session.add(volunteer)
            db.session.flush()
    except sa.exc.IntegrityError as error:
        raise Conflict(_("Another volunteer already has this e-mail address."),
                       field="email") from error


def create_volunteer(
    values: Mapping[str, Any], *, actor: Any, confirm_duplicates: bool = False
) -> Volunteer:
    """Register a volunteer.

    :param values: profile attributes (see :data:`FIELDS`) and ``languages``
        ({ISO 639-1 code: :class:`LanguageLevel`}).
    :param confirm_duplicates: the coordinator has seen the likely duplicates and saves anyway.
    :raises DomainError: a value breaks a rule (``field`` says which).
    :raises Conflict: the e-mail address belongs to a staff or partner login (compared in any
        case; ``field="email"``): the volunteer's own sign-in account will need it.
    :raises DuplicateSuspected: likely duplicates exist (see :func:`find_likely_duplicates`).
    """
    _validate(values)
    refuse_account_email(values.get("email"), None)
    duplicates = _check_duplicates(values, None, confirm_duplicates)
    volunteer = Volunteer(status=VolunteerStatus.APPLICANT, skills=[], interests=[])
    _apply(volunteer, values)
    _flush_guarding_email(volunteer)
    details: dict[str, Any] = {}
    if duplicates:
        details["duplicates_confirmed"] = [d.volunteer.id for d in duplicates]
    audit.record(actor, "volunteer.create", volunteer, details=details)
    return volunteer


class RowRefused(DomainError):
    """One of many volunteers created at once was refused: ``index`` is its position in the
    list given, ``error`` the refusal (its message and field)."""

    def __init__(self, index: int, error: DomainError) -> None:
        super().__init__(error.message, field=error.field)
        self.index, self.error = index, error


def _reserve_ids(model: Any, count: int) -> list[int]:
    """``count`` ids taken from the sequence of ``model``'s ``id`` column, on PostgreSQL
    (none elsewhere: an empty list). New rows given their ids are inserted by psycopg's
    ``executemany`` (pipelined, one short statement) instead of a multi-row ``INSERT ...
    RETURNING`` whose thousands of named parameters psycopg converts one by one in Python
    (about a third of a large import's commit)."""
    if count == 0 or db.session.get_bind().dialect.name != "postgresql":
        return []
    return sorted(db.session.scalars(
        sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :count)"),
        {"table": model.__tablename__, "count": count}))


def create_volunteers(rows: Sequence[Mapping[str, Any]], *, confirm_duplicates: bool = False,
                      chunk: int = 500) -> list[Volunteer]:
    """Register many volunteers at once (an imported file) by the rules of
    :func:`create_volunteer`, in a few statements per ``chunk`` rather than several per
    volunteer: the checks of :func:`_validate` (each sending organisation looked up once),
    staff and partner addresses refused in one query, likely duplicates found in a few
    (:func:`~aljisr.volunteers.queries.find_likely_duplicates_many`), then one flush.

    No audit event is written per volunteer: the caller records the batch as one event.

    :param rows: profile attributes and ``languages``, as :func:`create_volunteer` takes them.
    :returns: the new volunteers, flushed (ids set), in the order of ``rows``.
    :raises RowRefused: a row breaks a rule, its e-mail belongs to a login or another
        volunteer, or it has likely duplicates and ``confirm_duplicates`` is False; ``index``
        names the row. Nothing of the call is then to be kept (the caller rolls back).
    """
    kinds: dict[int, OrganisationKind | None] = {}
    created: list[Volunteer] = []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        for offset, values in enumerate(part):
            org_id = values.get("sending_organisation_id")
            if org_id is not None and org_id not in kinds:
                kinds[org_id] = db.session.scalar(
                    sa.select(Organisation.kind).where(Organisation.id == org_id))
            try:
                _validate({k: v for k, v in values.items() if k != "sending_organisation_id"})
                if org_id is not None and kinds[org_id] is not OrganisationKind.SENDING:
                    raise DomainError(_("Choose a sending organisation."),
                                      field="sending_organisation_id")
            except DomainError as error:
                raise RowRefused(start + offset, error) from error
        emails = {clean_email(v.get("email")) for v in part} - {None, ""}
        taken = set(db.session.scalars(sa.select(User.email).where(
            User.email.in_(sorted(emails)), User.role.in_(NON_VOLUNTEER_ROLES))))
        found = find_likely_duplicates_many(
            [(v.get("full_name"), v.get("email"), v.get("date_of_birth")) for v in part])
        volunteers = []
        for offset, (values, duplicates) in enumerate(zip(part, found, strict=True)):
            try:
                if clean_email(values.get("email")) in taken:
                    refuse_account_email(values.get("email"), None)
                if duplicates and (not confirm_duplicates
                                   or any(d.same_email for d in duplicates)):
                    raise DuplicateSuspected(duplicates)
            except DomainError as error:
                raise RowRefused(start + offset, error) from error
            volunteer = Volunteer(status=VolunteerStatus.APPLICANT, skills=[], interests=[])
            _apply(volunteer, values)
            volunteers.append(volunteer)
        for volunteer, reserved in zip(volunteers, _reserve_ids(Volunteer, len(volunteers)),
                                       strict=False):
            volunteer.id = reserved
        try:
            with db.session.begin_nested():
                db.session.add_all(volunteers)
                db.session.flush()
        except sa.exc.IntegrityError as error:  # an e-mail taken meanwhile, or twice here
            raise RowRefused(start, Conflict(
                _("Another volunteer already has this e-mail address."), field="email")
            ) from error
        created += volunteers
    return created


def _identity_changed(volunteer: Volunteer, values: Mapping[str, Any]) -> bool:
    if "full_name" in values and name_key(values["full_name"]) != name_key(volunteer.full_name):
        return True
    if "email" in values and clean_email(values["email"]) != volunteer.email:
        return True
    return "date_of_birth" in values and values["date_of_birth"] != volunteer.date_of_birth


def update_volunteer(
    volunteer: Volunteer, values: Mapping[str, Any], *, actor: Any,
    confirm_duplicates: bool = False,
) -> list[str]:
    """Change a volunteer's profile; likely duplicates are checked again when the name, e-mail
    or date of birth change.

    :returns: the names of the fields that changed (recorded in the audit log, values not).
    :raises DomainError, DuplicateSuspected: as :func:`create_volunteer`.
    :raises Conflict: the e-mail address is changed to one that belongs to a staff or partner
        login (any case; ``field="email"``). The volunteer's own linked account does not count,
        and an address left unchanged is not checked again.
    :raises NotAllowed: the volunteer has been anonymised.
    """
    if volunteer.anonymised_at is not None:
        raise NotAllowed(_("This volunteer's personal data has been erased; it cannot be "
                           "edited."))
    _validate(values)
    status = values.get("status")
    if status is not None and status != volunteer.status and (
        status is VolunteerStatus.ARCHIVED or volunteer.archived_at is not None
    ):
        raise NotAllowed(_("Use the Archive and Restore buttons to archive a volunteer."),
                         field="status")
    if "email" in values:
        refuse_account_email(values["email"], volunteer)
    merged = {name: values.get(name, getattr(volunteer, name)) for name in IDENTITY_FIELDS}
    duplicates = (
        _check_duplicates(merged, volunteer.id, confirm_duplicates)
        if _identity_changed(volunteer, values) else []
    )
    changed = _apply(volunteer, values)
    if changed:
        _flush_guarding_email(volunteer)
        details: dict[str, Any] = {"changed": changed}
        if duplicates:
            details["duplicates_confirmed"] = [d.volunteer.id for d in duplicates]
        audit.record(actor, "volunteer.update", volunteer, details=details)
    return changed


def data_export(volunteer: Volunteer, *, actor: Any) -> dict[str, Any]:
    """Everything the association holds about ``volunteer``, as the volunteer downloads it
    from the portal (:func:`aljisr.portal.data_export.export_data`), for staff answering a
    request under the right of access (Moroccan Law 09-08, art. 7; GDPR, art. 15). The
    download is audited (``volunteer.data_export``): who read everything, and when.

    :returns: JSON-ready values (format ``aljisr-volunteer-export/1``).
    """
    from aljisr.portal import data_export
    from aljisr.portal import queries as portal_queries

    data = data_export.export_data(volunteer.user, volunteer,
                                   portal_queries.volunteer_records(volunteer.id))
    audit.record(actor, "volunteer.data_export", volunteer)
    return data


def archive_volunteer(volunteer: Volunteer, *, actor: Any, reason: str | None = None) -> None:
    """Archive: the volunteer leaves default lists and matching, and stays viewable.

    Placements and hours are kept (deletion never cascades through history).
    :raises NotAllowed: already archived, or a placement is proposed, confirmed or active
        (archived volunteers leave the lists while their host still expects them).
    """
    if volunteer.archived_at is not None:
        raise NotAllowed(_("This volunteer is already archived."))
    _refuse_if_placed(volunteer)
    previous = volunteer.status
    volunteer.archived_at = utcnow()
    volunteer.status = VolunteerStatus.ARCHIVED
    db.session.flush()
    audit.record(actor, "volunteer.archive", volunteer, reason=reason,
                 details={"previous_status": previous.value})


def unarchive_volunteer(volunteer: Volunteer, *, actor: Any) -> None:
    """Bring an archived volunteer back, with the status they had when archived.

    :raises NotAllowed: not archived, or anonymised.
    """
    if volunteer.archived_at is None:
        raise NotAllowed(_("This volunteer is not archived."))
    if volunteer.anonymised_at is not None:
        raise NotAllowed(_("This volunteer's personal data has been erased; it cannot be "
                           "restored."))
    last = db.session.scalar(
        sa.select(audit.AuditEvent.details)
        .where(audit.AuditEvent.subject_type == Volunteer.__tablename__,
               audit.AuditEvent.subject_id == volunteer.id,
               audit.AuditEvent.action == "volunteer.archive")
        .order_by(audit.AuditEvent.occurred_at.desc(), audit.AuditEvent.id.desc())
        .limit(1)
    ) or {}
    previous = last.get("previous_status")
    status = VolunteerStatus(previous) if previous in {s.value for s in VolunteerStatus} else (
        VolunteerStatus.ACTIVE
    )
    volunteer.archived_at = None
    volunteer.status = VolunteerStatus.ACTIVE if status is VolunteerStatus.ARCHIVED else status
    db.session.flush()
    audit.record(actor, "volunteer.unarchive", volunteer)


# --------------------------------------------------------------------------------------------
# Anonymisation (docs/architecture.md §2.8: personal data is anonymised on request or after the
# retention period, while issued certificates stay verifiable)
# --------------------------------------------------------------------------------------------

#: Most characters kept of the reason given for an anonymisation.
ANONYMISE_REASON_MAX = 500


def _refuse_if_placed(volunteer: Volunteer) -> None:
    """:raises NotAllowed: the volunteer has a proposed, confirmed or active placement."""
    if ongoing_placements(Placement.volunteer_id == volunteer.id):
        raise NotAllowed(_("This volunteer has a proposed, confirmed or active placement: "
                           "complete, withdraw or cancel it first."))


def anonymous_name(volunteer_id: int) -> str:
    """The name an anonymised volunteer keeps: "#<id>", the same in every language, so lists,
    reports and placements still tell records apart without saying who it was."""
    return f"#{volunteer_id}"


def anonymise_volunteer(volunteer: Volunteer, *, actor: Any, reason: str) -> None:
    """Erase a volunteer's personal data for good, keeping what the association's history and
    statistics need.

    Cleared: names, e-mail, phone, date of birth, languages, skills, interests, availability,
    emergency contact, dietary and health notes, consent date, notes, the arrival details
    (travel, insurance) of their placements, the e-mails to them in the outbox, and their
    testimonials (deleted). The name becomes :func:`anonymous_name`. Kept: nationality and sending
    organisation (reports count them), placements and hours. Their sign-in account, if any, is
    closed (its e-mail and name replaced, every session and link invalidated). Issued
    certificates keep their frozen snapshot and stay verifiable. The volunteer is archived.

    This is the right to erasure of data-protection law (EU GDPR art. 17; Moroccan law 09-08
    on personal data, art. 8), exercised on request, and the rule that data is kept no longer
    than needed (GDPR art. 5(1)(e); law 09-08, art. 3), applied when the retention period
    ends (:func:`volunteers_past_retention`).

    :param reason: why (a request, the retention period); required, kept in the audit log.
    :raises DomainError: no reason given (``field="reason"``).
    :raises NotAllowed: already anonymised, or a placement is proposed, confirmed or active
        (its host still needs the volunteer's details: end or cancel it first).
    """
    from aljisr.mail import OutboxMessage

    reason = (clean_text(reason) or "")[:ANONYMISE_REASON_MAX]
    if not reason:
        raise DomainError(_("Say why (for example: the volunteer's request)."), field="reason")
    if volunteer.anonymised_at is not None:
        raise NotAllowed(_("This volunteer's personal data has already been anonymised."))
    _refuse_if_placed(volunteer)
    if volunteer.email:
        db.session.execute(
            sa.delete(OutboxMessage).where(sa.func.lower(OutboxMessage.recipient)
                                           == volunteer.email.lower())
        )
    from aljisr.arrivals.models import ArrivalDetails
    from aljisr.placements.models import Placement

    # travel and insurance are personal data too; the placements themselves stay
    db.session.execute(sa.delete(ArrivalDetails).where(ArrivalDetails.placement_id.in_(
        sa.select(Placement.id).where(Placement.volunteer_id == volunteer.id))))
    now = utcnow()
    if volunteer.archived_at is None:
        volunteer.archived_at = now
    volunteer.status = VolunteerStatus.ARCHIVED
    for name in ("name_ar", "email", "phone", "date_of_birth", "available_from",
                 "available_to", "emergency_contact_name", "emergency_contact_phone",
                 "emergency_contact_relation",
                 "dietary_notes", "health_notes", "consent_date", "notes", "gender",
                 "application_group"):
        setattr(volunteer, name, None)
    volunteer.full_name = anonymous_name(volunteer.id)
    volunteer.skills = []
    volunteer.interests = []
    volunteer.languages = []
    volunteer.anonymised_at = now
    from aljisr.testimonials.services import remove_for_volunteer

    # their words go with their name (docs/architecture.md §6.17)
    remove_for_volunteer(volunteer.id)
    user = volunteer.user
    if user is not None:
        user.email = f"anonymised-{user.id}@invalid"
        user.display_name = anonymous_name(volunteer.id)
        user.password_hash = None
        user.active = False
        user.session_version += 1
        user.token_version += 1
    db.session.flush()
    audit.record(actor, "volunteer.anonymise", volunteer, reason=reason)


def rebuild_volunteer_counts() -> int:
    """Recompute ``volunteer_counts`` from the volunteers (the triggers keep it up to date; this
    repairs it after a bulk load with triggers off or a migration that lost them).

    :returns: the number of (nationality, status) rows written.
    """
    nationality = sa.func.coalesce(Volunteer.nationality, "")
    rows = db.session.execute(
        sa.select(nationality, Volunteer.status, sa.func.count())
        .group_by(nationality, Volunteer.status)
    ).all()
    db.session.execute(sa.delete(VolunteerCount))
    if rows:
        db.session.execute(
            sa.insert(VolunteerCount),
            [{"nationality": code, "status": status, "volunteers": n} for code, status, n in rows],
        )
    db.session.flush()
    return len(rows)
