"""The backends a parametrised test runs on. A folder's conftest opts in with::

    @pytest.fixture(params=BACKENDS)
    def backend(request): return request.param

and its tests then run once on SQLite and once on a real PostgreSQL server (same
assertions; ``-m "not postgres"`` leaves the PostgreSQL half out).
"""

from __future__ import annotations

import pytest

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# for a test about one backend's own features (SQLite's pragmas), in a parametrised folder
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])
