"""The delivery worker: ``flask --app aljisr worker`` (``--once`` for scripts and tests).

It claims due outbox rows, hands them to the SMTP server, and records the outcome; once a day
(at start and when the association's date changes) it also writes the arrival reminders
(:func:`aljisr.notifications.services.write_arrival_reminders`), so no cron job is needed.

**Claiming.** A short transaction selects due rows -- ``queued`` and due, or ``sending`` with
a lease older than ``MAIL_LEASE_SECONDS`` (their worker died) -- with ``SELECT … FOR UPDATE
SKIP LOCKED`` on PostgreSQL, marks them ``sending`` with ``claimed_at`` = now and counts the
attempt, and commits. Two workers therefore never hold the same row. On SQLite the row locks
do not exist; the claim runs in a ``BEGIN IMMEDIATE`` transaction (one writer at a time), which
keeps claims apart too, but run a single worker there: it shares one file lock with the web.

**Delivery guarantee: at least once, with the duplicate window made as small as SMTP allows.**
A message is marked ``sent`` in its own transaction immediately after the server accepts it
(the reply to DATA), never before, so nothing accepted-but-unrecorded can be lost and nothing
unsent is ever recorded as sent. A worker killed after claiming and before sending leaves the
row ``sending``; when the lease expires another worker (or the same one, restarted) claims and
sends it: sent once. Only a worker killed in the milliseconds between the server's acceptance
and the ``sent`` commit sends a message twice; both copies carry the same ``Message-ID``
(``<outbox-ID.…@…>``), which mail clients use to fold duplicates. Exactly-once is impossible
over SMTP (the protocol has no idempotency key), and at-most-once would lose mail whenever a
worker dies before the commit -- worse for a placement's dates than a rare duplicate.

A worker never *starts* a send once its lease, minus the SMTP timeout, is spent: the rest of
its batch goes back to ``queued`` rather than risking a send another worker may also make.

**Failures.** A temporary one (connection refused or dropped, timeout, 4xx) puts the row back
to ``queued`` with ``next_attempt_at`` = now + ``MAIL_RETRY_BASE_SECONDS`` × 2^(attempts-1),
capped at ``MAIL_RETRY_MAX_SECONDS``; a permanent one (5xx for this message) or the
``MAIL_MAX_ATTEMPTS``-th failure marks it ``failed`` with the last error. With the defaults
(60 s doubling, 1 h cap, 10 attempts) a message keeps trying for about five hours.
Without ``MAIL_SERVER`` messages are written to the log and marked sent (transport ``log``).
"""

from __future__ import annotations

import logging
import signal
import smtplib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import DBAPIError

from aljisr.database import utcnow, write_intent
from aljisr.dates import association_today
from aljisr.extensions import db
from aljisr.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

#: Wait before trying failed daily jobs again (the worker keeps delivering meanwhile).
DAILY_RETRY_SECONDS = 600


class PermanentFailure(Exception):
    """The server refused this message for good (a 5xx reply about it)."""


