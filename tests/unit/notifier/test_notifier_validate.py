"""Targets are validated with a clear message, and secret URLs are masked."""

from __future__ import annotations

import pytest

from notifier.channels import CHANNELS, get_channel, mask_target, validate_target
from notifier.errors import InvalidTarget
from notifier.validate import mask_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://hooks.slack.com/services/T000/B000/XXXXXXXX", "https://hooks.slack.com/\u2026"),
        ("http://127.0.0.1:8080/hook?token=abc", "http://127.0.0.1:8080/\u2026"),
        ("https://user:pw@example.org/x", "https://example.org/\u2026"),
        ("http://[::1]:9000/x", "http://[::1]:9000/\u2026"),
        ("not a url", "\u2026"),
        ("http://example.org:bad/x", "\u2026"),
    ],
)
def test_mask_url(url, expected):
    assert mask_url(url) == expected


def test_mask_target_keeps_addresses():
    assert mask_target("email", "a@example.org") == "a@example.org"
    assert mask_target("slack", "https://hooks.slack.com/services/T/B/S") == (
        "https://hooks.slack.com/\u2026"
    )


@pytest.mark.parametrize(
    ("kind", "target", "expected"),
    [
        ("email", "alice@example.org", "alice@example.org"),
        ("email", "  first.last+bea@sub.example.co.uk ", "first.last+bea@sub.example.co.uk"),
        (
            "slack",
            "https://hooks.slack.com/services/T/B/S",
            "https://hooks.slack.com/services/T/B/S",
        ),
        ("webhook", "http://127.0.0.1:8000/hook", "http://127.0.0.1:8000/hook"),
    ],
)
def test_valid_targets(kind, target, expected):
    assert validate_target(kind, target) == expected


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        ("email", "alice", "not a valid e-mail address"),
        ("email", "alice@localhost", "not a valid e-mail address"),
        ("email", "alice@@example.org", "not a valid e-mail address"),
        ("email", "Alice <alice@example.org>", "not a bare e-mail address"),
        ("email", "alice@example.org\r\nBcc: x@example.org", "not a bare e-mail address"),
        ("email", "a" * 65 + "@example.org", "longer than 64"),
        ("email", "", "empty"),
        ("slack", "hooks.slack.com/services/T/B/S", "must start with https://"),
        ("webhook", "ftp://example.org/x", "must start with https://"),
        ("webhook", "https:///path-only", "has no host"),
        ("webhook", "https://exa mple.org/x", "spaces or control characters"),
        ("sms", "+15551234567", "unknown channel kind 'sms'"),
    ],
)
def test_invalid_targets(kind, target, message):
    with pytest.raises(InvalidTarget, match=message):
        validate_target(kind, target)


def test_url_errors_do_not_leak_the_secret():
    with pytest.raises(InvalidTarget) as info:
        validate_target("webhook", "https://example.org/secret-token with-space")
    assert "secret-token" not in str(info.value)


def test_registry():
    assert set(CHANNELS) == {"email", "slack", "webhook", "apprise"}
    for kind in CHANNELS:
        assert get_channel(kind).kind == kind
    with pytest.raises(InvalidTarget, match="expected one of: email, slack, webhook, apprise"):
        get_channel("pager")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("json://bea:pw@127.0.0.1:8000/hooks/tok", "json://127.0.0.1:8000/\u2026"),
        ("ntfy://my-secret-topic", "ntfy://\u2026"),
        ("discord://1234567/tokenABC", "discord://\u2026"),
        ("tgram://123456789:abcdefg/12315544/", "tgram://\u2026"),
        ("mailto://user:pass@gmail.com", "mailto://gmail.com/\u2026"),
        ("no scheme at all", "\u2026"),
    ],
)
def test_apprise_urls_show_the_scheme_and_only_a_real_host(url, expected):
    assert mask_target("apprise", url) == expected
