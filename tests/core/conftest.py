"""The access matrix's records, for the tests that walk its table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.access_matrix import MatrixWorld


@pytest.fixture
def world(app: Any, db: Any) -> MatrixWorld:
    """The records every row of ``tests/support/access_matrix.py``'s table names, committed."""
    built = MatrixWorld(app)
    db.session.commit()
    return built
