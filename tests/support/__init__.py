"""Helpers shared by the tests: data builders, HTML, PDF and SQL checks, signed-in clients.

Test modules and conftest files import from here; nothing here imports a test module.
"""

from pathlib import Path

#: The repository's root folder (holds ``aljisr/``, ``static/``, ``templates/``), wherever
#: the test module that asks for it lives.
REPOSITORY = Path(__file__).resolve().parents[2]
