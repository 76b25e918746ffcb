"""Application rules: sending, confirming (double opt-in), withdrawing, reviewing, accepting,
declining and anonymising.

Plain functions taking model objects and plain values; they raise
:class:`~aljisr.errors.DomainError` subclasses naming the form field at fault, record every
step with :func:`aljisr.audit.record`, write the applicant's messages to the outbox, flush but
never commit.

One-time links (confirmation, withdrawal) carry a token signed with ``SECRET_KEY`` by
itsdangerous' ``URLSafeTimedSerializer`` (as the invitation links of
:mod:`aljisr.auth.services.passwords`), each purpose with its own salt, holding the
application's id and its ``link_version``. A confirmation link works once (a confirmed
application refuses it; sending the form again retires earlier links) for
``TOKEN_MAX_AGE_HOURS``; a withdrawal link works once (a withdrawn application refuses it) for
``APPLICATION_WITHDRAW_LINK_DAYS``.

Personal data: the applicant consents to its processing under Moroccan law 09-08 (art. 4:
consent; art. 3: kept no longer than needed) and the EU GDPR (art. 6(1)(a), art. 7: consent
that can be shown, with the text's version and time; art. 5(1)(e): storage limitation);
declined and withdrawn applications are anonymised after ``APPLICATION_RETENTION_DAYS``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from aljisr import audit
from aljisr.applications import queries
from aljisr.applications.messages import (
    accepted_notice,
    confirm_notice,
    declined_notice,
    received_notice,
)
from aljisr.applications.models import (
    CONSENT_VERSION,
    MAX_PREFERENCES,
    Application,
    ApplicationProject,
    ApplicationStatus,
    HeardFrom,
)
from aljisr.database import utcnow
from aljisr.errors import Conflict, DomainError, NotAllowed
from aljisr.extensions import db
from aljisr.formfields import is_country
from aljisr.i18n import LANGUAGES, _
from aljisr.mail import absolute_url
from aljisr.notifications.messages import Recipient
from aljisr.notifications.services import notify
from aljisr.projects.models import Project, Theme
from aljisr.text import clean_email, clean_text
from aljisr.volunteers.models import LanguageLevel, Volunteer, VolunteerStatus

#: Values :func:`submit_application` takes (plus ``project_ids``, a list of project ids).
FIELDS = (
    "full_name", "name_ar", "email", "phone", "nationality", "date_of_birth", "languages",
    "skills", "interests", "available_from", "available_to", "sending_organisation_id",
    "sending_organisation_other", "motivation", "heard_from", "heard_from_detail",
    "testimonial_consent",
)
DATE_FIELDS = ("date_of_birth", "available_from", "available_to")
#: Longest reason kept for a decline.
REASON_MAX = 2000


class LinkPurpose(enum.StrEnum):
    CONFIRM = "confirm"
    WITHDRAW = "withdraw"


class InvalidLink(DomainError):
    """A confirmation or withdrawal link is malformed, expired, used or replaced."""


# --------------------------------------------------------------------------------------------
# One-time links
# --------------------------------------------------------------------------------------------


def _serializer(purpose: LinkPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt=f"aljisr.applications.{purpose.value}")


def link_token(application: Application, purpose: LinkPurpose) -> str:
    """A signed token for ``application``'s confirmation or withdrawal link."""
    return _serializer(purpose).dumps({"a": application.id, "v": application.link_version})


def _max_age(purpose: LinkPurpose) -> int:
    if purpose is LinkPurpose.CONFIRM:
        return int(current_app.config["TOKEN_MAX_AGE_HOURS"]) * 3600
    return int(current_app.config["APPLICATION_WITHDRAW_LINK_DAYS"]) * 86400


