"""Small builders for test data. Each flushes (so ids exist) and never commits."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from aljisr.auth.models import User
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project, ProjectStatus, Theme
from aljisr.sites.models import Site, SiteKind
from aljisr.volunteers.models import LanguageLevel, Volunteer, VolunteerLanguage, VolunteerStatus

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def _add(obj: Any) -> Any:
    db.session.add(obj)
    db.session.flush()
    return obj


def organisation(kind: OrganisationKind = OrganisationKind.SENDING, **kw: Any) -> Organisation:
    n = next(_seq)
    return _add(Organisation(**{"name": f"Organisation {n}", "kind": kind, "country": "FR", **kw}))


def site(host: Organisation | None = None, **kw: Any) -> Site:
    n = next(_seq)
    return _add(
        Site(**{"name": f"School {n}", "kind": SiteKind.PRIMARY_SCHOOL, "organisation": host, **kw})
    )


def project(site_: Site | None = None, **kw: Any) -> Project:
    n = next(_seq)
    values = {
        "title": f"Project {n}",
        "site": site_ or site(),
        "theme": Theme.EDUCATION,
        "status": ProjectStatus.OPEN,
        "start_date": date(2026, 9, 1),
        "end_date": date(2026, 12, 31),
        "capacity": 5,
        "required_skills": [],
        "required_languages": [],
        **kw,
    }
    return _add(Project(**values))


def volunteer(
    sender: Organisation | None = None, languages: dict[str, str] | None = None, **kw: Any
) -> Volunteer:
    n = next(_seq)
    v = Volunteer(
        **{
            "full_name": f"Volunteer {n}",
            "email": f"v{n}@example.org",
            "nationality": "FR",
            "status": VolunteerStatus.ACTIVE,
            "sending_organisation": sender,
            "skills": [],
            "interests": [],
            **kw,
        }
    )
    v.languages = [
        VolunteerLanguage(code=c, level=LanguageLevel(lv)) for c, lv in (languages or {}).items()
    ]
    return _add(v)


def placement(
    volunteer_: Volunteer | None = None, project_: Project | None = None, **kw: Any
) -> Placement:
    project_ = project_ or project()
    values = {
        "volunteer": volunteer_ or volunteer(),
        "project": project_,
        "start_date": project_.start_date,
        "end_date": project_.end_date,
        "status": PlacementStatus.ACTIVE,
        **kw,
    }
    return _add(Placement(**values))


def hours(
    placement_: Placement,
    day: date | None = None,
    amount: str = "4",
    status: HoursStatus = HoursStatus.APPROVED,
    **kw: Any,
) -> HoursEntry:
    return _add(
        HoursEntry(
            placement=placement_,
            volunteer_id=placement_.volunteer_id,
            work_date=day or placement_.start_date,
            hours=Decimal(amount),
            status=status,
            **{"activity": "Painting", **kw},
        )
    )


def user(role: Role = Role.COORDINATOR, password: str = PASSWORD, **kw: Any) -> User:
    n = next(_seq)
    u = User(**{"email": f"user{n}@example.org", "display_name": f"User {n}", "role": role, **kw})
    u.set_password(password)
    return _add(u)


def user_for_role(name: str) -> User:
    """A user for one of: admin, coordinator, volunteer, sending, host."""
    if name in ("admin", "coordinator"):
        return user(Role(name))
    if name == "volunteer":
        u = user(Role.VOLUNTEER)
        volunteer(user=u, email=u.email)
        return u
    if name == "sending":
        return user(Role.PARTNER, organisation=organisation(OrganisationKind.SENDING))
    if name == "host":
        return user(Role.PARTNER, organisation=organisation(OrganisationKind.HOST))
    raise ValueError(name)


def days(start: date, n: int) -> date:
    return start + timedelta(days=n)
