"""Slack alerts to a real HTTP hooks standing in for hooks.slack.com."""

from __future__ import annotations

import json
import logging

import pytest

from notifier.channels import get_channel
from notifier.errors import PermanentSendError, TransientSendError
from tests.support.delivery import local_context

PATH = "/services/T0AAAAAAA/B0BBBBBBB/xoxSecretSlackToken"
RECEIVER_LOG = "bea_tracker.demo.sinks"  # the receiver's own log, which shows the path


def _sub(make_sub, hooks, **kw):
    return make_sub("slack", hooks.url_for(PATH), **kw)


def test_block_kit_message(hooks, make_sub, gdp_event, caplog):
    caplog.set_level(logging.DEBUG)
    get_channel("slack").deliver(_sub(make_sub, hooks), [gdp_event], 42, local_context())

    request = hooks.calls[0]
    assert (request.method, request.path) == ("POST", PATH)
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.body)
    assert body["text"] == "BEA: GDP Q2 2026 (second) +1.5%"
    kinds = [b["type"] for b in body["blocks"]]
    assert kinds == ["header", "section", "section", "actions"]
    assert body["blocks"][0]["text"]["text"] == "BEA: GDP Q2 2026 (second) +1.5%"
    fields = body["blocks"][2]["fields"]
    assert fields[0]["text"] == "*Real GDP*\n+1.5%  (Q2 2026, second estimate)"
    button = body["blocks"][3]["elements"][0]
    assert button["url"] == gdp_event.release.url
    ours = [r for r in caplog.records if r.name != RECEIVER_LOG]
    assert any(r.name.startswith("notifier") for r in ours)
    assert all("xoxSecretSlackToken" not in r.getMessage() for r in ours)


def test_digest_message(hooks, make_sub, gdp_event, trade_event):
    sub = _sub(make_sub, hooks, digest="daily")
    get_channel("slack").deliver(sub, [gdp_event, trade_event], 43, local_context())
    body = json.loads(hooks.calls[0].body)
    assert body["text"].startswith("BEA daily digest")
    sections = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    assert len(sections) == 2 and "-$88.6 billion" in sections[1]


@pytest.mark.parametrize(
    ("status", "text", "error", "retry_after"),
    [
        (404, "no_service", PermanentSendError, None),
        (410, "channel_is_archived", PermanentSendError, None),
        (400, "invalid_payload", PermanentSendError, None),
        (500, "rollup_error", TransientSendError, None),
        (429, "rate_limited", TransientSendError, 7.0),
    ],
)
def test_slack_errors(hooks, make_sub, gdp_event, status, text, error, retry_after):
    headers = {"Retry-After": "7"} if status == 429 else {}
    hooks.respond(status, body=text, headers=headers)
    with pytest.raises(error) as info:
        get_channel("slack").deliver(_sub(make_sub, hooks), [gdp_event], 44, local_context())
    assert f"HTTP {status} " in info.value.reason
    assert text not in info.value.reason  # a receiver's reply body is never echoed
    assert "xoxSecretSlackToken" not in str(info.value)
    assert getattr(info.value, "retry_after", None) == retry_after


def test_slack_down_is_transient(make_sub, gdp_event, closed_port):
    sub = make_sub("slack", f"http://127.0.0.1:{closed_port}{PATH}")
    with pytest.raises(TransientSendError) as info:
        get_channel("slack").deliver(sub, [gdp_event], 45, local_context(timeout=2))
    assert "xoxSecretSlackToken" not in str(info.value)
