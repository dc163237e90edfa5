"""Restart safety: a crash after the outbox is written, or in the middle of a send, still
leaves each subscriber with the alert once."""

from __future__ import annotations

import json
import signal
import subprocess
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bea_tracker.config import load_config
from bea_tracker.wiring import digest_due
from db.models import OutboxRow
from db.session import Database
from notifier.matching import match_events
from tests.support.backends import BACKENDS
from tests.support.cli import start_cli
from tests.support.live import publish_and_poll
from tests.support.waiting import wait_until


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """These tests run on SQLite and on a real PostgreSQL server."""
    return request.param


def test_crash_after_outbox_write_sends_once(tracker, bea, hooks, config_path):
    tracker("subscribe", "add", "--webhook", hooks.url_for("ops"))
    publish_and_poll(tracker, bea)
    # the state a crash right after matching leaves: outbox rows committed, nothing sent
    config = load_config(config_path)
    db = Database(config.database.resolved_url())
    assert match_events(db, datetime.now(timezone.utc), digest_due(config)) == 1
    assert match_events(db, datetime.now(timezone.utc), digest_due(config)) == 0
    db.dispose()
    assert hooks.calls == []
    assert "delivered 1" in tracker("notify", "--once").stdout
    assert "delivered 0" in tracker("notify", "--once").stdout
    assert len(hooks.calls) == 1


def test_kill_mid_send_retries_after_lease_with_same_idempotency_key(
        tracker, bea, hooks, config_path):
    tracker("subscribe", "add", "--webhook", hooks.url_for("ops"))
    publish_and_poll(tracker, bea)
    # the receiver holds its first answer back 4 s (under the 5 s client timeout), and
    # records the call when it answers
    hooks.respond(200, delay=4, name="ops")
    config = load_config(config_path)
    db = Database(config.database.resolved_url())
    proc = start_cli("notify", "--once", config=config_path, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
    try:
        # leased and committed: the send starts now
        wait_until(lambda: _status_is(db, "sending"), 60, "notify to lease the row")
        # the request is in flight, its answer held back
        wait_until(lambda: hooks.held == 1, 30, "the request to reach the receiver")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
        db.dispose()
    rows = json.loads(tracker("deliveries", "--json").stdout)
    assert [r["status"] for r in rows] == ["sending"]
    wait_until(lambda: "delivered 1" in tracker("notify", "--once").stdout, 30,
               "the expired lease to be retried", every=0.5)
    keys = [c.headers["idempotency-key"] for c in hooks.wait_for(2, timeout=10)]
    assert len(keys) == 2 and len(set(keys)) == 1  # a receiver that dedupes sees it once
    db = Database(config.database.resolved_url())
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 1
        assert s.scalars(select(OutboxRow.status)).one() == "sent"
    db.dispose()


def _status_is(db: Database, status: str) -> bool:
    with db.session() as s:
        return s.scalars(select(OutboxRow.status)).first() == status
