"""Transient failures stay pending until the alert is older than ``delivery.give_up_after``
(not after a fixed count); then the alert is dead, one ``delivery_dead`` event names it, and
``status`` shows it. Driven through the CLI against a real SMTP sink that goes down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db.events import dead_alerts
from db.session import Database
from tests.support.backends import BACKENDS
from tests.support.live import publish_and_poll


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """On SQLite and on a real PostgreSQL server."""
    return request.param


def settings(bea, smtp, give_up_after: str) -> dict:
    return {
        "bea": bea.config(),
        "smtp": {"host": smtp.host, "port": smtp.port, "from": "alerts@bea-tracker.test",
                 "timeout": "5s"},
        "polling": {"timeout": "5s"},
        # retries fall due at once (1 ms backoff): each `notify --once` is one more attempt
        "delivery": {"backoff": "1ms", "backoff_max": "1ms", "lease": "3s",
                     "give_up_after": give_up_after},
    }


@pytest.fixture
def config_path(write_config, bea, smtp) -> Path:
    return write_config(settings(bea, smtp, "1h"))


def rows(tracker) -> list[dict]:
    return json.loads(tracker("deliveries", "--json").stdout)


def test_smtp_down_for_many_attempts_stays_pending_then_is_delivered_once(tracker, bea,
                                                                          smtp):
    tracker("subscribe", "add", "--email", "economist@example.com")
    publish_and_poll(tracker, bea)
    smtp.stop()
    for attempt in range(1, 11):  # more than the old 8-attempt limit
        out = tracker("notify", "--once").stdout
        assert "delivered 0, will retry 1, dead 0" in out, (attempt, out)
    (row,) = rows(tracker)
    assert (row["status"], row["attempts"]) == ("pending", 10)
    assert "SMTP" in row["last_error"]

    smtp.start()
    assert "delivered 1, will retry 0, dead 0" in tracker("notify", "--once").stdout
    assert len(smtp.wait_for(1, timeout=10)) == 1
    assert "delivered 0" in tracker("notify", "--once").stdout
    assert len(smtp.messages) == 1
    assert rows(tracker)[0]["status"] == "sent"
    assert tracker("status", "--json", check=False).json()["dead_alerts"] == []


def test_past_give_up_after_it_is_dead_reported_and_stays_dead(tracker, bea, smtp, write_config,
                                                               db_url):
    tracker("subscribe", "add", "--email", "economist@example.com")
    release = publish_and_poll(tracker, bea)
    smtp.stop()
    assert "will retry 1" in tracker("notify", "--once").stdout

    # the alert is now older than a give-up age of 1 ms: the next failure gives it up
    write_config(settings(bea, smtp, "1ms"))
    result = tracker("notify", "--once")
    assert "delivered 0, will retry 0, dead 1" in result.stdout, result.output
    assert "giving up (delivery_dead)" in result.stderr
    (row,) = rows(tracker)
    assert (row["status"], row["attempts"]) == ("dead", 2)

    # one event, naming the subscription and the release, never the target
    database = Database(db_url)
    try:
        with database.session() as session:
            (dead,) = dead_alerts(session, limit=10)
    finally:
        database.dispose()
    assert (dead.outbox_id, dead.channel, dead.attempts) == (row["id"], "email", 2)
    assert dead.subscription_id == row["subscription"]
    assert dead.about == release.title
    assert "economist@example.com" not in json.dumps(dead.to_json())

    info = tracker("status", "--json", check=False).json()
    assert info["outbox"]["dead"] == 1
    assert [d["outbox"] for d in info["dead_alerts"]] == [row["id"]]
    assert info["dead_alerts"][0]["about"] == release.title
    text = " ".join(tracker("status", check=False).stdout.split())  # rich wraps lines
    assert "dead alerts: 1" in text and release.title in text
    assert "economist@example.com" not in text + json.dumps(info)

    # SMTP back: a dead alert stays dead (and is not sent) until retried by hand
    smtp.start()
    assert "delivered 0, will retry 0, dead 0" in tracker("notify", "--once").stdout
    assert smtp.messages == []
    tracker("deliveries", "retry", str(row["id"]))
    assert "delivered 1" in tracker("notify", "--once").stdout
    assert len(smtp.wait_for(1, timeout=10)) == 1
