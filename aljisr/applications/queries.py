"""Reads behind applications: the public form's choices, the coordinators' inbox (a page, its
counts per status), one application with its likely duplicate volunteers, and the
applications whose retention period has ended.

Only confirmed applications reach the inbox (double opt-in); the inbox is for staff
(``manage_registers``), who see every application, so no role scope applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from aljisr.applications.models import (
    CLOSED_UNACCEPTED,
    OPEN_STATUSES,
    Application,
    ApplicationProject,
    ApplicationStatus,
)
from aljisr.audit import AuditEvent
from aljisr.auth.models import User
from aljisr.dates import association_today, association_zone
from aljisr.extensions import db
from aljisr.listing import Page, paginate, search_clause
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.projects.models import Project, ProjectStatus
from aljisr.public.queries import places_left
from aljisr.volunteers.models import Volunteer
from aljisr.volunteers.queries import LikelyDuplicate, find_likely_duplicates

# --- the public form ----------------------------------------------------------------------


def open_projects() -> list[Project]:
    """Projects taking applications: open, not archived, not yet ended, and not full (a
    place left on their fullest day from today, as the catalogue counts it:
    :func:`aljisr.public.queries.places_left`); by start date, each with its site (two
    queries)."""
    today = association_today()
    found = list(db.session.scalars(
        sa.select(Project)
        .where(Project.status == ProjectStatus.OPEN, Project.archived_at.is_(None),
               Project.end_date >= today)
        .options(joinedload(Project.site))
        .order_by(Project.start_date, Project.id)
    ).unique().all())
    left = places_left(found, today)
    return [p for p in found if left.get(p.id)]


def open_projects_by_id(ids: Sequence[int]) -> list[Project]:
    """The projects of ``ids`` that take applications, in the order of ``ids`` (fewer when
    some do not)."""
    found = {p.id: p for p in open_projects() if p.id in set(ids)}
    return [found[i] for i in ids if i in found]


def sending_organisations() -> list[tuple[int, str]]:
    """(id, name) of the current sending organisations, by name."""
    return [tuple(row) for row in db.session.execute(  # type: ignore[misc]
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.kind == OrganisationKind.SENDING, Organisation.archived_at.is_(None))
        .order_by(Organisation.search_key, Organisation.id)
    )]


def sending_organisation(org_id: int) -> Organisation | None:
    """The current sending organisation ``org_id``, or None."""
    return db.session.scalar(sa.select(Organisation).where(
        Organisation.id == org_id, Organisation.kind == OrganisationKind.SENDING,
        Organisation.archived_at.is_(None)))


def open_application_for(email: str | None) -> Application | None:
    """The open (new or in review) application with this address, or None (one at most: the
    unique ``open_email``)."""
    if not email:
        return None
    return db.session.scalar(sa.select(Application).where(Application.open_email == email))


def volunteer_id_with_email(email: str | None) -> int | None:
    """The id of the (not anonymised) volunteer with this address (stored lower-cased)."""
    if not email:
        return None
    return db.session.scalar(sa.select(Volunteer.id).where(
        Volunteer.email == email, Volunteer.anonymised_at.is_(None)))


def application(application_id: int) -> Application | None:
    """One application (any status, confirmed or not), or None."""
    return db.session.get(Application, application_id)


# --- the inbox ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboxRow:
    """A row of the inbox: the application and its chosen projects' titles, in order."""

    application: Application
    projects: list[Project]


def _day_start(day: Any) -> datetime:
    """Midnight of ``day`` in the association's time zone, as UTC."""
    local = datetime.combine(day, time.min).replace(tzinfo=association_zone())
    return local.astimezone(UTC)


def _filters(filters: Mapping[str, Any], *, with_status: bool = True) -> list[Any]:
    where: list[Any] = [Application.confirmed_at.is_not(None),
                        search_clause(Application.search_key, filters.get("q"))]
    if with_status and filters.get("status"):
        where.append(Application.status == ApplicationStatus(filters["status"]))
    if filters.get("project"):
        where.append(Application.id.in_(
            sa.select(ApplicationProject.application_id)
            .where(ApplicationProject.project_id == filters["project"])))
    if filters.get("nationality"):
        where.append(Application.nationality == filters["nationality"])
    if filters.get("date_from"):
        where.append(Application.confirmed_at >= _day_start(filters["date_from"]))
    if filters.get("date_to"):
        where.append(Application.confirmed_at
                     < _day_start(filters["date_to"] + timedelta(days=1)))
    return where


def inbox_page(filters: Mapping[str, Any], page: int) -> Page:
    """One page of confirmed applications (:class:`InboxRow`), newest first: 3 queries
    (count, page, chosen projects) whatever the number of applications.

    :param filters: q (name or e-mail), status, project (id), nationality (ISO 3166-1),
        date_from / date_to (the day it was confirmed, in the association's time zone, both
        included).
    """
    where = _filters(filters)
    stmt = (sa.select(Application).where(*where)
            .options(selectinload(Application.preferences)
                     .joinedload(ApplicationProject.project)))
    result = paginate(stmt, page, order=(Application.confirmed_at.desc(),
                                         Application.id.desc()))
    result.items = [InboxRow(a, a.projects) for a in result.items]
    return result


