"""A release published on the local BEA reaches every subscriber once, through the CLI."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime, timezone

import pytest

from tests.support.backends import BACKENDS
from tests.support.live import publish_and_poll
from tests.support.waiting import wait_until


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """These tests run on SQLite and on a real PostgreSQL server."""
    return request.param


def subscribe(tracker, hooks, smtp_addr="economist@example.com") -> dict[str, str]:
    tracker("subscribe", "add", "--email", smtp_addr, "--name", "mail")
    out = tracker("subscribe", "add", "--webhook", hooks.url_for("ops"), "--name", "ops").stdout
    secret = re.search(r"secret \(shown once\): ([0-9a-f]{64})", out).group(1)
    tracker("subscribe", "add", "--slack", hooks.url_for("slack"), "--indicator", "real_gdp")
    return {"secret": secret}


def test_release_alerts_each_subscriber_once(tracker, bea, smtp, hooks):
    keys = subscribe(tracker, hooks)
    release = publish_and_poll(tracker, bea)

    result = tracker("notify", "--once")
    assert "delivered 3" in result.stdout, result.stderr

    mail = smtp.wait_for(1, timeout=10)[0]
    assert mail.rcpt_tos == ["economist@example.com"]
    subject = mail.message["Subject"]
    assert "GDP" in subject and "+1.5%" in subject
    assert mail.message["Message-ID"].startswith("<outbox-")
    parts = {p.get_content_type() for p in mail.message.walk()}
    assert {"text/plain", "text/html"} <= parts

    calls = {c.name: c for c in hooks.wait_for(2, timeout=10)}
    ops = calls["ops"]
    expected = hmac.new(keys["secret"].encode(), ops.body, hashlib.sha256).hexdigest()
    assert ops.headers["x-bea-tracker-signature"] == f"sha256={expected}"
    event = ops.json["events"][0]
    assert event["kind"] == "new_release"
    assert event["release"]["title"] == release.title
    gdp = {f["indicator"]: f for f in event["release"]["figures"]}["real_gdp"]
    assert (gdp["period"], gdp["value"], gdp["unit"]) == ("2026Q2", 1.5, "percent_saar")
    assert calls["slack"].json["blocks"]

    # a second run has nothing left to send, and nothing arrives twice
    assert "delivered 0" in tracker("notify", "--once").stdout
    assert len(smtp.messages) == 1 and len(hooks.calls) == 2
    rows = json.loads(tracker("deliveries", "--json").stdout)
    assert sorted(r["status"] for r in rows) == ["sent", "sent", "sent"]


def test_baseline_items_are_not_alerted(tracker, bea, smtp, hooks):
    subscribe(tracker, hooks)
    tracker("poll", "--once")
    assert "delivered 0" in tracker("notify", "--once").stdout
    assert smtp.messages == [] and hooks.calls == []


def test_smtp_down_then_up_is_delivered_once(tracker, bea, hooks, config_path, write_config,
                                             smtp):
    tracker("subscribe", "add", "--email", "economist@example.com")
    publish_and_poll(tracker, bea)
    smtp.stop()
    out = tracker("notify", "--once").stdout
    assert "will retry 1" in out
    rows = json.loads(tracker("deliveries", "--json").stdout)
    assert rows[0]["status"] == "pending" and rows[0]["last_error"]
    smtp.start()
    due = datetime.fromisoformat(rows[0]["next_attempt_at"])  # the backoff is at most 2 s
    wait_until(lambda: datetime.now(timezone.utc) >= due, 30, "the retry to fall due")
    assert "delivered 1" in tracker("notify", "--once").stdout
    assert len(smtp.wait_for(1, timeout=10)) == 1


def test_permanent_failure_goes_dead_with_reason_and_can_be_retried(tracker, bea, hooks):
    tracker("subscribe", "add", "--webhook", hooks.url_for("ops"))
    publish_and_poll(tracker, bea)
    hooks.respond(400, body=b"bad payload", name="ops")
    assert "dead 1" in tracker("notify", "--once").stdout
    dead = json.loads(tracker("deliveries", "--status", "dead", "--json").stdout)
    assert len(dead) == 1 and "400" in dead[0]["last_error"]
    tracker("deliveries", "retry", str(dead[0]["id"]))
    assert "delivered 1" in tracker("notify", "--once").stdout
