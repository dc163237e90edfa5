"""SmtpSink: a real aiosmtpd server that keeps what smtplib sends it."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from bea_tracker.demo.sinks import SmtpSink


def _message(subject: str = "GDP (Advance Estimate), 2nd Quarter 2026") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "bea-tracker@localhost"
    message["To"] = "analyst@example.org"
    message["Subject"] = subject
    message.set_content("Real GDP +1.5% (advance estimate, 2026Q2)")
    return message


def test_receives_a_message_sent_with_smtplib(smtp):
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as conn:
        conn.send_message(_message())
    [mail] = smtp.wait_for(1, timeout=10)
    assert mail.mail_from == "bea-tracker@localhost"
    assert mail.rcpt_tos == ["analyst@example.org"]
    assert mail.message["Subject"] == "GDP (Advance Estimate), 2nd Quarter 2026"
    assert mail.message.get_content().strip() == "Real GDP +1.5% (advance estimate, 2026Q2)"
    assert b"Subject: GDP" in mail.raw
    assert mail.received_at.tzinfo is not None
    assert mail.login is None


def test_non_ascii_subject_survives(smtp):
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as conn:
        conn.send_message(_message("Déficit commercial –$88.6 billion"))
    assert smtp.wait_for(1)[0].message["Subject"] == "Déficit commercial –$88.6 billion"


def test_refusal_then_acceptance(smtp):
    smtp.refuse(451)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as conn:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            conn.send_message(_message())
        assert refused.value.smtp_code == 451
        conn.send_message(_message())
    assert len(smtp.wait_for(1)) == 1
    assert len(smtp.messages) == 1


def test_wait_for_times_out_saying_how_many(smtp):
    with pytest.raises(TimeoutError, match="0 of 1 e-mails"):
        smtp.wait_for(1, timeout=0.1)


def test_auth_with_configured_credentials():
    with SmtpSink(credentials=("tracker", "s3cret")) as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as conn:
            with pytest.raises(smtplib.SMTPAuthenticationError):
                conn.login("tracker", "wrong")
            conn.login("tracker", "s3cret")
            conn.send_message(_message())
        assert sink.wait_for(1)[0].login == "tracker"


def test_clear_and_restart_on_a_fixed_port():
    sink = SmtpSink().start()
    port = sink.port
    sink.stop()
    sink.stop()
    with SmtpSink(port=port) as again:
        assert again.port == port
        with smtplib.SMTP(again.host, again.port, timeout=10) as conn:
            conn.send_message(_message())
        again.wait_for(1)
        again.clear()
        assert again.messages == []
