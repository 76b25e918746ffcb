"""Reads behind the volunteers register: one list query per page (plus its count), detail."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from aljisr.extensions import db
from aljisr.listing import Page, Sort, archived_clause, order_by, paginate, search_clause
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.placements.models import Placement
from aljisr.text import clean_email, clean_text
from aljisr.volunteers.models import LanguageLevel, Volunteer, VolunteerLanguage, VolunteerStatus

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


def json_list_contains(column: Any, value: str) -> Any:
    """A JSON list of strings contains ``value`` (same SQL on SQLite and PostgreSQL: the list's
    text holds the quoted value; values are plain words from a fixed vocabulary)."""
    return sa.cast(column, sa.Text).contains(f'"{value}"', autoescape=True)


@dataclass(frozen=True, slots=True)
class VolunteerRow:
    """What a row of the volunteers register shows: plain values, no ORM object to build.

    ``languages`` is a list of (ISO 639-1 code, :class:`LanguageLevel`), by code.
    """

    id: int
    full_name: str
    name_ar: str | None
    nationality: str | None
    status: VolunteerStatus
    available_from: date | None
    available_to: date | None
    archived_at: datetime | None
    organisation_id: int | None
    organisation_name: str | None
    languages: list[tuple[str, LanguageLevel]]


def filter_clauses(filters: Mapping[str, Any]) -> list[Any]:
    """The register's filters as WHERE clauses on ``Volunteer`` (also how the season planner
    picks its volunteers, and what the export writes).

    :param filters: from ``VolunteerFilterForm.active_filters()``: q, status, nationality,
        sending_organisation (id), language (ISO 639-1), interest (theme value),
        date_from/date_to (availability overlapping the range, both ends included),
        archived ("", "archived", "all").
    """
    where: list[Any] = [
        archived_clause(Volunteer.archived_at, filters.get("archived")),
        search_clause(Volunteer.search_key, filters.get("q")),
    ]
    if filters.get("status"):
        where.append(Volunteer.status == VolunteerStatus(filters["status"]))
    if filters.get("nationality"):
        where.append(Volunteer.nationality == filters["nationality"])
    if filters.get("sending_organisation"):
        where.append(Volunteer.sending_organisation_id == filters["sending_organisation"])
    if filters.get("language"):
        where.append(Volunteer.id.in_(
            sa.select(VolunteerLanguage.volunteer_id)
            .where(VolunteerLanguage.code == filters["language"])
        ))
    if filters.get("interest"):
        where.append(json_list_contains(Volunteer.interests, filters["interest"]))
    if filters.get("date_from"):
        where.append(Volunteer.available_to >= filters["date_from"])
    if filters.get("date_to"):
        where.append(Volunteer.available_from <= filters["date_to"])
    return where


def volunteer_page(filters: Mapping[str, Any], sort: Sort, page: int) -> Page:
    """One page of volunteers (:class:`VolunteerRow`) with their sending organisation and
    languages: 3 queries (count, page, languages) whatever the number of volunteers.

    :param filters: as :func:`filter_clauses`.
    """
    where = filter_clauses(filters)
    stmt = (
        sa.select(
            Volunteer.id, Volunteer.full_name, Volunteer.name_ar, Volunteer.nationality,
            Volunteer.status, Volunteer.available_from, Volunteer.available_to,
            Volunteer.archived_at, Organisation.id, Organisation.name,
        )
        .outerjoin(Organisation, Organisation.id == Volunteer.sending_organisation_id)
        .where(*where)
    )
    # counted without the organisations join, which only adds a name to show
    result = paginate(stmt, page, order=order_by(sort, SORTS, Volunteer.id), rows=True,
                      count=sa.select(Volunteer.id).where(*where))
    languages: dict[int, list[tuple[str, LanguageLevel]]] = {row[0]: [] for row in result.items}
    if languages:
        for volunteer_id, code, level in db.session.execute(
            sa.select(VolunteerLanguage.volunteer_id, VolunteerLanguage.code,
                      VolunteerLanguage.level)
            .where(VolunteerLanguage.volunteer_id.in_(languages))
            .order_by(VolunteerLanguage.code)
        ):
            languages[volunteer_id].append((code, level))
    result.items = [VolunteerRow(*row, languages=languages[row[0]]) for row in result.items]
    return result


def get_volunteer(volunteer_id: int) -> Volunteer:
    """The volunteer with its sending organisation and languages, or 404."""
    volunteer = db.session.scalar(
        sa.select(Volunteer)
        .where(Volunteer.id == volunteer_id)
        .options(selectinload(Volunteer.sending_organisation), selectinload(Volunteer.languages))
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


# --- likely duplicates (read by the services' check before a save) -------------------------


def name_key(name: str | None) -> str:
    """A name compared for duplicates: NFC-normalised, spaces collapsed, case-folded.

    "  YASMINE  Haddad" and "yasmine haddad" give the same key; "Élodie" and "Elodie" do not
    (an accent may be the only difference between two people's names).
    """
    return (clean_text(name) or "").casefold()


@dataclass(frozen=True)
class LikelyDuplicate:
    """An existing volunteer who looks like the one being saved, and why."""

    volunteer: Volunteer
    same_email: bool
    same_name_and_birth: bool


def find_likely_duplicates(
    full_name: str | None,
    email: str | None,
    date_of_birth: date | None,
    *,
    exclude_id: int | None = None,
) -> list[LikelyDuplicate]:
    """Volunteers (archived ones included) who are probably the same person.

    A volunteer matches when the e-mail is the same in any case, or when the name is the same
    after NFC normalisation and case folding (:func:`name_key`) *and* the date of birth is the
    same. Candidates are narrowed by e-mail or birth date in SQL, then names compared in
    Python (case folding is not portable SQL); see :func:`find_likely_duplicates_many`.

    :param exclude_id: the volunteer being edited, never its own duplicate.
    :returns: matches ordered by name, e-mail matches first.
    """
    return find_likely_duplicates_many([(full_name, email, date_of_birth)],
                                       exclude_id=exclude_id)[0]


#: Values per ``IN (...)`` list (SQLite allows 32,766 bound parameters, PostgreSQL 65,535).
IN_CHUNK = 900


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def find_likely_duplicates_many(
    people: Sequence[tuple[str | None, str | None, date | None]],
    *,
    exclude_id: int | None = None,
) -> list[list[LikelyDuplicate]]:
    """:func:`find_likely_duplicates` for many people at once (an imported file), by the same
    rule, in a few queries whatever their number: candidates' (id, name, e-mail, date of birth)
    by e-mail (the unique index) and by date of birth (its index), ``IN`` lists of
    :data:`IN_CHUNK`; then the matching volunteers themselves, in one ``IN`` list per chunk.

    :param people: (full name, e-mail, date of birth) per person.
    :returns: one list per person, in the same order, each as :func:`find_likely_duplicates`.
    """
    wanted = [(name_key(name), clean_email(email), birth if clean_text(name) else None)
              for name, email, birth in people]
    emails = sorted({email for _key, email, _birth in wanted if email})
    births = sorted({birth for _key, _email, birth in wanted if birth})
    columns = (Volunteer.id, Volunteer.full_name, Volunteer.email, Volunteer.date_of_birth)
    by_email: dict[str, set[int]] = {}
    by_name_birth: dict[tuple[str, date], set[int]] = {}
    for column, values in ((Volunteer.email, emails), (Volunteer.date_of_birth, births)):
        for chunk in _chunks(values):
            stmt = sa.select(*columns).where(column.in_(chunk))
            if exclude_id is not None:
                stmt = stmt.where(Volunteer.id != exclude_id)
            for row in db.session.execute(stmt):
                if row.email:
                    by_email.setdefault(row.email.lower(), set()).add(row.id)
                if row.date_of_birth:
                    by_name_birth.setdefault((name_key(row.full_name), row.date_of_birth),
                                             set()).add(row.id)
    matches: list[dict[int, tuple[bool, bool]]] = []
    for key, email, birth in wanted:
        same_email = by_email.get(email, set()) if email else set()
        same_name = by_name_birth.get((key, birth), set()) if birth else set()
        matches.append({i: (i in same_email, i in same_name) for i in same_email | same_name})
    ids = sorted({i for found in matches for i in found})
    volunteers: dict[int, Volunteer] = {}
    for chunk in _chunks(ids):
        for volunteer in db.session.scalars(sa.select(Volunteer).where(Volunteer.id.in_(chunk))):
            volunteers[volunteer.id] = volunteer
    results = []
    for found in matches:
        listed = sorted((volunteers[i] for i in found if i in volunteers),
                        key=lambda v: (v.search_key, v.id))
        duplicates = [LikelyDuplicate(v, *found[v.id]) for v in listed]
        duplicates.sort(key=lambda d: not d.same_email)
        results.append(duplicates)
    return results


# --- retention ------------------------------------------------------------------------------


def volunteers_past_retention(years: int, today: date) -> list[Volunteer]:
    """Volunteers whose data the association no longer needs: not yet anonymised, registered
    more than ``years`` years before ``today``, and with no placement ending (or still to
    come) within those years. Oldest first.

    :param years: the retention period the association has declared (at least 1).
    :raises ValueError: ``years`` is less than 1.
    """
    if years < 1:
        raise ValueError("the retention period is at least one year")
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    recent = sa.select(Placement.id).where(
        Placement.volunteer_id == Volunteer.id, Placement.end_date >= cutoff
    )
    return list(db.session.scalars(
        sa.select(Volunteer)
        .where(
            Volunteer.anonymised_at.is_(None),
            Volunteer.created_at < datetime.combine(cutoff, time.min, tzinfo=UTC),
            ~recent.exists(),
        )
        .order_by(Volunteer.created_at, Volunteer.id)
    ))
