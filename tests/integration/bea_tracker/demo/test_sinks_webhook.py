"""WebhookSink: records each POST and answers as scripted (500, then 200 again)."""

from __future__ import annotations

import json

import httpx
import pytest


def test_records_a_json_post(hooks, client):
    url = hooks.url_for("ops")
    assert url == f"http://127.0.0.1:{hooks.port}/hooks/ops"
    response = client.post(url, json={"event": "new_release", "indicator": "real_gdp"},
                           headers={"X-Signature": "abc"})
    assert (response.status_code, response.text) == (200, "ok")
    [call] = hooks.wait_for(1, timeout=10)
    assert (call.method, call.path, call.name, call.status) == ("POST", "/hooks/ops", "ops", 200)
    assert call.json == {"event": "new_release", "indicator": "real_gdp"}
    assert call.headers["x-signature"] == "abc"
    assert call.headers["content-type"] == "application/json"
    assert json.loads(call.body) == call.json
    assert call.received_at.tzinfo is not None


def test_scripted_500_then_200(hooks, client):
    hooks.respond(500)
    url = hooks.url_for("ops")
    assert client.post(url, json={"n": 1}).status_code == 500
    assert client.post(url, json={"n": 1}).status_code == 200
    calls = hooks.wait_for(2)
    assert [c.status for c in calls] == [500, 200]
    assert len(hooks.wait_for(1, accepted_only=True)) == 1


def test_429_with_retry_after_and_400_with_body(hooks, client):
    hooks.respond(429, retry_after=1)
    hooks.respond(400, body="invalid payload")
    url = hooks.url_for("ops")
    limited = client.post(url, content=b"{}")
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
    rejected = client.post(url, content=b"{}")
    assert (rejected.status_code, rejected.text) == (400, "invalid payload")


def test_answers_can_target_one_hook(hooks, client):
    hooks.respond(503, name="slack")
    assert client.post(hooks.url_for("ops"), content=b"x").status_code == 200
    assert client.post(hooks.url_for("slack"), content=b"x").status_code == 503
    assert [c.name for c in hooks.wait_for(1, name="slack")] == ["slack"]


def test_non_json_and_chunked_bodies(hooks, client):
    def chunks():
        yield b"text="
        yield b"Real GDP +1.5%"

    client.post(hooks.url_for("form"), content=chunks())
    [call] = hooks.wait_for(1)
    assert call.body == b"text=Real GDP +1.5%"
    assert call.json is None


def test_slow_answer_past_client_timeout(hooks):
    hooks.respond(200, delay=5.0)
    with httpx.Client(timeout=0.3) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.post(hooks.url_for("ops"), content=b"{}")
        assert impatient.post(hooks.url_for("ops"), content=b"{}").status_code == 200


def test_wait_for_times_out(hooks):
    with pytest.raises(TimeoutError, match="0 of 1 webhook calls"):
        hooks.wait_for(1, timeout=0.1)


def test_clear(hooks, client):
    hooks.respond(500)
    client.post(hooks.url_for("ops"), content=b"{}")
    hooks.respond(500)
    hooks.clear()
    assert hooks.calls == []
    assert client.post(hooks.url_for("ops"), content=b"{}").status_code == 200
