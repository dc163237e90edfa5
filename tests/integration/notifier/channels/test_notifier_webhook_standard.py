"""Standard Webhooks signing against a real receiver: the headers, the whsec_ form of the
secret, and a replay with an old timestamp failing verification."""

from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from notifier.channels import get_channel
from notifier.channels.webhook import standard_signature, whsec
from tests.support.delivery import local_context

SECRET = "0f" * 32


def test_a_replayed_delivery_with_an_old_timestamp_fails_verification(hooks, make_sub,
                                                                      gdp_event):
    """One delivery captured 10 minutes ago and replayed now as it was (signature intact),
    one fresh: the receiver's library takes the fresh one and refuses the replay."""
    sub = make_sub("webhook", hooks.url_for("standard"), secret=SECRET)
    channel = get_channel("webhook")
    ten_minutes_ago = time.time() - 600
    channel.deliver(sub, [gdp_event], 41, local_context(clock=lambda: ten_minutes_ago))
    channel.deliver(sub, [gdp_event], 42, local_context())
    old, fresh = hooks.wait_for(2, timeout=10)
    shown = channel.secret_notice(SECRET).splitlines()[0].split(": ", 1)[1]
    assert shown == whsec(SECRET) and shown.startswith("whsec_")
    hook = Webhook(shown)
    assert hook.verify(fresh.body, fresh.headers)["outbox_id"] == 42
    with pytest.raises(WebhookVerificationError, match="too old"):
        hook.verify(old.body, old.headers)


def test_headers_follow_the_spec(hooks, make_sub, gdp_event):
    get_channel("webhook").deliver(
        make_sub("webhook", hooks.url_for("standard"), secret=SECRET), [gdp_event], 43,
        local_context(clock=lambda: 1_790_000_000.7))
    (call,) = hooks.wait_for(1, timeout=10)
    assert call.headers["webhook-id"] == "43"
    assert call.headers["webhook-timestamp"] == "1790000000"
    assert call.headers["webhook-signature"] == standard_signature(
        SECRET, "43", 1_790_000_000, call.body)
    assert call.headers["webhook-signature"].startswith("v1,")


def test_a_test_send_has_its_own_id_every_time(hooks, make_sub, gdp_event):
    sub = make_sub("webhook", hooks.url_for("standard"), secret=SECRET)
    for _ in range(2):
        get_channel("webhook").deliver(sub, [gdp_event], None, local_context())
    first, second = hooks.wait_for(2, timeout=10)
    assert first.headers["webhook-id"].startswith("test-")
    assert first.headers["webhook-id"] != second.headers["webhook-id"]
    for call in (first, second):
        Webhook(whsec(SECRET)).verify(call.body, call.headers)
