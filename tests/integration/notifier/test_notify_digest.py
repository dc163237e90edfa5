"""A daily-digest subscription gets one message listing its events, at digest time."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bea_tracker.config import load_config
from bea_tracker.demo.localbea import synthetic_gdp_release
from bea_tracker.wiring import context_factory, delivery_policy
from db.session import Database
from notifier.delivery import deliver_due
from tests.support.live import publish_and_poll


def test_daily_digest_is_one_message_at_digest_time(tracker, bea, smtp, config_path):
    tracker("subscribe", "add", "--email", "digest@example.com", "--digest", "daily")
    first = publish_and_poll(tracker, bea)
    second = synthetic_gdp_release(datetime.now(timezone.utc), seq=2)
    bea.publish(second)
    tracker("poll", "--once", "--no-schedule")

    assert "delivered 0" in tracker("notify", "--once").stdout  # not digest time yet
    rows = json.loads(tracker("deliveries", "--json").stdout)
    assert [r["status"] for r in rows] == ["pending", "pending"]
    due = {datetime.fromisoformat(r["next_attempt_at"]) for r in rows}
    assert len(due) == 1
    (due_at,) = due
    local = due_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (8, 0)  # delivery.digest_time default, Eastern
    assert due_at > datetime.now(timezone.utc)

    # the clock reaches digest time: the delivery loop sends both events as one message
    config = load_config(config_path)
    db = Database(config.database.resolved_url())
    try:
        summary = asyncio.run(deliver_due(db, context_factory(config),
                                          delivery_policy(config), due_at + timedelta(seconds=1)))
    finally:
        db.dispose()
    assert summary.sent == 2
    (mail,) = smtp.wait_for(1, timeout=10)
    text = mail.message.get_body(("plain",)).get_content()
    assert first.title in text and second.title in text
    assert len(smtp.messages) == 1
