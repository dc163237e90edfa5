"""Fixtures of the hostile suite: a hostile server, a local BEA, sinks, a tracker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_world import HostileServer, World

from bea_tracker.demo.localbea import LocalBea
from bea_tracker.demo.sinks import SmtpSink, WebhookSink


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.stop()


@pytest.fixture
def bea() -> Iterator[LocalBea]:
    with LocalBea() as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def hooks() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


@pytest.fixture
def world(bea: LocalBea, hostile: HostileServer, tmp_path: Path) -> Iterator[World]:
    w = World(bea, hostile, tmp_path)
    assert w.run("init").code == 0
    yield w
    w.db.dispose()
