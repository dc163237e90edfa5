"""Fixtures of the hostile suite: a hostile server and a tracker (the local BEA ``bea`` and
the sinks ``smtp``, ``hooks`` come from tests/support/servers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bea_tracker.demo.localbea import LocalBea
from tests.hostile.hostile_world import HostileServer, World


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.stop()


@pytest.fixture
def world(bea: LocalBea, hostile: HostileServer, tmp_path: Path) -> Iterator[World]:
    w = World(bea, hostile, tmp_path)
    assert w.run("init").code == 0
    yield w
    w.db.dispose()
