"""Webhooks any receiver can verify: a delivery through the CLI verifies with the
`standardwebhooks` package exactly as a receiver would use it, and a replay fails."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from bea_tracker.demo.localbea import synthetic_gdp_release


def test_delivery_verifies_with_standardwebhooks_and_keeps_the_old_header(tracker, bea, hooks):
    out = tracker("subscribe", "add", "--webhook", hooks.url_for("ops")).stdout
    whsec = re.search(r"signing secret \(shown once\): (whsec_\S+)", out).group(1)
    tracker("poll", "--once")
    release = synthetic_gdp_release(datetime.now(timezone.utc), seq=1)
    bea.publish(release)
    tracker("poll", "--once", "--no-schedule")
    assert "delivered 1" in tracker("notify", "--once").stdout

    call = hooks.wait_for(1, timeout=10)[0]
    payload = Webhook(whsec).verify(call.body, call.headers)  # what a receiver writes
    assert payload["events"][0]["release"]["title"] == release.title
    assert call.headers["webhook-id"] == call.headers["idempotency-key"] == str(
        payload["outbox_id"])
    assert abs(int(call.headers["webhook-timestamp"]) - time.time()) < 60
    assert call.headers["x-bea-tracker-signature"].startswith("sha256=")
    with pytest.raises(WebhookVerificationError):  # another subscriber's key does not verify
        Webhook("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=").verify(
            call.body, call.headers)
    with pytest.raises(WebhookVerificationError):  # nor does a tampered body
        Webhook(whsec).verify(call.body.replace(b"1.5", b"9.5"), call.headers)

