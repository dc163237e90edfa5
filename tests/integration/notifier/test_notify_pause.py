"""``subscribe pause`` cancels the alerts already queued for that subscription (not the
others'), and resuming does not bring them back: a paused subscription gets nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.live import publish_and_poll


@pytest.fixture
def config_path(write_config, bea) -> Path:
    # a failed send falls due again at once (1 ms backoff)
    return write_config({
        "bea": bea.config(),
        "polling": {"timeout": "5s"},
        "delivery": {"backoff": "1ms", "backoff_max": "1ms", "lease": "3s"},
    })


def test_pause_cancels_queued_alerts_of_that_subscription_only(tracker, bea, hooks):
    tracker("subscribe", "add", "--webhook", hooks.url_for("paused"), "--name", "paused")
    tracker("subscribe", "add", "--webhook", hooks.url_for("ops"), "--name", "ops")
    subs = {s["name"]: s["id"] for s in json.loads(tracker("subscribe", "list",
                                                           "--json").stdout)}
    publish_and_poll(tracker, bea)
    hooks.respond(503, times=2)  # both receivers down: both alerts stay queued
    assert "delivered 0, will retry 2, dead 0" in tracker("notify", "--once").stdout

    paused = tracker("subscribe", "pause", str(subs["paused"]))
    assert f"paused subscription {subs['paused']}; 1 queued alert(s) cancelled" \
        in paused.stdout

    assert "delivered 1, will retry 0, dead 0" in tracker("notify", "--once").stdout
    rows = json.loads(tracker("deliveries", "--json").stdout)
    assert [(r["subscription"], r["status"]) for r in rows] == [(subs["ops"], "sent")]

    tracker("subscribe", "resume", str(subs["paused"]))
    assert "delivered 0" in tracker("notify", "--once").stdout
    calls = [c.name for c in hooks.calls]
    assert sorted(calls) == ["ops", "ops", "paused"]  # the paused one: its failed try only
