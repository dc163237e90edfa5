"""The database's integration tests run on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest

from tests.support.backends import BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param
