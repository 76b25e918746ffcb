"""Reads behind the volunteers register: one list query per page (plus its count), detail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from aljisr.extensions import db
from aljisr.listing import Page, Sort, order_by, paginate, search_clause
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.volunteers.models import Volunteer, VolunteerLanguage, VolunteerStatus

#: Sort keys accepted in the URL -> columns (anything else falls back to "name").
SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Volunteer.search_key,),
    "nationality": (Volunteer.nationality,),
    "organisation": (sa.func.nullif(Organisation.search_key, ""),),  # NULL: no organisation
    "status": (Volunteer.status,),
    "available_from": (Volunteer.available_from,),
    "created": (Volunteer.created_at,),
}
DEFAULT_SORT = "name"


def archived_clause(column: Any, show: str | None) -> Any:
    """``show``: "" or None -> current records only, "archived" -> archived only, "all"."""
    if show == "all":
        return sa.true()
    if show == "archived":
        return column.is_not(None)
    return column.is_(None)


def json_list_contains(column: Any, value: str) -> Any:
    """A JSON list of strings contains ``value`` (same SQL on SQLite and PostgreSQL: the list's
    text holds the quoted value; values are plain words from a fixed vocabulary)."""
    return sa.cast(column, sa.Text).contains(f'"{value}"', autoescape=True)


#: What a row of the volunteers register shows.
LIST_COLUMNS = (Volunteer.id, Volunteer.full_name, Volunteer.name_ar, Volunteer.nationality,
                Volunteer.sending_organisation_id, Volunteer.status, Volunteer.available_from,
                Volunteer.available_to, Volunteer.archived_at)


def volunteer_page(filters: Mapping[str, Any], sort: Sort, page: int) -> Page:
    """One page of volunteers with their sending organisation and languages: 3 queries
    (count, page, languages) whatever the number of volunteers.

    :param filters: from ``VolunteerFilterForm.active_filters()``: q, status, nationality,
        sending_organisation (id), language (ISO 639-1), interest (theme value),
        date_from/date_to (availability overlapping the range, both ends included),
        archived ("", "archived", "all").
    """
    stmt = sa.select(Volunteer).where(
        archived_clause(Volunteer.archived_at, filters.get("archived")),
        search_clause(Volunteer.search_key, filters.get("q")),
    )
    if filters.get("status"):
        stmt = stmt.where(Volunteer.status == VolunteerStatus(filters["status"]))
    if filters.get("nationality"):
        stmt = stmt.where(Volunteer.nationality == filters["nationality"])
    if filters.get("sending_organisation"):
        stmt = stmt.where(Volunteer.sending_organisation_id == filters["sending_organisation"])
    if filters.get("language"):
        stmt = stmt.where(Volunteer.id.in_(
            sa.select(VolunteerLanguage.volunteer_id)
            .where(VolunteerLanguage.code == filters["language"])
        ))
    if filters.get("interest"):
        stmt = stmt.where(json_list_contains(Volunteer.interests, filters["interest"]))
    if filters.get("date_from"):
        stmt = stmt.where(Volunteer.available_to >= filters["date_from"])
    if filters.get("date_to"):
        stmt = stmt.where(Volunteer.available_from <= filters["date_to"])

    if sort.key == "organisation":
        stmt = stmt.outerjoin(Volunteer.sending_organisation)
        organisation: Any = contains_eager(Volunteer.sending_organisation)
    else:
        organisation = joinedload(Volunteer.sending_organisation)
    # only the columns a row shows (a volunteer also holds contact details, notes and lists)
    options = [
        load_only(*LIST_COLUMNS, raiseload=True),
        organisation.load_only(Organisation.id, Organisation.name, raiseload=True),
        selectinload(Volunteer.languages),
    ]
    return paginate(stmt, page, order=order_by(sort, SORTS, Volunteer.id), options=options)


def get_volunteer(volunteer_id: int) -> Volunteer:
    """The volunteer with its sending organisation and languages, or 404."""
    volunteer = db.session.scalar(
        sa.select(Volunteer)
        .where(Volunteer.id == volunteer_id)
        .options(joinedload(Volunteer.sending_organisation), selectinload(Volunteer.languages))
    )
    if volunteer is None:
        abort(404)
    return volunteer


def sending_organisation_options(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of current sending organisations, plus ``include_id`` even if archived."""
    stmt = sa.select(Organisation.id, Organisation.name).where(
        Organisation.kind == OrganisationKind.SENDING,
        sa.or_(Organisation.archived_at.is_(None), Organisation.id == (include_id or 0)),
    )
    rows = db.session.execute(stmt.order_by(Organisation.search_key))
    return [(row.id, row.name) for row in rows]
