"""Webhook alerts to a real HTTP receiver on 127.0.0.1: payload, signature, failures."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from email.utils import formatdate

import httpx
import pytest
from werkzeug import Request, Response

from notifier.channels import get_channel
from notifier.errors import PermanentSendError, TransientSendError
from notifier.settings import DEFAULT_USER_AGENT, DeliveryContext

SECRET = "whsec-3f1c0d9a8b7e"
PATH = "/hooks/bea/8c1d-secret-token"


def _sub(make_sub, receiver, secret=SECRET, **kw):
    return make_sub("webhook", receiver.url_for(PATH), secret=secret, **kw)


def _verify(request: Request, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), request.get_data(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers.get("X-BEA-Tracker-Signature", ""))


def test_payload_headers_and_signature(receiver, make_sub, gdp_event):
    receiver.expect_oneshot_request(PATH, method="POST").respond_with_data("", status=204)
    get_channel("webhook").deliver(_sub(make_sub, receiver), [gdp_event], 42, DeliveryContext())

    (request, _response) = receiver.log[0]
    assert _verify(request, SECRET)
    assert not _verify(request, "another-secret")
    assert request.headers["Idempotency-Key"] == "42"
    assert request.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-BEA-Tracker-Event"] == "new_release"
    body = json.loads(request.get_data())
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


def test_retry_sends_identical_bytes(receiver, make_sub, gdp_event):
    receiver.expect_request(PATH, method="POST").respond_with_data("ok")
    sub = _sub(make_sub, receiver)
    for _ in range(2):
        get_channel("webhook").deliver(sub, [gdp_event], 43, DeliveryContext())
    first, second = (req for req, _ in receiver.log)
    assert first.get_data() == second.get_data()
    assert first.headers["X-BEA-Tracker-Signature"] == second.headers["X-BEA-Tracker-Signature"]
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == "43"


def test_digest_lists_all_events(receiver, make_sub, gdp_event, trade_event):
    receiver.expect_oneshot_request(PATH).respond_with_data("ok")
    sub = _sub(make_sub, receiver, digest="daily")
    get_channel("webhook").deliver(sub, [trade_event, gdp_event], 44, DeliveryContext())
    request, _ = receiver.log[0]
    body = json.loads(request.get_data())
    assert body["kind"] == "digest" and request.headers["X-BEA-Tracker-Event"] == "digest"
    assert [e["id"] for e in body["events"]] == [gdp_event.id, trade_event.id]
    assert body["events"][1]["release"]["figures"][0]["value"] == -88.6


def test_shared_transport_from_the_context(receiver, make_sub, gdp_event):
    receiver.expect_request(PATH).respond_with_data("ok")
    with httpx.HTTPTransport() as transport:
        ctx = DeliveryContext(http_transport=transport, timeout=5)
        for outbox_id in (1, 2, 3):
            get_channel("webhook").deliver(_sub(make_sub, receiver), [gdp_event], outbox_id, ctx)
    assert [r.headers["Idempotency-Key"] for r, _ in receiver.log] == ["1", "2", "3"]


def test_unsigned_without_a_secret(receiver, make_sub, gdp_event):
    receiver.expect_oneshot_request(PATH).respond_with_data("ok")
    get_channel("webhook").deliver(
        _sub(make_sub, receiver, secret=None), [gdp_event], 45, DeliveryContext()
    )
    request, _ = receiver.log[0]
    assert "X-BEA-Tracker-Signature" not in request.headers


def test_test_send_gets_a_fresh_idempotency_key(receiver, make_sub, gdp_event):
    receiver.expect_request(PATH).respond_with_data("ok")
    for _ in range(2):
        get_channel("webhook").deliver(
            _sub(make_sub, receiver), [gdp_event], None, DeliveryContext()
        )
    keys = [r.headers["Idempotency-Key"] for r, _ in receiver.log]
    assert keys[0].startswith("test-") and keys[0] != keys[1]


def test_server_error_is_transient(receiver, make_sub, gdp_event):
    receiver.expect_oneshot_request(PATH).respond_with_data("boom", status=500)
    with pytest.raises(TransientSendError) as info:
        get_channel("webhook").deliver(_sub(make_sub, receiver), [gdp_event], 46, DeliveryContext())
    assert info.value.reason.startswith("HTTP 500")
    assert info.value.retry_after is None


def test_500_then_200_delivers_on_retry(receiver, make_sub, gdp_event):
    receiver.expect_ordered_request(PATH).respond_with_data("boom", status=500)
    receiver.expect_ordered_request(PATH).respond_with_data("ok", status=200)
    sub = _sub(make_sub, receiver)
    with pytest.raises(TransientSendError):
        get_channel("webhook").deliver(sub, [gdp_event], 47, DeliveryContext())
    get_channel("webhook").deliver(sub, [gdp_event], 47, DeliveryContext())
    assert len(receiver.log) == 2


def test_rate_limit_carries_retry_after(receiver, make_sub, gdp_event):
    receiver.expect_oneshot_request(PATH).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    with pytest.raises(TransientSendError) as info:
        get_channel("webhook").deliver(_sub(make_sub, receiver), [gdp_event], 48, DeliveryContext())
    assert info.value.retry_after == 7.0
    assert "HTTP 429" in info.value.reason


def test_retry_after_as_http_date(receiver, make_sub, gdp_event):
    when = formatdate(time.time() + 120, usegmt=True)
    receiver.expect_oneshot_request(PATH).respond_with_data(
        "", status=503, headers={"Retry-After": when}
    )
    with pytest.raises(TransientSendError) as info:
        get_channel("webhook").deliver(_sub(make_sub, receiver), [gdp_event], 49, DeliveryContext())
    assert 100 <= info.value.retry_after <= 121


def test_bad_request_is_permanent_with_reason(receiver, make_sub, gdp_event):
    receiver.expect_oneshot_request(PATH).respond_with_data("missing field: figures", status=400)
    with pytest.raises(PermanentSendError) as info:
        get_channel("webhook").deliver(_sub(make_sub, receiver), [gdp_event], 50, DeliveryContext())
    assert "HTTP 400" in info.value.reason and "missing field: figures" in info.value.reason
    assert "secret-token" not in info.value.reason


def test_slow_receiver_times_out_as_transient(receiver, make_sub, gdp_event):
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    receiver.expect_oneshot_request(PATH).respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(TransientSendError, match="within 0.3 s"):
        get_channel("webhook").deliver(
            _sub(make_sub, receiver), [gdp_event], 51, DeliveryContext(timeout=0.3)
        )
    assert time.monotonic() - started < 0.9


def test_connection_refused_is_transient(make_sub, gdp_event, closed_port):
    sub = make_sub("webhook", f"http://127.0.0.1:{closed_port}{PATH}", secret=SECRET)
    with pytest.raises(TransientSendError, match="ConnectError") as info:
        get_channel("webhook").deliver(sub, [gdp_event], 52, DeliveryContext(timeout=2))
    assert "secret-token" not in str(info.value)


def test_redirect_is_not_followed(receiver, make_sub, gdp_event):
    receiver.expect_oneshot_request(PATH).respond_with_data(
        "", status=308, headers={"Location": "http://127.0.0.1:1/elsewhere"}
    )
    with pytest.raises(PermanentSendError, match="redirects are not followed"):
        get_channel("webhook").deliver(_sub(make_sub, receiver), [gdp_event], 53, DeliveryContext())
    assert len(receiver.log) == 1


def test_url_never_logged(receiver, make_sub, gdp_event, caplog):
    caplog.set_level(logging.DEBUG)
    receiver.expect_ordered_request(PATH).respond_with_data("ok")
    receiver.expect_ordered_request(PATH).respond_with_data("no", status=403)
    sub = _sub(make_sub, receiver)
    get_channel("webhook").deliver(sub, [gdp_event], 54, DeliveryContext())
    with pytest.raises(PermanentSendError) as info:
        get_channel("webhook").deliver(sub, [gdp_event], 55, DeliveryContext())
    # Everything but the receiver's own access log: notifier, httpx and httpcore records.
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert any("webhook alert sent" in line for line in lines)
    assert all("secret-token" not in line for line in lines)
    assert "secret-token" not in str(info.value)


def test_invalid_url_is_permanent(make_sub, gdp_event):
    sub = make_sub("webhook", "ftp://example.org/hook", secret=SECRET)
    with pytest.raises(PermanentSendError, match="must start with https://"):
        get_channel("webhook").deliver(sub, [gdp_event], 56, DeliveryContext())