def application_for_token(token: str, purpose: LinkPurpose) -> Application:
    """The application a valid, unused ``token`` belongs to.

    :raises InvalidLink: malformed or signed for the other purpose; older than its lifetime;
        already used (a confirmed application's confirmation link, a withdrawn or decided
        application's withdrawal link); replaced by a newer link (confirmation only); or the
        application was anonymised.
    """
    try:
        payload = _serializer(purpose).loads(token or "", max_age=_max_age(purpose))
    except SignatureExpired as error:
        raise InvalidLink(_("This link has expired.")) from error
    except (BadSignature, TypeError, ValueError) as error:
        raise InvalidLink(_("This link is not valid.")) from error
    if not (isinstance(payload, dict) and isinstance(payload.get("a"), int)
            and isinstance(payload.get("v"), int)):
        raise InvalidLink(_("This link is not valid."))
    application = queries.application(payload["a"])
    if application is None or application.anonymised_at is not None:
        raise InvalidLink(_("This link is not valid."))
    if purpose is LinkPurpose.CONFIRM:
        if application.confirmed_at is not None and application.pending_values is None:
            raise InvalidLink(_("This link has already been used: your application is "
                                "confirmed."))
        if payload["v"] != application.link_version or not application.is_open:
            raise InvalidLink(
                _("This link has already been used, or a newer link has been sent since."))
    elif not application.is_open:
        raise InvalidLink(_("This link has already been used: your application is closed."))
    return application


def _links(application: Application) -> tuple[str, str]:
    # the pages open in the language the applicant wrote in (``?lang=``, as public pages)
    language = application.locale if application.locale in LANGUAGES else "en"
    return (absolute_url("applications.confirm", lang=language,
                         token=link_token(application, LinkPurpose.CONFIRM)),
            absolute_url("applications.withdraw", lang=language,
                         token=link_token(application, LinkPurpose.WITHDRAW)))


def _recipient(application: Application, link: str | None = None) -> list[Recipient]:
    if not application.email or application.anonymised_at is not None:
        return []
    language = application.locale if application.locale in LANGUAGES else "en"
    return [Recipient(application.email, language, application.full_name, link)]


# --------------------------------------------------------------------------------------------
# Sending the form
# --------------------------------------------------------------------------------------------


def _validate(values: Mapping[str, Any]) -> list[Project]:
    """Rules that hold whatever the form; returns the chosen projects in order.

    :raises DomainError: beside the field at fault.
    """
    if not clean_text(values.get("full_name")):
        raise DomainError(_("Give your name."), field="full_name")
    if not clean_email(values.get("email")):
        raise DomainError(_("Give your e-mail address."), field="email")
    nationality = values.get("nationality")
    if nationality and not is_country(nationality):
        raise DomainError(_("Choose a country from the list."), field="nationality")
    start, end = values.get("available_from"), values.get("available_to")
    if start and end and end < start:
        raise DomainError(_("The end of availability cannot be before its start."),
                          field="available_to")
    for level in (values.get("languages") or {}).values():
        if level not in {lv.value for lv in LanguageLevel}:
            raise DomainError(_("Choose a level for this language."), field="languages")
    for theme in values.get("interests") or []:
        if theme not in {t.value for t in Theme}:
            raise DomainError(_("Choose interests among the project themes."), field="interests")
    heard = values.get("heard_from")
    if heard and heard not in {h.value for h in HeardFrom}:
        raise DomainError(_("Choose an answer from the list."), field="heard_from")
    org_id = values.get("sending_organisation_id")
    if org_id is not None and queries.sending_organisation(org_id) is None:
        raise DomainError(_("Choose a sending organisation from the list."),
                          field="sending_organisation_id")
    ids = list(values.get("project_ids") or [])
    if not ids:
        raise DomainError(_("Choose at least one project."), field="projects")
    if len(ids) > MAX_PREFERENCES or len(set(ids)) != len(ids):
        raise DomainError(_("Choose up to three different projects."), field="projects")
    projects = queries.open_projects_by_id(ids)
    if len(projects) != len(ids):
        raise DomainError(_("One of these projects no longer takes applications; choose "
                            "another."), field="projects")
    return projects


def _apply(application: Application, values: Mapping[str, Any],
           projects: Sequence[Project]) -> None:
    for name in FIELDS:
        if name in values:
            value = values[name]
            if name in ("skills", "interests"):
                value = list(value or [])
            elif name == "languages":
                value = dict(value or {})
            setattr(application, name, value)
    application.testimonial_consent_at = utcnow() if application.testimonial_consent else None
    wanted = [p.id for p in projects]
    if [p.project_id for p in application.preferences] != wanted:
        application.preferences.clear()
        db.session.flush()  # the old ranks go before the new ones take their keys
        application.preferences.extend(
            ApplicationProject(rank=rank, project_id=project_id, project=project)
            for rank, (project_id, project) in enumerate(zip(wanted, projects, strict=True),
                                                         start=1))