@dataclass
class BatchResult:
    """What one :func:`deliver_due` pass did (counts of messages)."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _setting(name: str) -> Any:
    return current_app.config[name]


def claim_due(limit: int | None = None, *, now: datetime | None = None) -> list[int]:
    """Claim up to ``limit`` (default ``MAIL_BATCH_SIZE``) due messages for this worker, in
    one short committed transaction: mark them ``sending``, set ``claimed_at`` and count the
    attempt. Due: ``queued`` with ``next_attempt_at <= now``, or ``sending`` with a lease
    older than ``MAIL_LEASE_SECONDS``.

    :returns: the claimed ids, oldest due first.
    """
    now = now or utcnow()
    limit = limit or _setting("MAIL_BATCH_SIZE")
    expired = now - timedelta(seconds=_setting("MAIL_LEASE_SECONDS"))
    due = (
        sa.select(OutboxMessage.id)
        .where(
            sa.or_(
                sa.and_(
                    OutboxMessage.status == OutboxStatus.QUEUED,
                    OutboxMessage.next_attempt_at <= now,
                ),
                sa.and_(
                    OutboxMessage.status == OutboxStatus.SENDING,
                    OutboxMessage.claimed_at <= expired,
                ),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    with write_intent():
        try:
            ids = list(db.session.scalars(due))
            if ids:
                db.session.execute(
                    sa.update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids))
                    .values(status=OutboxStatus.SENDING, claimed_at=now,
                            attempts=OutboxMessage.attempts + 1)
                )
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return ids


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message for an outbox row: text/plain, with its HTML as a
    multipart/alternative part when it has one, attachments (multipart/mixed), its headers,
    ``Content-Language`` and a ``Message-ID`` fixed by the row id (the same on a resend)."""
    sender = _setting("MAIL_SENDER")
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(message.created_at.timestamp(), usegmt=True)
    email["Message-ID"] = f"<outbox-{message.id}.{int(message.created_at.timestamp())}@{domain}>"
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(attachment.data, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=attachment.filename)
    if message.language:  # after the parts: set_content and add_* move Content-* headers
        email["Content-Language"] = message.language
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                        timeout=config["MAIL_TIMEOUT_SECONDS"])
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send(smtp: smtplib.SMTP | None, message: OutboxMessage) -> str:
    """Hand ``message`` to the server (or the log without one); returns the transport.

    :raises PermanentFailure: a 5xx reply about this message.
    :raises OSError, smtplib.SMTPException: a temporary failure.
    """
    try:
        email = build_email(message)
    except (ValueError, TypeError, LookupError) as error:  # a malformed header or part
        raise PermanentFailure(_describe(error)) from error
    if smtp is None:
        log.info("mail to %s: %s\n%s", message.recipient, message.subject, message.body)
        return "log"
    try:
        smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentFailure(_describe(error)) from error
        raise
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        if error.smtp_code >= 500:
            raise PermanentFailure(_describe(error)) from error
        raise
    return "smtp"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def backoff(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: ``MAIL_RETRY_BASE_SECONDS`` doubled for each
    earlier attempt, capped at ``MAIL_RETRY_MAX_SECONDS``."""
    base = _setting("MAIL_RETRY_BASE_SECONDS")
    seconds = min(base * 2 ** max(attempts - 1, 0), _setting("MAIL_RETRY_MAX_SECONDS"))
    return timedelta(seconds=seconds)


def _finish(message_id: int, claim: datetime, **values: Any) -> None:
    """Record an outcome for a message this worker still holds (its claim unchanged), and
    commit at once."""
    with write_intent():
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claimed_at == claim,
                   OutboxMessage.status == OutboxStatus.SENDING)
            .values(**values)
        )
        db.session.commit()


def _retry_or_fail(message: OutboxMessage, error: str, *, permanent: bool,
                   result: BatchResult) -> None:
    assert message.claimed_at is not None
    if permanent or message.attempts >= _setting("MAIL_MAX_ATTEMPTS"):
        result.failed += 1
        log.warning("mail %s to %s failed for good: %s", message.id, message.recipient, error)
        _finish(message.id, message.claimed_at, status=OutboxStatus.FAILED, last_error=error,
                claimed_at=None)
        return
    result.retried += 1
    log.info("mail %s to %s will be retried: %s", message.id, message.recipient, error)
    _finish(message.id, message.claimed_at, status=OutboxStatus.QUEUED, last_error=error,
            claimed_at=None, next_attempt_at=utcnow() + backoff(message.attempts))


def _release(messages: Sequence[OutboxMessage]) -> None:
    """Give back claimed messages not attempted (no attempt counted)."""
    for message in messages:
        assert message.claimed_at is not None
        _finish(message.id, message.claimed_at, status=OutboxStatus.QUEUED, claimed_at=None,
                attempts=message.attempts - 1)


def deliver_due(limit: int | None = None) -> BatchResult:
    """Claim one batch of due messages (:func:`claim_due`) and deliver it over one SMTP
    connection; each outcome is committed as soon as it is known (see the module docstring).

    :returns: the counts of claimed, sent, retried and failed messages.
    """
    result = BatchResult()
    ids = claim_due(limit)
    result.claimed = len(ids)
    if not ids:
        return result
    messages = list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ))
    db.session.commit()  # end the read; outcomes commit one by one
    smtp: smtplib.SMTP | None = None
    try:
        if current_app.config.get("MAIL_SERVER"):
            try:
                smtp = _connect()
            except (OSError, smtplib.SMTPException) as error:
                for message in messages:
                    _retry_or_fail(message, _describe(error), permanent=False, result=result)
                return result
        lease = timedelta(seconds=_setting("MAIL_LEASE_SECONDS")
                          - _setting("MAIL_TIMEOUT_SECONDS"))
        for index, message in enumerate(messages):
            assert message.claimed_at is not None
            if utcnow() >= message.claimed_at + lease:
                _release(messages[index:])
                break
            try:
                transport = _send(smtp, message)
            except PermanentFailure as error:
                _retry_or_fail(message, str(error), permanent=True, result=result)
            except (OSError, smtplib.SMTPException) as error:
                _retry_or_fail(message, _describe(error), permanent=False, result=result)
                if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                    # the connection is gone: the rest wait for the next pass
                    for rest in messages[index + 1:]:
                        _retry_or_fail(rest, _describe(error), permanent=False, result=result)
                    break
            else:
                _finish(message.id, message.claimed_at, status=OutboxStatus.SENT,
                        sent_at=utcnow(), transport=transport, last_error=None)
                result.sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    return result


def run_daily_jobs(today: date | None = None) -> int:
    """The worker's daily work for ``today`` (the association's date): the arrival reminders,
    the requests for missing arrival details, and the anonymisation of applications past their
    retention period (:func:`aljisr.applications.services.anonymise_expired`).

    :returns: the number of messages written.
    """
    from aljisr.applications.services import anonymise_expired
    from aljisr.notifications.services import write_arrival_reminders, write_details_reminders

    with write_intent():
        try:
            day = today or association_today()
            written = write_arrival_reminders(day)
            written += write_details_reminders(day)
            anonymised = anonymise_expired()
            if anonymised:
                log.info("daily jobs anonymised %d applications", anonymised)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return written


def run(*, once: bool = False, stop: threading.Event | None = None) -> BatchResult:
    """Deliver until stopped: the daily jobs when the date changes (and at start), then due
    messages batch after batch, each followed by one waiting import job (a volunteer list
    checked or imported, :mod:`aljisr.imports.jobs`), sleeping ``WORKER_POLL_SECONDS`` when
    nothing is due.

    :param once: run the daily jobs and deliver what is due now, then return.
    :param stop: an event that ends the loop (set by SIGTERM/SIGINT in :func:`main`).
    :returns: the totals of everything delivered.
    """
    stop = stop or threading.Event()
    total = BatchResult()
    last_daily: date | None = None
    daily_retry_at = 0.0
    while not stop.is_set():
        today = association_today()
        if today != last_daily and (once or time.monotonic() >= daily_retry_at):
            try:
                written = run_daily_jobs(today)
            except Exception:
                if once:
                    raise
                # delivery goes on; the reminders are tried again in ten minutes
                log.exception("the daily jobs failed; retrying in %d s", DAILY_RETRY_SECONDS)
                daily_retry_at = time.monotonic() + DAILY_RETRY_SECONDS
            else:
                if written:
                    log.info("daily jobs wrote %d reminders", written)
                last_daily = today
        try:
            batch = deliver_due()
        except DBAPIError:
            if once:
                raise
            log.exception("the database did not answer; trying again shortly")
            db.session.rollback()
            stop.wait(_setting("WORKER_POLL_SECONDS"))
            continue
        for field in ("claimed", "sent", "retried", "failed"):
            setattr(total, field, getattr(total, field) + getattr(batch, field))
        if _run_import_job(once):
            continue
        if batch.claimed:
            continue
        if once:
            break
        stop.wait(_setting("WORKER_POLL_SECONDS"))
    return total


def _run_import_job(once: bool) -> bool:
    """One volunteer list's preview or commit, if one waits (:mod:`aljisr.imports.jobs`).

    :returns: True when one was run (look for more work at once).
    """
    from aljisr.imports.jobs import run_next

    try:
        return run_next()
    except DBAPIError:
        if once:
            raise
        log.exception("an import job could not be claimed; trying again shortly")
        db.session.rollback()
        return False


def main(once: bool) -> BatchResult:
    """The ``flask worker`` command: :func:`run`, stopping cleanly on SIGTERM and SIGINT
    (the message being sent is finished and recorded first)."""
    stop = threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    return run(once=once, stop=stop)
