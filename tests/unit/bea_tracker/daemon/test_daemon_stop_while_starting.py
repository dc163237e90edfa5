"""SIGTERM while the daemon is still starting: it stops as soon as it can, exits 0 and
releases its claim on the database (a signal before its loop is up used to kill it, -15,
leaving the claim held until it went stale)."""

from __future__ import annotations

import asyncio
import signal

import pytest

from bea_tracker.app import App
from bea_tracker.daemon import service
from db import heartbeat


@pytest.fixture
def signals_restored():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)
    service._STOP_REQUESTED.clear()


def test_sigterm_while_starting_exits_0_and_releases_the_claim(write_config, database,
                                                                signals_restored):
    service.catch_stop_while_starting()
    signal.raise_signal(signal.SIGTERM)  # arrives before the loop's own handlers exist
    app = App(str(write_config()))

    assert asyncio.run(service.Daemon(app).run()) == 0

    with database.session() as session:
        state, _ = heartbeat.read_state(session)
    assert state["state"] == "stopped"
    app.db.dispose()
