"""Webhook alerts to a real HTTP hooks on 127.0.0.1: payload, signature, failures."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from email.utils import formatdate

import pytest

from bea_tracker.demo.sinks import HookCall
from notifier.channels import get_channel
from notifier.errors import PermanentSendError, TransientSendError
from notifier.settings import DEFAULT_USER_AGENT
from tests.support.delivery import local_context

SECRET = "whsec-3f1c0d9a8b7e"
PATH = "/hooks/bea/8c1d-secret-token"
RECEIVER_LOG = "bea_tracker.demo.sinks"  # the receiver's own log, which shows the path


def _sub(make_sub, hooks, secret=SECRET, **kw):
    return make_sub("webhook", hooks.url_for(PATH), secret=secret, **kw)


def _verify(call: HookCall, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), call.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, call.headers.get("x-bea-tracker-signature", ""))


def test_payload_headers_and_signature(hooks, make_sub, gdp_event):
    hooks.respond(204)
    get_channel("webhook").deliver(_sub(make_sub, hooks), [gdp_event], 42, local_context())

    request = hooks.calls[0]
    assert (request.method, request.path) == ("POST", PATH)
    assert _verify(request, SECRET)
    assert not _verify(request, "another-secret")
    assert request.headers["idempotency-key"] == "42"
    assert request.headers["user-agent"] == DEFAULT_USER_AGENT
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-bea-tracker-event"] == "new_release"
    body = json.loads(request.body)
    assert set(body) == {"schema", "outbox_id", "kind", "digest", "events"}
    assert body["schema"] == "bea-tracker.alert/1"
    assert (body["outbox_id"], body["kind"], body["digest"]) == (42, "new_release", False)
    (event,) = body["events"]
    assert event == gdp_event.to_json()
    release = event["release"]
    assert set(release) >= {"kind", "url", "title", "released_at", "release_number", "lead",
                            "next_release", "figures"}  # fmt: skip
    assert release["figures"][0]["value"] == 1.5
    assert release["figures"][0]["unit"] == "percent_saar"


def test_retry_sends_identical_bytes(hooks, make_sub, gdp_event):
    sub = _sub(make_sub, hooks)
    for _ in range(2):
        get_channel("webhook").deliver(sub, [gdp_event], 43, local_context())
    first, second = hooks.calls
    assert first.body == second.body
    assert first.headers["x-bea-tracker-signature"] == second.headers["x-bea-tracker-signature"]
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == "43"


def test_digest_lists_all_events(hooks, make_sub, gdp_event, trade_event):
    sub = _sub(make_sub, hooks, digest="daily")
    get_channel("webhook").deliver(sub, [trade_event, gdp_event], 44, local_context())
    request = hooks.calls[0]
    body = json.loads(request.body)
    assert body["kind"] == "digest" and request.headers["x-bea-tracker-event"] == "digest"
    assert [e["id"] for e in body["events"]] == [gdp_event.id, trade_event.id]
    assert body["events"][1]["release"]["figures"][0]["value"] == -88.6


def test_consecutive_sends_with_one_context(hooks, make_sub, gdp_event):
    ctx = local_context(timeout=5)
    for outbox_id in (1, 2, 3):
        get_channel("webhook").deliver(_sub(make_sub, hooks), [gdp_event], outbox_id, ctx)
    assert [r.headers["idempotency-key"] for r in hooks.calls] == ["1", "2", "3"]


def test_unsigned_without_a_secret(hooks, make_sub, gdp_event):
    get_channel("webhook").deliver(
        _sub(make_sub, hooks, secret=None), [gdp_event], 45, local_context()
    )
    request = hooks.calls[0]
    assert "x-bea-tracker-signature" not in request.headers


def test_test_send_gets_a_fresh_idempotency_key(hooks, make_sub, gdp_event):
    for _ in range(2):
        get_channel("webhook").deliver(
            _sub(make_sub, hooks), [gdp_event], None, local_context()
        )
    keys = [r.headers["idempotency-key"] for r in hooks.calls]
    assert keys[0].startswith("test-") and keys[0] != keys[1]


def test_server_error_is_transient(hooks, make_sub, gdp_event):
    hooks.respond(500, body="boom")
    with pytest.raises(TransientSendError) as info:
        get_channel("webhook").deliver(_sub(make_sub, hooks), [gdp_event], 46, local_context())
    assert info.value.reason.startswith("HTTP 500")
    assert info.value.retry_after is None


def test_500_then_200_delivers_on_retry(hooks, make_sub, gdp_event):
    hooks.respond(500, body="boom")
    sub = _sub(make_sub, hooks)
    with pytest.raises(TransientSendError):
        get_channel("webhook").deliver(sub, [gdp_event], 47, local_context())
    get_channel("webhook").deliver(sub, [gdp_event], 47, local_context())
    assert [c.status for c in hooks.calls] == [500, 200]


def test_rate_limit_carries_retry_after(hooks, make_sub, gdp_event):
    hooks.respond(429, body="slow down", retry_after=7)
    with pytest.raises(TransientSendError) as info:
        get_channel("webhook").deliver(_sub(make_sub, hooks), [gdp_event], 48, local_context())
    assert info.value.retry_after == 7.0
    assert "HTTP 429" in info.value.reason


def test_retry_after_as_http_date(hooks, make_sub, gdp_event):
    when = formatdate(time.time() + 120, usegmt=True)
    hooks.respond(503, headers={"Retry-After": when})
    with pytest.raises(TransientSendError) as info:
        get_channel("webhook").deliver(_sub(make_sub, hooks), [gdp_event], 49, local_context())
    assert 100 <= info.value.retry_after <= 121


def test_bad_request_is_permanent_with_reason(hooks, make_sub, gdp_event):
    hooks.respond(400, body="missing field: figures")
    with pytest.raises(PermanentSendError) as info:
        get_channel("webhook").deliver(_sub(make_sub, hooks), [gdp_event], 50, local_context())
    assert "HTTP 400" in info.value.reason
    assert "missing field: figures" not in info.value.reason  # the reply is never echoed
    assert "secret-token" not in info.value.reason


def test_slow_receiver_times_out_as_transient(hooks, make_sub, gdp_event):
    hooks.respond(200, body="late", delay=1.0)
    started = time.monotonic()
    with pytest.raises(TransientSendError, match="within 0.3 s"):
        get_channel("webhook").deliver(
            _sub(make_sub, hooks), [gdp_event], 51, local_context(timeout=0.3)
        )
    assert time.monotonic() - started < 0.9


def test_connection_refused_is_transient(make_sub, gdp_event, closed_port):
    sub = make_sub("webhook", f"http://127.0.0.1:{closed_port}{PATH}", secret=SECRET)
    with pytest.raises(TransientSendError, match="ConnectError") as info:
        get_channel("webhook").deliver(sub, [gdp_event], 52, local_context(timeout=2))
    assert "secret-token" not in str(info.value)


def test_redirect_is_not_followed(hooks, make_sub, gdp_event):
    hooks.respond(308, headers={"Location": "http://127.0.0.1:1/elsewhere"})
    with pytest.raises(PermanentSendError, match="redirects are not followed"):
        get_channel("webhook").deliver(_sub(make_sub, hooks), [gdp_event], 53, local_context())
    assert len(hooks.calls) == 1


def test_url_never_logged(hooks, make_sub, gdp_event, caplog):
    caplog.set_level(logging.DEBUG)
    hooks.respond(200)
    hooks.respond(403, body="no")
    sub = _sub(make_sub, hooks)
    get_channel("webhook").deliver(sub, [gdp_event], 54, local_context())
    with pytest.raises(PermanentSendError) as info:
        get_channel("webhook").deliver(sub, [gdp_event], 55, local_context())
    # Everything but the hooks's own access log: notifier, httpx and httpcore records.
    lines = [r.getMessage() for r in caplog.records if r.name != RECEIVER_LOG]
    assert any("webhook alert sent" in line for line in lines)
    assert all("secret-token" not in line for line in lines)
    assert "secret-token" not in str(info.value)


def test_invalid_url_is_permanent(make_sub, gdp_event):
    sub = make_sub("webhook", "ftp://example.org/hook", secret=SECRET)
    with pytest.raises(PermanentSendError, match="must start with https://"):
        get_channel("webhook").deliver(sub, [gdp_event], 56, local_context())
