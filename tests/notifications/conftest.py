"""A real SMTP server for every notifications test (tests/support/smtp.py)."""

from tests.support.smtp import app_config, smtp, smtp_port  # noqa: F401 (fixtures)
