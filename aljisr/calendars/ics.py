"""iCalendar (RFC 5545) files built with the ``icalendar`` library.

A placement's date range is an all-day event: ``DTSTART;VALUE=DATE`` is its first day and
``DTEND`` the day *after* its last day (RFC 5545 §3.6.1: DTEND is exclusive; our end dates
are inclusive). Cancelled and withdrawn placements stay in the feed with ``STATUS:CANCELLED``
so subscribed calendars remove them; proposed ones are ``TENTATIVE``. The calendar carries the
association's time zone (``X-WR-TIMEZONE`` and its ``VTIMEZONE``, Africa/Casablanca) for
clients that place all-day events by zone. UIDs are stable (``placement-ID-kind@host``), so a
changed placement updates its event rather than adding one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, Timezone

from aljisr.database import utcnow
from aljisr.i18n import _
from aljisr.mail import absolute_url
from aljisr.placements.models import PlacementStatus

STATUS = {
    PlacementStatus.PROPOSED: "TENTATIVE",
    PlacementStatus.CANCELLED: "CANCELLED",
    PlacementStatus.WITHDRAWN: "CANCELLED",
}


def _host() -> str:
    return urlsplit(absolute_url("public.index")).hostname or "localhost"


def _event(uid: str, summary: str, first: date, last: date, *, status: str = "CONFIRMED",
           location: str | None = None, url: str | None = None,
           modified: Any = None) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{_host()}")
    event.add("dtstamp", utcnow())
    if modified is not None:
        event.add("last-modified", modified)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # exclusive (RFC 5545 §3.6.1)
    event.add("transp", "TRANSPARENT")
    event.add("status", status)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    return event


def placement_events(placement: Any, language: str, *, arrivals: bool,
                     link: str | None = None) -> list[Event]:
    """Events for one placement in ``language``: its whole stay (a volunteer's own view), or,
    with ``arrivals``, one event on the first day and one on the last (a host's or the
    association's view)."""
    project = placement.project
    facts = {"volunteer": placement.volunteer.full_name, "project": project.title_in(language),
             "site": project.site.name_in(language)}
    status = STATUS.get(placement.status, "CONFIRMED")
    location = ", ".join(p for p in (project.site.name_in(language), project.site.address,
                                     project.site.city) if p)
    common = {"status": status, "location": location, "url": link,
              "modified": placement.updated_at}
    if not arrivals:
        return [_event(f"placement-{placement.id}", _("Placement: %(project)s (%(site)s)",
                                                      **facts),
                       placement.start_date, placement.end_date, **common)]
    return [
        _event(f"placement-{placement.id}-arrival",
               _("Arrival: %(volunteer)s, %(project)s", **facts),
               placement.start_date, placement.start_date, **common),
        _event(f"placement-{placement.id}-departure",
               _("Departure: %(volunteer)s, %(project)s", **facts),
               placement.end_date, placement.end_date, **common),
    ]


def phase_event(project: Any, language: str) -> Event:
    """A project phase over its dates."""
    return _event(f"project-{project.id}",
                  _("Project phase: %(project)s", project=project.title_in(language)),
                  project.start_date, project.end_date,
                  location=project.site.name_in(language), modified=project.updated_at)


def calendar(name: str, events: Iterable[Event] | Sequence[Event]) -> bytes:
    """A VCALENDAR named ``name`` holding ``events``, with the association's time zone."""
    cal = Calendar()
    cal.add("prodid", "-//Al Jisr//aljisr//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    zone = current_app.config["TIMEZONE"]
    cal.add("x-wr-timezone", zone)
    cal.add_component(Timezone.from_tzid(zone))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
