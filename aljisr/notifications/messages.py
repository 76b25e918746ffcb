"""What each notification says: subject, paragraphs and the link's label, per kind.

Each ``compose`` function runs inside ``force_locale(recipient language)`` (see
:func:`aljisr.notifications.services.notify`), so ``_()`` answers in the recipient's language;
names of projects and sites are given in that language too (``title_in`` / ``name_in``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aljisr.i18n import _, format_date, format_decimal

#: Kinds that concern a placement's dates or the volunteer's safety: always sent, no opt-out.
ESSENTIAL_KINDS: frozenset[str] = frozenset({
    "placement.proposed", "placement.confirmed", "placement.dates_changed",
    "placement.cancelled", "placement.withdrawn", "reminder.day",
    # arrival details missing: the volunteer's pickup and safety depend on them
    "reminder.details", "reminder.details_staff",
    # an applicant's messages: each answers what they did (aljisr/applications/messages.py)
    "application.confirm", "application.received", "application.accepted",
    "application.declined",
})
#: Kinds a recipient may turn off with the unsubscribe link.
OPTIONAL_KINDS: frozenset[str] = frozenset({
    "reminder.week", "hours.rejected", "hours.queried", "certificate.issued",
})
KINDS = ESSENTIAL_KINDS | OPTIONAL_KINDS


@dataclass(frozen=True)
class Recipient:
    """One person to write to: address, language, name to greet, and the link to the page
    concerned for them (None when they have no page, e.g. an organisation's own address)."""

    email: str
    language: str
    name: str
    link: str | None = None


@dataclass
class Notice:
    """A message's content in one language."""

    subject: str
    paragraphs: list[str]
    link_label: str | None = None
    link: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def kind_title(kind: str) -> str:
    """The kind as recipients see it on the unsubscribe page (in the current language)."""
    return {
        "reminder.week": _("Arrival reminders a week ahead"),
        "hours.rejected": _("Hours not approved"),
        "hours.queried": _("Hours queried by the host"),
        "certificate.issued": _("Certificates issued"),
    }.get(kind, kind)


def _placement_facts(placement: Any, language: str) -> dict[str, str]:
    project = placement.project
    return {
        "volunteer": placement.volunteer.full_name,
        "project": project.title_in(language),
        "site": project.site.name_in(language),
        "start": format_date(placement.start_date, "long"),
        "end": format_date(placement.end_date, "long"),
    }


def placement_notice(kind: str, placement: Any, recipient: Recipient, *,
                     old: tuple[date, date] | None = None) -> Notice:
    """A notice about ``placement`` for ``kind`` (placement.* and reminder.*).

    :param old: the former (first, last) days, for ``placement.dates_changed``.
    """
    facts = _placement_facts(placement, recipient.language)
    reason = placement.status_reason
    paragraphs: list[str]
    if kind == "placement.proposed":
        subject = _("Placement proposed: %(project)s", **facts)
        paragraphs = [
            _("A placement of %(volunteer)s on %(project)s (%(site)s) is proposed from "
              "%(start)s to %(end)s.", **facts),
            _("The association will confirm it once everything is agreed."),
        ]
    elif kind == "placement.confirmed":
        subject = _("Placement confirmed: %(project)s", **facts)
        paragraphs = [_("The placement of %(volunteer)s on %(project)s (%(site)s) is confirmed "
                        "from %(start)s to %(end)s.", **facts)]
        if recipient.email.strip().lower() == (placement.volunteer.email or "").lower():
            paragraphs.append(_("Your pre-arrival infosheet is attached: where to go, whom to "
                                "call, what to bring. Please record your travel in your "
                                "portal, so that the host can plan your arrival."))
    elif kind == "placement.dates_changed":
        subject = _("New dates for the placement: %(project)s", **facts)
        assert old is not None
        paragraphs = [_("The placement of %(volunteer)s on %(project)s (%(site)s) now runs from "
                        "%(start)s to %(end)s (before: %(old_start)s to %(old_end)s).",
                        old_start=format_date(old[0], "long"),
                        old_end=format_date(old[1], "long"), **facts)]
    elif kind == "placement.cancelled":
        subject = _("Placement cancelled: %(project)s", **facts)
        paragraphs = [_("The placement of %(volunteer)s on %(project)s (%(site)s), planned from "
                        "%(start)s to %(end)s, is cancelled.", **facts)]
    elif kind == "placement.withdrawn":
        subject = _("Placement withdrawn: %(project)s", **facts)
        paragraphs = [_("The placement of %(volunteer)s on %(project)s (%(site)s), from "
                        "%(start)s to %(end)s, is withdrawn: it ends early.", **facts)]
    elif kind in ("reminder.week", "reminder.day"):
        subject = _("Arrival on %(start)s: %(project)s", **facts)
        paragraphs = [
            _("Reminder: the placement of %(volunteer)s on %(project)s (%(site)s) starts on "
              "%(start)s and runs until %(end)s.", **facts),
        ]
        if placement.project.site.address:
            paragraphs.append(_("Address: %(address)s", address=placement.project.site.address))
    elif kind == "reminder.details":
        subject = _("Your arrival details, please: %(project)s", **facts)
        paragraphs = [
            _("Your placement on %(project)s (%(site)s) starts on %(start)s.", **facts),
            _("Please record in your portal how and when you arrive and leave, whether you "
              "need to be picked up, your insurance and your emergency contact: the host "
              "plans your arrival from them."),
        ]
        return Notice(subject, paragraphs, _("Record my arrival details"), recipient.link)
    elif kind == "reminder.details_staff":
        subject = _("Arrival details missing: %(volunteer)s", **facts)
        paragraphs = [
            _("%(volunteer)s starts on %(project)s (%(site)s) on %(start)s and has not given "
              "arrival details yet, although reminded.", **facts),
            _("Contact them, or record the details yourself."),
        ]
        return Notice(subject, paragraphs, _("Record arrival details"), recipient.link)
    else:  # pragma: no cover - a programming error
        raise ValueError(kind)
    if reason and kind in ("placement.cancelled", "placement.withdrawn"):
        paragraphs.append(_("Reason: %(reason)s", reason=reason))
    return Notice(subject, paragraphs, _("See the placement"), recipient.link)


def hours_notice(kind: str, entry: Any, recipient: Recipient, *,
                 message: str | None = None, organisation: str | None = None) -> Notice:
    """A notice to the volunteer about an hours entry (``hours.rejected``/``hours.queried``)."""
    facts = {
        "project": entry.placement.project.title_in(recipient.language),
        "day": format_date(entry.work_date, "long"),
        "hours": format_decimal(entry.hours),
    }
    if kind == "hours.rejected":
        subject = _("Hours not approved: %(project)s", **facts)
        paragraphs = [
            _("Your %(hours)s hours of %(day)s on %(project)s were not approved.", **facts),
            _("Reason: %(reason)s", reason=entry.rejection_reason or ""),
        ]
    else:
        subject = _("Hours queried by the host: %(project)s", **facts)
        paragraphs = [
            _("%(organisation)s queried your %(hours)s hours of %(day)s on %(project)s:",
              organisation=organisation or "", **facts),
            message or "",
            _("The association will look at it with you."),
        ]
    return Notice(subject, paragraphs, _("See the entry"), recipient.link)


def certificate_notice(certificate: Any, recipient: Recipient, *, verify_link: str) -> Notice:
    """A notice that ``certificate`` was issued, with its public verification link."""
    project = certificate.placement.project.title_in(recipient.language) \
        if certificate.placement else ""
    return Notice(
        _("Certificate issued: %(project)s", project=project),
        [
            _("A certificate of volunteering (serial %(serial)s) was issued to %(volunteer)s "
              "for %(project)s.", serial=certificate.serial,
              volunteer=certificate.volunteer.full_name, project=project),
            _("Anyone can check that it is genuine at its verification page."),
        ],
        _("Verify the certificate"),
        verify_link,
    )


Composer = Callable[[Recipient], Notice]
