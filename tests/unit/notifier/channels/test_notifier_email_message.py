"""The e-mail message itself: Message-ID per outbox row, both MIME parts, no leaked password."""

from __future__ import annotations

import re
import smtplib
from dataclasses import replace
from datetime import timedelta

import pytest

from notifier.channels.email import SmtpSettings, build_message, classify_smtp_error, message_id
from notifier.errors import PermanentSendError, TransientSendError
from notifier.render.messages import render_alert

FROM = "BEA Tracker <alerts@example.org>"


def test_message_id_is_stable_per_outbox_row(events, make_sub):
    sub, gdp = make_sub(), [events["gdp"]]
    first = message_id(42, sub, gdp, FROM)
    assert re.fullmatch(r"<outbox-42\.[0-9a-f]{12}@bea-tracker\.example\.org>", first)
    assert message_id(42, sub, gdp, FROM) == first
    assert message_id(43, sub, gdp, FROM) != first


def test_message_id_differs_after_a_database_reset(events, make_sub):
    """Outbox ids restart at 1 in a new database; the event times do not repeat."""
    event = events["gdp"]
    later = replace(event, created_at=event.created_at + timedelta(days=400))
    assert message_id(1, make_sub(), [event], FROM) != message_id(1, make_sub(), [later], FROM)


def test_test_sends_get_a_fresh_message_id(events, make_sub):
    one = message_id(None, make_sub(), [events["gdp"]], FROM)
    two = message_id(None, make_sub(), [events["gdp"]], FROM)
    assert one != two and one.endswith("@bea-tracker.example.org>")


def test_build_message_has_text_and_html_parts(script_event):
    rendered = render_alert(script_event)
    msg = build_message(rendered, "alice@example.org", FROM, "<outbox-1.abc@bea-tracker.x>")
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == rendered.subject
    assert msg["To"] == "alice@example.org"
    assert msg["Message-ID"] == "<outbox-1.abc@bea-tracker.x>"
    assert msg["Auto-Submitted"] == "auto-generated"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "<script>alert('x')</script>" in plain
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_settings_never_show_the_password():
    settings = SmtpSettings("smtp.example.org", 587, FROM, "bea", "hunter2", starttls=True)
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings)


@pytest.mark.parametrize("kw", [{"ssl": True, "starttls": True}, {"timeout": 0}])
def test_settings_reject_contradictions(kw):
    with pytest.raises(ValueError):
        SmtpSettings("smtp.example.org", 465, FROM, **kw)


SETTINGS = SmtpSettings("smtp.example.org", 25, FROM, "bea", "hunter2")


@pytest.mark.parametrize(
    ("exc", "kind", "text"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.org": (550, b"5.1.1 no such user")}),
         PermanentSendError, "a@x.org refused: 550 5.1.1 no such user"),
        (smtplib.SMTPRecipientsRefused({"a@x.org": (451, b"4.3.0 try later")}),
         TransientSendError, "451"),
        (smtplib.SMTPDataError(554, b"5.7.1 rejected as spam"), PermanentSendError, "554"),
        (smtplib.SMTPSenderRefused(421, b"busy", "alerts@example.org"), TransientSendError, "421"),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), TransientSendError, "login"),
        (smtplib.SMTPServerDisconnected("gone"), TransientSendError, "gone"),
        (ConnectionRefusedError(111, "Connection refused"), TransientSendError, "refused"),
        (TimeoutError(), TransientSendError, "timed out after 10 s"),
    ],
)  # fmt: skip
def test_classify_smtp_error(exc, kind, text):
    error = classify_smtp_error(exc, SETTINGS)
    assert type(error) is kind
    assert text in error.reason
    assert "hunter2" not in error.reason