#: The key of ``pending_values`` holding the language of the form that sent them.
PENDING_LOCALE = "_locale"


def _storable(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` as JSON can keep them (dates as ISO text), for a pending update."""
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()
            if k in FIELDS or k == "project_ids"}


def _restored(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (date.fromisoformat(v) if k in DATE_FIELDS and isinstance(v, str) else v)
            for k, v in values.items()}


def _send_confirmation(application: Application, *, update: bool, replaced: bool = False,
                       language: str | None = None) -> None:
    """A new confirmation link (the earlier one spent), in ``language`` (the form's, for a
    pending update) or the application's."""
    application.link_version = (application.link_version or 0) + 1
    db.session.flush()
    confirm, withdraw = _links(application)
    hours = int(current_app.config["TOKEN_MAX_AGE_HOURS"])
    recipients = _recipient(application, confirm)
    if language in LANGUAGES:
        recipients = [replace(r, language=language) for r in recipients]
    notify("application.confirm", recipients,
           lambda r: confirm_notice(application, r, withdraw_link=withdraw, hours=hours,
                                    update=update, replaced=replaced))


def submit_application(values: Mapping[str, Any], *, locale: str) -> Application:
    """Record an application sent from the public form and e-mail its confirmation link.

    The address decides what happens (compared in any case):

    - an open application (new or in review) with this address is **joined**, never
      duplicated, and the latest form wins whole (answers, projects, dates and the language
      of later messages: the same person's newer intent): if it is not confirmed yet, its
      answers are replaced and the new confirmation message says that the earlier form was
      replaced and what the application now holds; if it is confirmed, the new answers
      (and language) wait (``pending_values``) until the link of the new message confirms
      them, so that nobody can change someone else's application by typing their address
      (docs/architecture.md §6.15);
    - otherwise a new application is recorded, linked to the volunteer with this address when
      there is one (accepting it then updates nobody's record twice).

    :param values: see :data:`FIELDS`, and ``project_ids`` (1 to 3 open projects' ids, first
        choice first).
    :param locale: the language the applicant used (``en``, ``fr``, ``ar``): their messages.
    :raises DomainError: a value breaks a rule (``field`` names it; ``projects`` for the
        project choices).
    """
    projects = _validate(values)
    email = clean_email(values["email"])
    locale = locale if locale in LANGUAGES else "en"
    existing = queries.open_application_for(email)
    if existing is None:
        application = Application(
            email=email, open_email=email, locale=locale, status=ApplicationStatus.NEW,
            consent_version=CONSENT_VERSION, consent_at=utcnow(), languages={}, skills=[],
            interests=[], link_version=0,
            volunteer_id=queries.volunteer_id_with_email(email),
        )
        _apply(application, values, projects)
        try:
            with db.session.begin_nested():
                db.session.add(application)
                db.session.flush()
        except sa.exc.IntegrityError:
            # the same address sent twice at once: the other request's application is joined
            existing = queries.open_application_for(email)
            if existing is None:  # pragma: no cover - closed meanwhile
                raise Conflict(_("Please send the form again."), field="email") from None
        else:
            audit.record(None, "application.submit", application,
                         details={"project_ids": [p.id for p in projects]})
            _send_confirmation(application, update=False)
            return application
    application = existing
    if application.confirmed_at is None:
        application.locale = locale
        application.consent_version, application.consent_at = CONSENT_VERSION, utcnow()
        _apply(application, values, projects)
        audit.record(None, "application.resubmit", application)
        _send_confirmation(application, update=False, replaced=True)
    else:
        application.pending_values = {**_storable({**values, "email": email}),
                                      PENDING_LOCALE: locale}
        audit.record(None, "application.resubmit", application, details={"pending": True})
        _send_confirmation(application, update=True, language=locale)
    db.session.flush()
    return application


def confirm_application(token: str) -> Application:
    """Use a confirmation link: the application reaches the coordinators' inbox (or, for a
    confirmed one, its pending answers replace the old ones), and the applicant is told it
    was received.

    :raises InvalidLink: see :func:`application_for_token`.
    :raises DomainError: a pending answer no longer holds (a chosen project closed
        meanwhile): field ``projects``.
    """
    application = application_for_token(token, LinkPurpose.CONFIRM)
    now = utcnow()
    if application.pending_values is not None:
        values = _restored(application.pending_values)
        projects = _validate(values)
        application.consent_version, application.consent_at = CONSENT_VERSION, now
        _apply(application, values, projects)
        if values.get(PENDING_LOCALE) in LANGUAGES:
            application.locale = values[PENDING_LOCALE]
        application.pending_values = None
        action = "application.update"
    else:
        application.confirmed_at = now
        action = "application.confirm"
    application.link_version += 1  # this link is spent
    db.session.flush()
    audit.record(None, action, application)
    _, withdraw = _links(application)
    notify("application.received", _recipient(application),
           lambda r: received_notice(application, r, withdraw_link=withdraw))
    return application


def withdraw_application(token: str) -> Application:
    """Use a withdrawal link: the application is withdrawn (open ones only); its data is
    anonymised after the retention period.

    :raises InvalidLink: see :func:`application_for_token`.
    """
    application = application_for_token(token, LinkPurpose.WITHDRAW)
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = utcnow()
    application.open_email = None
    application.pending_values = None
    db.session.flush()
    audit.record(None, "application.withdraw", application)
    return application


# --------------------------------------------------------------------------------------------
# The coordinators' decisions
# --------------------------------------------------------------------------------------------


def _refuse_unless_open(application: Application) -> None:
    if application.confirmed_at is None or application.anonymised_at is not None:
        raise NotAllowed(_("This application is not confirmed by its sender."))
    if not application.is_open:
        raise NotAllowed(_("This application is already %(status)s.",
                           status=application.status.title.lower()))


def start_review(application: Application, *, actor: Any) -> None:
    """new -> in review.

    :raises NotAllowed: the application is not new (or not confirmed).
    """
    _refuse_unless_open(application)
    if application.status is not ApplicationStatus.NEW:
        raise NotAllowed(_("This application is already in review."))
    application.status = ApplicationStatus.IN_REVIEW
    application.reviewed_at = utcnow()
    db.session.flush()
    audit.record(actor, "application.review", application)


class PlacementRefused(DomainError):
    """A placement proposed while accepting was refused; ``index`` is its row (0-based) and
    ``field`` the row's field ("start_date", "end_date") or None."""

    def __init__(self, index: int, error: DomainError) -> None:
        super().__init__(error.message, field=error.field)
        self.index = index


def accept_application(
    application: Application,
    *,
    actor: Any,
    volunteer: Volunteer | None = None,
    placements: Sequence[tuple[Project, date, date]] = (),
    role: str | None = None,
    invite: bool = True,
) -> Volunteer:
    """Accept: create the volunteer (or take ``volunteer``, a likely duplicate the
    coordinator chose), propose ``placements`` through the placement rules
    (:func:`aljisr.placements.services.propose_placement`: dates, overlap, capacity), invite
    the volunteer to sign in (unless they already have a password, or ``invite`` is False),
    and tell the applicant. All or nothing: the caller commits only when this returns, and
    rolls everything back when it raises.

    :raises NotAllowed: the application is not open and confirmed; or ``volunteer`` was
        anonymised.
    :raises DomainError / Conflict: from creating the volunteer (``field="email"`` when the
        address belongs to another volunteer or to a staff login) or from the invitation.
    :raises PlacementRefused: a placement is refused (its row and the reason).
    """
    from aljisr.auth.services.invitations import invite_volunteer
    from aljisr.placements.services import propose_placement
    from aljisr.volunteers.services import create_volunteer, unarchive_volunteer

    _refuse_unless_open(application)
    if volunteer is None:
        volunteer = create_volunteer(
            {**application.volunteer_values(), "status": VolunteerStatus.ACTIVE},
            actor=actor, confirm_duplicates=True,
        )
    else:
        if volunteer.anonymised_at is not None:
            raise NotAllowed(_("This volunteer's personal data has been erased; choose "
                               "another."), field="volunteer")
        if volunteer.archived_at is not None:
            unarchive_volunteer(volunteer, actor=actor)
        if volunteer.status is VolunteerStatus.APPLICANT:
            volunteer.status = VolunteerStatus.ACTIVE
    # invited first: the login made here carries the application's language, and every
    # message to the volunteer from now on (the placements proposed below) is written in it
    invited = False
    user = volunteer.user
    if invite and volunteer.email and (user is None or not user.password_hash):
        invite_volunteer(volunteer, locale=application.locale, actor=actor)
        invited = True
    proposed = []
    for index, (project, start, end) in enumerate(placements):
        try:
            proposed.append(propose_placement(volunteer, project, start, end, actor=actor,
                                              role=role))
        except DomainError as error:
            raise PlacementRefused(index, error) from error
    application.status = ApplicationStatus.ACCEPTED
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    application.volunteer_id = volunteer.id
    application.open_email = None
    application.pending_values = None
    db.session.flush()
    audit.record(actor, "application.accept", application,
                 details={"volunteer_id": volunteer.id,
                          "placement_ids": [p.id for p in proposed], "invited": invited})
    names = [p.project.title_in(application.locale) for p in proposed]
    notify("application.accepted", _recipient(application),
           lambda r: accepted_notice(application, r, invited=invited, placements=names))
    return volunteer


def decline_application(application: Application, *, actor: Any, reason: str) -> None:
    """Decline with a reason the applicant reads in their message.

    :raises DomainError: no reason (``field="reason"``).
    :raises NotAllowed: the application is not open and confirmed.
    """
    reason = (clean_text(reason) or "")[:REASON_MAX]
    if not reason:
        raise DomainError(_("Say why: the applicant reads it."), field="reason")
    _refuse_unless_open(application)
    application.status = ApplicationStatus.DECLINED
    application.decline_reason = reason
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    application.open_email = None
    application.pending_values = None
    db.session.flush()
    audit.record(actor, "application.decline", application, reason=reason)
    notify("application.declined", _recipient(application),
           lambda r: declined_notice(application, r))


# --------------------------------------------------------------------------------------------
# Anonymisation (docs/architecture.md §2.8)
# --------------------------------------------------------------------------------------------


def anonymise_application(application: Application, *, actor: Any, reason: str) -> None:
    """Erase an application's personal data for good: names, e-mail, phone, date of birth,
    languages, skills, interests, availability, motivation, the decline reason, the other
    organisation's name and the messages to the applicant in the outbox. Kept for the
    association's figures: status, dates, nationality, sending organisation, chosen projects
    and consent facts (version, time).

    :raises NotAllowed: already anonymised, or still open or accepted (an accepted
        application's data lives on in the volunteer's record, anonymised with it).
    """
    from aljisr.mail import OutboxMessage

    if application.anonymised_at is not None:
        raise NotAllowed(_("This application is already anonymised."))
    if application.confirmed_at is not None and application.status not in (
            ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN):
        raise NotAllowed(_("Only declined and withdrawn applications are anonymised."))
    if application.email:
        db.session.execute(sa.delete(OutboxMessage).where(
            sa.func.lower(OutboxMessage.recipient) == application.email))
    for name in ("name_ar", "email", "open_email", "phone", "date_of_birth", "available_from",
                 "available_to", "sending_organisation_other", "motivation",
                 "heard_from_detail", "decline_reason", "pending_values"):
        setattr(application, name, None)
    application.languages, application.skills, application.interests = {}, [], []
    db.session.flush()
    application.full_name = f"#{application.id}"
    application.anonymised_at = utcnow()
    db.session.flush()
    audit.record(actor, "application.anonymise", application, reason=reason)


def anonymise_expired(now: datetime | None = None) -> int:
    """Anonymise declined and withdrawn applications decided more than
    ``APPLICATION_RETENTION_DAYS`` days ago, and applications never confirmed sent more than
    ``APPLICATION_UNCONFIRMED_DAYS`` ago (the worker's daily job and
    ``flask --app aljisr applications anonymise-expired``). Idempotent; flushes.

    :returns: how many were anonymised.
    """
    now = now or utcnow()
    config = current_app.config
    closed_before = now - timedelta(days=int(config["APPLICATION_RETENTION_DAYS"]))
    unconfirmed_before = now - timedelta(days=int(config["APPLICATION_UNCONFIRMED_DAYS"]))
    done = 0
    for application in queries.applications_past_retention(closed_before, unconfirmed_before):
        if application.confirmed_at is None:
            application.status = ApplicationStatus.WITHDRAWN
            application.withdrawn_at = application.withdrawn_at or now
        anonymise_application(application, actor=None, reason=_("Retention period ended."))
        done += 1
    return done
