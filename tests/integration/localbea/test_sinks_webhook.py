"""WebhookSink: records each POST and answers as scripted (500, then 200 again)."""

from __future__ import annotations

import json

import httpx
import pytest


def test_records_a_json_post(webhook_sink, client):
    url = webhook_sink.url_for("ops")
    assert url == f"http://127.0.0.1:{webhook_sink.port}/hooks/ops"
    response = client.post(url, json={"event": "new_release", "indicator": "real_gdp"},
                           headers={"X-Signature": "abc"})
    assert (response.status_code, response.text) == (200, "ok")
    [call] = webhook_sink.wait_for(1, timeout=10)
    assert (call.method, call.path, call.name, call.status) == ("POST", "/hooks/ops", "ops", 200)
    assert call.json == {"event": "new_release", "indicator": "real_gdp"}
    assert call.headers["x-signature"] == "abc"
    assert call.headers["content-type"] == "application/json"
    assert json.loads(call.body) == call.json
    assert call.received_at.tzinfo is not None


def test_scripted_500_then_200(webhook_sink, client):
    webhook_sink.respond(500)
    url = webhook_sink.url_for("ops")
    assert client.post(url, json={"n": 1}).status_code == 500
    assert client.post(url, json={"n": 1}).status_code == 200
    calls = webhook_sink.wait_for(2)
    assert [c.status for c in calls] == [500, 200]
    assert len(webhook_sink.wait_for(1, accepted_only=True)) == 1


def test_429_with_retry_after_and_400_with_body(webhook_sink, client):
    webhook_sink.respond(429, retry_after=1)
    webhook_sink.respond(400, body="invalid payload")
    url = webhook_sink.url_for("ops")
    limited = client.post(url, content=b"{}")
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
    rejected = client.post(url, content=b"{}")
    assert (rejected.status_code, rejected.text) == (400, "invalid payload")


def test_answers_can_target_one_hook(webhook_sink, client):
    webhook_sink.respond(503, name="slack")
    assert client.post(webhook_sink.url_for("ops"), content=b"x").status_code == 200
    assert client.post(webhook_sink.url_for("slack"), content=b"x").status_code == 503
    assert [c.name for c in webhook_sink.wait_for(1, name="slack")] == ["slack"]


def test_non_json_and_chunked_bodies(webhook_sink, client):
    def chunks():
        yield b"text="
        yield b"Real GDP +1.5%"

    client.post(webhook_sink.url_for("form"), content=chunks())
    [call] = webhook_sink.wait_for(1)
    assert call.body == b"text=Real GDP +1.5%"
    assert call.json is None


def test_slow_answer_past_client_timeout(webhook_sink):
    webhook_sink.respond(200, delay=5.0)
    with httpx.Client(timeout=0.3) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.post(webhook_sink.url_for("ops"), content=b"{}")
        assert impatient.post(webhook_sink.url_for("ops"), content=b"{}").status_code == 200


def test_wait_for_times_out(webhook_sink):
    with pytest.raises(TimeoutError, match="0 of 1 webhook calls"):
        webhook_sink.wait_for(1, timeout=0.1)


def test_clear(webhook_sink, client):
    webhook_sink.respond(500)
    client.post(webhook_sink.url_for("ops"), content=b"{}")
    webhook_sink.respond(500)
    webhook_sink.clear()
    assert webhook_sink.calls == []
    assert client.post(webhook_sink.url_for("ops"), content=b"{}").status_code == 200
