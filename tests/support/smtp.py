"""A real SMTP server for tests (aiosmtpd, in a thread) that keeps what it receives."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: each accepted message, parsed, with its envelope recipients."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)  # type: ignore[arg-type]
        if self.delay:  # kept, then the reply waits: a client may die before hearing it
            time.sleep(self.delay)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SMTPServer:
    """Start with :meth:`start`, stop with :meth:`stop`; ``inbox`` holds the messages."""

    def __init__(self, port: int | None = None, delay: float = 0.0) -> None:
        self.port = port or free_port()
        self.inbox = Inbox(delay)
        self.controller: Controller | None = None

    def start(self) -> SMTPServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def mail_config(port: int) -> dict[str, Any]:
    """App settings that deliver to a plain SMTP server on 127.0.0.1:``port``."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
            "MAIL_TIMEOUT_SECONDS": 5, "MAIL_SENDER": "Al Jisr <no-reply@aljisr.example.org>"}


# --- fixtures: a test area that delivers mail imports these three into its conftest.py -------

@pytest.fixture
def smtp_port() -> int:
    """A free port on 127.0.0.1 for the test's SMTP server."""
    return free_port()


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_port: int) -> dict[str, Any]:
    """The suite's configuration, delivering mail to the test's SMTP server."""
    return {**app_config, **mail_config(smtp_port)}


@pytest.fixture
def smtp(smtp_port: int) -> Iterator[SMTPServer]:
    """A real SMTP server on the port the app delivers to."""
    server = SMTPServer(smtp_port).start()
    yield server
    server.stop()
