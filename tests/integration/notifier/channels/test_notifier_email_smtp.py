"""E-mail alerts through a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from notifier.channels import get_channel
from notifier.channels.email import SmtpSettings, message_id
from notifier.errors import PermanentSendError, TransientSendError
from notifier.settings import DeliveryContext
from notifier.testmessage import send_test_message

from_addr = "BEA Tracker <alerts@bea-tracker.example.org>"


def _context(sink, **kw) -> DeliveryContext:
    return DeliveryContext(settings=SmtpSettings(sink.host, sink.port, from_addr, timeout=5, **kw))


def test_alert_arrives_with_both_parts(smtp, make_sub, script_event):
    sub = make_sub("email", "alice@example.org")
    get_channel("email").deliver(sub, [script_event], 42, _context(smtp))

    (received,) = smtp.messages
    assert received.rcpt_tos == ["alice@example.org"]
    assert received.mail_from == "alerts@bea-tracker.example.org"
    msg = received.message
    assert msg["Subject"] == "BEA: GDP Q2 2026 (second) +1.5%"
    assert msg["To"] == "alice@example.org"
    assert msg["Message-ID"] == message_id(42, sub, [script_event], from_addr)
    assert msg["Message-ID"].startswith("<outbox-42.")
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "GDP <script>alert('x')</script> & Profits" in plain
    assert "+1.5%" in plain and "+1.5%" in html
    assert "<script>" not in html
    assert "GDP &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Profits" in html


def test_a_retry_is_the_same_message(smtp, make_sub, gdp_event):
    sub = make_sub("email", "alice@example.org")
    for _ in range(2):
        get_channel("email").deliver(sub, [gdp_event], 43, _context(smtp))
    first, second = smtp.messages
    assert first.message["Message-ID"] == second.message["Message-ID"]


def test_digest_subscription_gets_one_message(smtp, make_sub, gdp_event, trade_event):
    sub = make_sub("email", "bob@example.org", digest="daily")
    get_channel("email").deliver(sub, [trade_event, gdp_event], 44, _context(smtp))
    (received,) = smtp.messages
    assert received.message["Subject"] == (
        "BEA daily digest, 2026-09-03: 2 updates (GDP Q2 2026 (second) +1.5% and 1 more)"
    )
    plain = received.message.get_body(("plain",)).get_content()
    assert "+1.5%" in plain and "-$88.6 billion" in plain


def test_smtp_down_is_transient(make_sub, gdp_event, closed_port):
    settings = SmtpSettings("127.0.0.1", closed_port, from_addr, timeout=2)
    with pytest.raises(TransientSendError, match="ConnectionRefusedError"):
        get_channel("email").deliver(
            make_sub("email", "alice@example.org"), [gdp_event], 45,
            DeliveryContext(settings=settings),
        )


def test_rejected_recipient_is_permanent(smtp, make_sub, gdp_event):
    smtp.refuse_recipient("nobody@", 550, "5.1.1 Recipient address rejected: User unknown")
    sub = make_sub("email", "nobody@example.org")
    with pytest.raises(PermanentSendError) as info:
        get_channel("email").deliver(sub, [gdp_event], 46, _context(smtp))
    assert "550" in info.value.reason and "User unknown" in info.value.reason
    assert smtp.messages == []


def test_temporarily_refused_recipient_is_transient(smtp, make_sub, gdp_event):
    smtp.refuse_recipient("later@", 451, "4.3.0 Mailbox temporarily unavailable")
    sub = make_sub("email", "later@example.org")
    with pytest.raises(TransientSendError, match="451"):
        get_channel("email").deliver(sub, [gdp_event], 47, _context(smtp))


def test_login_and_the_password_never_logged(
    smtp, smtp_credentials, make_sub, gdp_event, caplog
):
    user, password = smtp_credentials
    caplog.set_level(logging.DEBUG)
    ctx = _context(smtp, username=user, password=password)
    get_channel("email").deliver(make_sub("email", "alice@example.org"), [gdp_event], 48, ctx)
    assert [m.login for m in smtp.messages] == [user]
    assert len(smtp.messages) == 1
    assert password not in caplog.text
    assert password not in repr(ctx)


def test_wrong_password_is_transient_and_not_echoed(smtp, make_sub, gdp_event):
    ctx = _context(smtp, username="bea-tracker", password="wrong-password")
    with pytest.raises(TransientSendError, match="login as 'bea-tracker' failed") as info:
        get_channel("email").deliver(make_sub("email", "alice@example.org"), [gdp_event], 49, ctx)
    assert "wrong-password" not in str(info.value)


def test_invalid_address_is_permanent(smtp, make_sub, gdp_event):
    with pytest.raises(PermanentSendError, match="not a valid e-mail address"):
        get_channel("email").deliver(
            make_sub("email", "alice-at-example.org"), [gdp_event], 50, _context(smtp)
        )


def test_missing_smtp_settings_is_permanent(make_sub, gdp_event):
    with pytest.raises(PermanentSendError, match="no SMTP settings"):
        get_channel("email").deliver(
            make_sub("email", "alice@example.org"), [gdp_event], 51, DeliveryContext()
        )


def test_test_message_goes_through_the_real_channel(smtp, make_sub):
    sub = make_sub("email", "alice@example.org", name="GDP watchers")
    now = datetime(2026, 9, 3, 13, 0, tzinfo=timezone.utc)
    send_test_message(sub, _context(smtp), now)
    send_test_message(sub, _context(smtp), now)
    first, second = smtp.messages
    assert first.message["Subject"] == "BEA: Test alert from bea-tracker"
    assert "subscription 7 (GDP watchers)" in first.message.get_body(("plain",)).get_content()
    assert first.message["Message-ID"] != second.message["Message-ID"]
