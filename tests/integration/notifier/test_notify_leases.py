"""Once, honestly: a slow send keeps its lease (no second sender sends it again), and a
"sent" mark that cannot be written while the database is locked is retried, not dropped.

The delivery loop runs in this process (a thread) against a real SQLite file and the real
webhook receiver on 127.0.0.1, so the test can hold the receiver's answer and the
database's write lock at the moments that matter.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import db.session
from bea_tracker.config import load_config
from bea_tracker.wiring import context_factory, delivery_policy, digest_due
from db.session import Database
from notifier.delivery import DeliveryPolicy, DeliverySummary, deliver_due
from notifier.matching import match_events
from tests.support.live import publish_and_poll
from tests.support.waiting import wait_until


class Sender:
    """One delivery pass (``deliver_due``) in its own thread, like another daemon."""

    def __init__(self, database: Database, config: Any, policy: DeliveryPolicy) -> None:
        self.summary: DeliverySummary | None = None
        self.error: BaseException | None = None
        contexts = context_factory(config)

        def context_for(kind: str) -> Any:  # the channel's own deadline: the policy's
            return replace(contexts(kind), timeout=policy.send_deadline)

        self._run = lambda: deliver_due(database, context_for, policy)
        self._thread = threading.Thread(target=self._main, name="test-sender", daemon=True)
        self._thread.start()

    def _main(self) -> None:
        try:
            self.summary = asyncio.run(self._run())
        except BaseException as exc:  # reported by result()
            self.error = exc

    def result(self, timeout: float = 60) -> DeliverySummary:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the delivery pass did not finish"
        if self.error is not None:
            raise self.error
        assert self.summary is not None
        return self.summary


@pytest.fixture
def queued(tracker, bea, hooks, config_path: Path):
    """One webhook subscription with one alert queued (matched, not yet sent)."""
    tracker("subscribe", "add", "--webhook", hooks.url_for("ops"))
    publish_and_poll(tracker, bea)
    config = load_config(config_path)
    database = Database(config.database.resolved_url())
    match_events(database, datetime.now(timezone.utc), digest_due(config))
    yield config, database
    database.dispose()


def outbox_row(database: Database) -> tuple[str, datetime | None]:
    with database.engine.connect() as conn:
        status, lease_until = conn.execute(text("SELECT status, lease_until FROM outbox")).one()
    if isinstance(lease_until, str):
        lease_until = datetime.fromisoformat(lease_until)
    if lease_until is not None and lease_until.tzinfo is None:
        lease_until = lease_until.replace(tzinfo=timezone.utc)
    return status, lease_until


def test_a_send_slower_than_the_lease_keeps_it_and_is_sent_once(queued, hooks):
    config, database = queued
    # a lease shorter than the send on purpose (config refuses it; the renewal must cover
    # any gap between a claim and the end of its send)
    policy = replace(delivery_policy(config), lease=1.5, send_deadline=30)
    hooks.respond(200, delay=10, name="ops")
    first = Sender(database, config, policy)
    wait_until(lambda: hooks.held == 1, 30, "the first sender's request to arrive")
    _, claimed_until = outbox_row(database)
    assert claimed_until is not None

    # past the lease it took at its claim, the row is still leased to the first sender
    wait_until(lambda: datetime.now(timezone.utc) > claimed_until
               and (outbox_row(database)[1] or claimed_until) > claimed_until,
               30, "the claim's lease to end and a renewal to extend it")
    second = Sender(database, config, policy).result()
    assert second.sent == 0 and second.retried == 0 and second.dead == 0
    assert hooks.held == 1, "the first send ended before the second sender looked"

    assert first.result().sent == 1
    assert [c.name for c in hooks.calls] == ["ops"]
    assert outbox_row(database) == ("sent", None)


def test_a_sent_mark_lost_to_a_locked_database_is_retried_not_resent(queued, hooks,
                                                                     monkeypatch, caplog):
    config, _ = queued
    monkeypatch.setattr(db.session, "SQLITE_BUSY_TIMEOUT_MS", 300)
    database = Database(config.database.resolved_url())  # waits 0.3 s for the write lock
    path = config.database.resolved_url().split("///", 1)[1]
    policy = replace(delivery_policy(config), lease=60, send_deadline=20)
    caplog.set_level(logging.WARNING, logger="notifier.delivery")
    hooks.respond(200, delay=1, name="ops")
    try:
        sender = Sender(database, config, policy)
        wait_until(lambda: hooks.held == 1, 30, "the request to arrive")
        lock = sqlite3.connect(path, timeout=30, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # another writer holds the file
        try:
            wait_until(lambda: sum("could not record" in r.getMessage()
                                   for r in caplog.records) >= 3,
                       60, "three failed writes of the outcome (each past the busy timeout)")
            assert outbox_row(database)[0] == "sending"  # readers still see the lease
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        summary = sender.result()
        assert (summary.sent, summary.retried, summary.dead) == (1, 0, 0)
        assert outbox_row(database) == ("sent", None)
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

        # nothing is due any more: the receiver got exactly one POST
        again = Sender(database, config, policy).result()
        assert again.sent == 0
        assert len(hooks.calls) == 1
    finally:
        database.dispose()
