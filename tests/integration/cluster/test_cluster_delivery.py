"""Delivery shared by several daemons: a deliverer killed mid-send leaves its row to
another after the lease (same idempotency key), and 10,000 rows shared by 4 deliverers
are each sent exactly once."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from db.models import SubscriptionRow
from db.records import FigureRecord, ReleaseRecord
from db.store import Fetched, store_snapshot
from tests.integration.cluster.conftest import LEADS
from tests.support.waiting import wait_until

URL = "https://www.bea.gov/news/2026/gdp-second-estimate-and-corporate-profits-2nd-quarter-2026"


def new_release(database) -> None:
    """One release to alert (real GDP figures), written as a poll would write it."""
    now = datetime.now(timezone.utc)
    record = ReleaseRecord(
        url=URL, title="GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026",
        released_at=now - timedelta(seconds=5), series="GDP",
        figures=(FigureRecord("real_gdp", "Real GDP", "2026Q2", "second", 1.5,
                              "percent_saar", 2.1, "2026Q1"),))
    with database.unit_of_work() as session:
        store_snapshot(session, Fetched(URL, b"<html>second estimate</html>", now), record)


def test_kill_9_a_deliverer_mid_send_another_sends_after_the_lease(
        baseline, database, hooks, subscribe, start_daemons, sql):
    subscribe(hooks.url_for("slow"), "slow")
    # the first send hangs 12 s (sends give up after polling.timeout: 30 s here), long
    # enough to kill its sender mid-send once a second daemon is up
    hooks.respond(200, delay=12, name="slow")
    [first] = start_daemons(1, timeout="30s")
    first.wait_for(LEADS)
    new_release(database)  # the leader's next delivery wake-up (<= 30 s) matches it
    # kill it while the receiver holds its request: mid-send, before the send's deadline
    wait_until(lambda: hooks.held == 1, 40, "the first daemon's send held by the receiver")
    [(lease_until,)] = sql("SELECT lease_until FROM outbox WHERE status = 'sending'")
    first.kill()
    [second] = start_daemons(1, timeout="30s")

    calls = hooks.wait_for(2, timeout=40, name="slow")
    resent = [c for c in calls if c.received_at < datetime.now(timezone.utc)
              and c.received_at.replace(tzinfo=None) >= lease_until.replace(tzinfo=None)]
    assert resent, (lease_until, [c.received_at for c in calls])
    keys = {c.headers["idempotency-key"] for c in calls}
    assert len(keys) == 1, keys  # the receiver can tell the retry is the same alert
    # the receiver answers before the sender commits "sent": wait for the commit
    [(status, attempts)] = wait_until(
        lambda: sql("SELECT status, attempts FROM outbox WHERE status = 'sent'"), 20,
        "the second daemon's 'sent' commit")
    assert (status, attempts) == ("sent", 2)
    assert "webhook alert sent" in second.text()


def test_10000_rows_4_deliverers_none_twice_none_lost(baseline, database, hooks,
                                                     start_daemons, sql, next_heartbeats):
    count = 10_000
    now = datetime.now(timezone.utc)
    with database.unit_of_work() as session:
        session.execute(insert(SubscriptionRow), [
            {"kind": "webhook", "target": hooks.url_for(f"s{i}"), "name": f"s{i}",
             "filter": {}, "secret": "0" * 64, "active": True, "created_at": now}
            for i in range(count)])
    new_release(database)
    start = time.monotonic()
    daemons = start_daemons(4, lease="120s")  # the default lease: rows wait their turn

    hooks.wait_for(count, timeout=600, accepted_only=True)
    elapsed = time.monotonic() - start
    next_heartbeats(daemons)

    accepted = [c for c in hooks.calls if 200 <= c.status < 300]
    names = Counter(c.name for c in accepted)
    assert len(names) == count  # none lost
    # none twice: a subscriber called again is a retry after the first answer was lost on
    # the way back (a reset under load), with the same Idempotency-Key, so the receiver
    # drops it; no row was ever handed to two senders
    keys = {(c.name, c.headers["idempotency-key"]) for c in accepted}
    assert len(keys) == count, [n for n, k in Counter(n for n, _ in keys).items() if k > 1]
    again = {n for n, k in names.items() if k > 1}
    retried = {f"s{sub - 1}" for (sub,) in sql(
        "SELECT subscription_id FROM outbox WHERE attempts > 1")}
    assert again <= retried, again - retried
    assert sql("SELECT status, count(*) FROM outbox GROUP BY status") == [("sent", count)]
    per_daemon = [sum(int(line.split("delivered ")[1].split(",")[0])
                      for line in d.text().splitlines()
                      if "delivery: delivered" in line) for d in daemons]
    assert sum(per_daemon) == count, per_daemon
    assert sum(1 for n in per_daemon if n) >= 2, per_daemon  # the work was shared
    print(f"10,000 webhooks by 4 daemons: {elapsed:.1f} s from start; per daemon "
          f"{per_daemon}")
