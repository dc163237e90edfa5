"""A local BEA, an SMTP sink and a webhook receiver, with a config pointing at them
(``tracker`` runs the CLI with it: tests/integration/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def config_path(write_config, bea, smtp) -> Path:
    return write_config({
        "bea": bea.config(),
        "smtp": {"host": smtp.host, "port": smtp.port, "from": "alerts@bea-tracker.test",
                 "timeout": "5s"},
        "polling": {"timeout": "5s"},
        "delivery": {"backoff": "1s", "backoff_max": "2s", "max_attempts": 3, "lease": "3s"},
    })