def status_counts(filters: Mapping[str, Any]) -> dict[ApplicationStatus, int]:
    """Confirmed applications per status under ``filters`` (its status left out), one query;
    every status present (0 when none)."""
    counts = dict.fromkeys(ApplicationStatus, 0)
    for status, n in db.session.execute(
        sa.select(Application.status, sa.func.count())
        .where(*_filters(filters, with_status=False)).group_by(Application.status)
    ):
        counts[ApplicationStatus(status)] = n
    return counts


def new_count() -> int:
    """Confirmed applications waiting for a first look (status new): the navigation's badge."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.status == ApplicationStatus.NEW,
        Application.confirmed_at.is_not(None))) or 0


def inbox_application(application_id: int) -> Application | None:
    """A confirmed application for the inbox's page, with its sending organisation (the page
    names it), or None (unconfirmed ones are not the coordinators' yet). One statement, and
    one for its chosen projects."""
    return db.session.scalar(sa.select(Application).where(
        Application.id == application_id, Application.confirmed_at.is_not(None))
        .options(joinedload(Application.sending_organisation)))


def likely_duplicates(application: Application) -> list[LikelyDuplicate]:
    """Volunteers who are probably this applicant: same e-mail in any case, or same
    normalised name and date of birth (the volunteer register's rule,
    :func:`aljisr.volunteers.queries.find_likely_duplicates`), plus the volunteer the
    application joined or became."""
    if application.anonymised_at is not None:
        return []
    found = find_likely_duplicates(application.full_name, application.email,
                                   application.date_of_birth)
    if application.volunteer_id and all(d.volunteer.id != application.volunteer_id
                                        for d in found):
        linked = db.session.get(Volunteer, application.volunteer_id)
        if linked is not None:
            found.append(LikelyDuplicate(linked, False, False))
    return found


def nationality_options() -> list[str]:
    """The nationalities of confirmed applications (ISO codes), for the filter."""
    return list(db.session.scalars(
        sa.select(Application.nationality).distinct()
        .where(Application.confirmed_at.is_not(None), Application.nationality.is_not(None))
        .order_by(Application.nationality)))


def project_options() -> list[Project]:
    """Projects some confirmed application chose, for the filter (by start date)."""
    return list(db.session.scalars(
        sa.select(Project).where(Project.id.in_(
            sa.select(ApplicationProject.project_id).join(Application)
            .where(Application.confirmed_at.is_not(None))))
        .order_by(Project.start_date, Project.id)))


def volunteer(volunteer_id: int) -> Volunteer | None:
    """A volunteer the coordinator chose to link an application to."""
    return db.session.get(Volunteer, volunteer_id)


def project(project_id: int) -> Project | None:
    """A project, for a placement proposed while accepting."""
    return db.session.get(Project, project_id)


# --- retention ------------------------------------------------------------------------------


def applications_of_volunteer(volunteer_id: int) -> list[Application]:
    """Every application that became (or was linked to) the volunteer ``volunteer_id``, oldest
    first, with its chosen projects loaded (for the volunteer's data export)."""
    return list(db.session.scalars(
        sa.select(Application).where(Application.volunteer_id == volunteer_id)
        .options(selectinload(Application.preferences)).order_by(Application.id)))


def applications_past_retention(closed_before: datetime,
                                unconfirmed_before: datetime) -> list[Application]:
    """Not yet anonymised applications that are declined or withdrawn since before
    ``closed_before``, or were never confirmed and sent before ``unconfirmed_before``."""
    decided = sa.func.coalesce(Application.decided_at, Application.withdrawn_at)
    return list(db.session.scalars(
        sa.select(Application).where(
            Application.anonymised_at.is_(None),
            sa.or_(
                sa.and_(Application.status.in_(CLOSED_UNACCEPTED), decided < closed_before),
                sa.and_(Application.confirmed_at.is_(None),
                        Application.status.in_(OPEN_STATUSES),
                        Application.created_at < unconfirmed_before),
            ))
        .order_by(Application.id)))


@dataclass(frozen=True)
class InvitationSent:
    """The last invitation to sign in e-mailed to an accepted application's volunteer: the
    address and when (never the link, which only its recipient may read)."""

    email: str
    sent_at: datetime


def invitation_sent(application: Application) -> InvitationSent | None:
    """The last invitation (audit ``user.invite``) sent to the login of the volunteer
    ``application`` became, or None (not accepted, no login, never invited). One query."""
    if application.volunteer_id is None:
        return None
    row = db.session.execute(
        sa.select(User.email, AuditEvent.occurred_at)
        .join(Volunteer, Volunteer.user_id == User.id)
        .join(AuditEvent, sa.and_(AuditEvent.subject_type == User.__tablename__,
                                  AuditEvent.subject_id == User.id,
                                  AuditEvent.action == "user.invite"))
        .where(Volunteer.id == application.volunteer_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)).first()
    return InvitationSent(row[0], row[1]) if row else None


def open_project_ids(ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` that still take volunteers (open, not ended, a place left)."""
    wanted = set(ids)
    return {p.id for p in open_projects() if p.id in wanted}
