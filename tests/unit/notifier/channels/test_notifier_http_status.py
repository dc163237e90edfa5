"""The HTTP status classification shared by Slack and webhooks."""

from __future__ import annotations

import logging

import httpx
import pytest

from notifier.channels.http_post import raise_for_status
from notifier.errors import PermanentSendError, TransientSendError


@pytest.mark.parametrize(
    ("status", "headers", "kind", "retry_after"),
    [
        (500, {}, TransientSendError, None),
        (503, {"Retry-After": "30"}, TransientSendError, 30.0),
        (429, {"Retry-After": "7"}, TransientSendError, 7.0),
        (408, {}, TransientSendError, None),
        (400, {}, PermanentSendError, None),
        (404, {}, PermanentSendError, None),
        (410, {}, PermanentSendError, None),
        (301, {"Location": "https://elsewhere.example/"}, PermanentSendError, None),
    ],
)
def test_raise_for_status(status, headers, kind, retry_after):
    response = httpx.Response(status, headers=headers, text="channel_is_archived")
    with pytest.raises(kind) as info:
        raise_for_status(response, "https://hooks.slack.com/\u2026")
    assert info.value.reason.startswith(f"HTTP {status} ")
    assert "channel_is_archived" not in info.value.reason  # a reply body is never echoed
    assert getattr(info.value, "retry_after", None) == retry_after


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_success_passes(status, caplog):
    caplog.set_level(logging.DEBUG, logger="notifier.channels.http_post")
    masked = "https://example.org/\u2026"
    assert raise_for_status(httpx.Response(status), masked) is None
    # a 2xx is a sent alert: logged (with the masked URL only), never an error
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("DEBUG", f"POST {masked} -> {status}")]
