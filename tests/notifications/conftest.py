from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.smtp import SMTPServer, free_port, mail_config


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_config(app_config, smtp_port):
    return {**app_config, **mail_config(smtp_port)}


@pytest.fixture
def smtp(smtp_port) -> Iterator[SMTPServer]:
    """A real SMTP server on the port the app delivers to."""
    server = SMTPServer(smtp_port).start()
    yield server
    server.stop()
