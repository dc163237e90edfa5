"""The local BEA and sink tests: an HTTP client (the servers come from
tests/support/servers.py: one fresh server per test, always stopped)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as http:
        yield http
