"""Restart safety: a crash after the outbox is written, or in the middle of a send, still
leaves each subscriber with the alert once."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from datetime import datetime, timezone

from conftest import BEA_TRACKER
from sqlalchemy import func, select
from test_notify_e2e import publish_and_poll

from bea_tracker.config import load_config
from bea_tracker.notify import digest_due
from db.models import OutboxRow
from db.session import Database
from notifier.matching import match_events


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
    hooks.respond(200, delay=30, name="ops")  # the receiver holds the first answer back
    proc = subprocess.Popen([BEA_TRACKER, "--config", str(config_path), "notify", "--once"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        hooks.wait_for(1, timeout=30)  # the request arrived; its sender is mid-send
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    rows = json.loads(tracker("deliveries", "--json").stdout)
    assert [r["status"] for r in rows] == ["sending"]
    # before the lease (3 s in this config) ends, nobody else may send it
    assert "delivered 0" in tracker("notify", "--once").stdout
    deadline = time.monotonic() + 30
    while "delivered 1" not in tracker("notify", "--once").stdout:
        assert time.monotonic() < deadline, "the expired lease was never retried"
        time.sleep(0.5)
    keys = [c.headers["idempotency-key"] for c in hooks.wait_for(2, timeout=10)]
    assert len(keys) == 2 and len(set(keys)) == 1  # a receiver that dedupes sees it once
    config = load_config(config_path)
    db = Database(config.database.resolved_url())
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 1
        assert s.scalars(select(OutboxRow.status)).one() == "sent"
    db.dispose()
