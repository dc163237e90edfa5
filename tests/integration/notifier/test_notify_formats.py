"""Message formats per subscription (--format short|full) and `subscribe test` sending the
latest release through the subscriber's own channel and format, through the CLI."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from bea_tracker.demo.localbea import synthetic_gdp_release

SHORT_LINE = "BEA: GDP Q2 2026 (advance) +1.5%"


def publish_and_poll(tracker, bea):
    tracker("poll", "--once")  # baseline: the feed's items are history
    release = synthetic_gdp_release(datetime.now(timezone.utc), seq=1)
    bea.publish(release)
    tracker("poll", "--once", "--no-schedule")
    return release


def plain_text(mail) -> str:
    return mail.message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_short_format_is_one_line_in_every_human_channel(tracker, bea, smtp, hooks):
    tracker("subscribe", "add", "--email", "short@example.com", "--format", "short")
    tracker("subscribe", "add", "--email", "full@example.com")
    tracker("subscribe", "add", "--slack", hooks.url_for("slack"), "--format", "short")
    listed = json.loads(tracker("subscribe", "list", "--json").stdout)
    assert [s["format"] for s in listed] == ["short", "full", "short"]
    assert "short" in tracker("subscribe", "list").stdout

    publish_and_poll(tracker, bea)
    assert "delivered 3" in tracker("notify", "--once").stdout
    mails = {m.rcpt_tos[0]: m for m in smtp.wait_for(2, timeout=10)}
    short, full = mails["short@example.com"], mails["full@example.com"]
    assert short.message["Subject"] == SHORT_LINE
    assert plain_text(short) == SHORT_LINE + "\n"
    assert full.message["Subject"] == SHORT_LINE
    assert "Headline figures:" in plain_text(full) and len(plain_text(full).splitlines()) > 5
    slack = hooks.wait_for(1, timeout=10)[0]
    assert slack.json == {"text": SHORT_LINE, "unfurl_links": False}


def test_unknown_format_is_a_usage_error(tracker):
    bad = tracker("subscribe", "add", "--email", "a@example.com", "--format", "tiny",
                  check=False)
    assert bad.returncode == 2 and "tiny" in bad.stderr


def test_subscribe_test_sends_the_latest_release_in_the_subscribers_format(tracker, bea, smtp,
                                                                          hooks):
    tracker("subscribe", "add", "--email", "short@example.com", "--format", "short")
    tracker("subscribe", "add", "--email", "full@example.com")
    tracker("subscribe", "add", "--webhook", hooks.url_for("ops"), "--format", "short")
    empty = tracker("subscribe", "test", "1")
    assert "a test message" in empty.stdout
    assert smtp.wait_for(1, timeout=10)[0].message["Subject"] == "BEA: Test alert from bea-tracker"
    smtp.clear()

    publish_and_poll(tracker, bea)
    out_short = tracker("subscribe", "test", "1").stdout
    out_full = tracker("subscribe", "test", "2").stdout
    assert "the latest release (" in out_short and "(short format)" in out_short
    assert "(full format)" in out_full
    mails = {m.rcpt_tos[0]: m for m in smtp.wait_for(2, timeout=10)}
    # a long subject is folded onto the line after "Subject:", and Python's parser keeps
    # the fold's leading space
    line = str(mails["short@example.com"].message["Subject"]).strip()
    assert line.startswith("BEA") and plain_text(mails["short@example.com"]) == line + "\n"
    full = mails["full@example.com"]
    assert "Headline figures:" in plain_text(full)

    tracker("subscribe", "test", "3")
    call = hooks.wait_for(1, timeout=10)[0]
    assert call.headers["idempotency-key"].startswith("test-")
    assert call.json["events"][0]["release"]["figures"]  # the real release, with its figures
    assert json.loads(tracker("deliveries", "--json").stdout) == []  # tests skip the outbox
