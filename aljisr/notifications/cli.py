"""``flask --app aljisr worker``: the outbox delivery worker (see :mod:`.worker`)."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--once", is_flag=True,
              help="Run the daily jobs, deliver what is due now, then exit (scripts, tests).")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver queued e-mail (with retries) and write the daily arrival reminders; runs until
    SIGTERM/SIGINT unless --once."""
    from aljisr.notifications.worker import main

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    total = main(once=once)
    if once:
        click.echo(f"Outbox: {total.sent} sent, {total.retried} to retry, "
                   f"{total.failed} failed.")
