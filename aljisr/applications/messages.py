"""What an applicant is told at each step, in the language they applied in: the link that
confirms their address (and their application), the acknowledgement once confirmed, the
acceptance and the decline. Written to the outbox through
:func:`aljisr.notifications.services.notify` (the worker delivers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aljisr.i18n import _, format_date
from aljisr.notifications.messages import Notice, Recipient
from aljisr.templating import language_name

if TYPE_CHECKING:
    from aljisr.applications.models import Application


def _projects(application: Application, language: str) -> str:
    return ", ".join(p.title_in(language) for p in application.projects)


def _footer() -> str:
    return _("You receive this message because this address was given on our application "
             "form.")


def _dates(application: Application) -> str | None:
    if not (application.available_from and application.available_to):
        return None
    return _("Available from %(start)s to %(end)s.",
             start=format_date(application.available_from, "long"),
             end=format_date(application.available_to, "long"))


def confirm_notice(application: Application, recipient: Recipient, *, withdraw_link: str,
                   hours: int, update: bool, replaced: bool = False) -> Notice:
    """The double opt-in message: ``recipient.link`` confirms (once, for ``hours`` hours);
    nothing reaches the coordinators before. ``update``: a confirmed application's address
    sent the form again, and the changes wait for this confirmation. ``replaced``: an
    unconfirmed application's address sent the form again, and this form replaced the
    earlier one (its answers, projects, dates and language; the earlier link is spent): the
    message says so and what the application now holds (docs/architecture.md §6.15).
    The wording names the link by its label, which both the HTML part (a button) and the
    text part (the label, then the address) show."""
    label = _("Confirm my application")
    if update:
        subject = _("Confirm the changes to your application")
        first = _("We received new answers to your application. Confirm them with "
                  "“%(label)s” below; until then your application stays as it was.",
                  label=label)
    elif replaced:
        subject = _("Confirm your updated application")
        first = _("We received the application form again from this address: it replaces "
                  "the one sent earlier, whose link no longer works. Your application now "
                  "holds the projects, dates and language below. Confirm it with "
                  "“%(label)s” below: only then does it reach our coordinators.", label=label)
    else:
        subject = _("Confirm your application")
        first = _("Thank you for applying to volunteer with us. Confirm your e-mail address "
                  "with “%(label)s” below: only then does your application reach our "
                  "coordinators.", label=label)
    paragraphs = [first, _("Projects chosen: %(projects)s.",
                           projects=_projects(application, recipient.language))]
    dates = _dates(application)
    if dates:
        paragraphs.append(dates)
    if replaced:
        paragraphs.append(_("Language of our messages: %(language)s.",
                            language=language_name(recipient.language)))
    paragraphs.append(_("The link works once, for %(hours)d hours. If you did not apply, "
                        "ignore this message: nothing will be kept.", hours=hours))
    return Notice(
        subject, paragraphs, label, recipient.link,
        extra={"footer": _footer(), "second_link": withdraw_link,
               "second_label": _("Withdraw my application")},
    )


def received_notice(application: Application, recipient: Recipient, *,
                    withdraw_link: str) -> Notice:
    """Sent once the address is confirmed: the application is with the coordinators."""
    return Notice(
        _("We have received your application"),
        [_("Your application is confirmed and now with our coordinators. They will answer "
           "you by e-mail."),
         _("Projects chosen: %(projects)s.", projects=_projects(application, recipient.language)),
         _("You can withdraw your application at any time with the link below.")],
        _("Withdraw my application"), withdraw_link,
        extra={"footer": _footer()},
    )


def accepted_notice(application: Application, recipient: Recipient, *, invited: bool,
                    placements: list[str]) -> Notice:
    """The application is accepted; ``placements`` names the proposed ones."""
    paragraphs = [_("Good news: your application is accepted. Welcome to the association!")]
    if placements:
        paragraphs.append(_("Proposed placements: %(placements)s. You will receive the "
                            "details of each.", placements="; ".join(placements)))
    if invited:
        paragraphs.append(_("You will also receive a link to set your password: you can then "
                            "sign in to see your placements and log your hours."))
    return Notice(_("Your application is accepted"), paragraphs, None, None,
                  extra={"footer": _footer()})


def declined_notice(application: Application, recipient: Recipient) -> Notice:
    """The application is declined, with the coordinator's reason."""
    return Notice(
        _("Your application"),
        [_("Thank you for your interest. We are sorry: we cannot accept your application "
           "this time."),
         _("Reason: %(reason)s", reason=application.decline_reason or ""),
         _("Your data will be erased after %(days)d days.", days=_retention_days())],
        None, None, extra={"footer": _footer()},
    )


def _retention_days() -> int:
    from flask import current_app

    return int(current_app.config["APPLICATION_RETENTION_DAYS"])
