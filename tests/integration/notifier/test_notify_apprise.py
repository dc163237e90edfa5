"""Apprise delivering for real: Apprise's ``json://`` URL pointed at the local webhook sink,
driven through the CLI like the other channels."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.support.cli import run_cli

PASSWORD = "pw-9f3c2a7e"  # the URL's secret parts: they must show up nowhere
TOKEN = "tok-52ab88d1"


@pytest.fixture
def config_path(write_config, bea, smtp) -> Path:
    """Retries fall due at once (backoff 1 ms), and the second failure is the last."""
    return write_config({
        "bea": bea.config(),
        "smtp": {"host": smtp.host, "port": smtp.port, "from": "alerts@bea-tracker.test",
                 "timeout": "5s"},
        "polling": {"timeout": "5s"},
        "delivery": {"backoff": "1ms", "backoff_max": "1ms", "max_attempts": 2, "lease": "3s"},
    })


def apprise_url(hooks, token: str = TOKEN) -> str:
    return f"json://bea:{PASSWORD}@{hooks.host}:{hooks.port}/hooks/{token}"


def no_secret(*texts: str) -> bool:
    """No line of the tracker's output or log holds a secret part of the URL (the receiver,
    which runs in this process and logs the path it was called on, excepted)."""
    leaks = [line for t in texts for line in t.splitlines()
             if (PASSWORD in line or TOKEN in line) and "bea_tracker.demo.sinks" not in line]
    assert leaks == []
    return True


def publish_and_poll(tracker, bea):
    tracker("poll", "--once")  # baseline: the feed's items are history
    release = synthetic_gdp_release(datetime.now(timezone.utc), seq=1)
    bea.publish(release)
    tracker("poll", "--once", "--no-schedule")
    return release


def test_apprise_alert_arrives_once_with_the_same_title_and_body(tracker, bea, hooks, smtp):
    added = tracker("subscribe", "add", "--apprise", apprise_url(hooks), "--name", "ntfy-ish")
    assert f"apprise json://{hooks.host}:{hooks.port}/\u2026" in added.stdout
    tracker("subscribe", "add", "--email", "economist@example.com")
    listed = tracker("subscribe", "list", "--json").stdout
    assert json.loads(listed)[0]["kind"] == "apprise"
    release = publish_and_poll(tracker, bea)

    result = tracker("--log-level", "DEBUG", "notify", "--once")
    assert "delivered 2" in result.stdout, result.stderr
    call = hooks.wait_for(1, timeout=10)[0]
    mail = smtp.wait_for(1, timeout=10)[0].message
    assert call.name == TOKEN and call.headers["authorization"].startswith("Basic ")
    assert call.json["title"] == mail["Subject"] and "+1.5%" in call.json["title"]
    mail_text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert call.json["message"].strip() == mail_text.strip()
    assert release.title in call.json["message"]

    assert "delivered 0" in tracker("notify", "--once").stdout
    assert len(hooks.calls) == 1
    shown = [tracker("subscribe", "list").stdout, tracker("deliveries").stdout]
    assert no_secret(added.stdout, added.stderr, listed, result.stdout, result.stderr, *shown)


def test_failing_target_is_retried_then_dead_lettered_without_leaking(tracker, bea, hooks):
    tracker("subscribe", "add", "--apprise", apprise_url(hooks))
    publish_and_poll(tracker, bea)
    hooks.respond(500, body=f"upstream broke for {TOKEN}", times=2)

    first = tracker("--log-level", "DEBUG", "notify", "--once")
    assert "will retry 1" in first.stdout, first.stderr
    pending = json.loads(tracker("deliveries", "--json").stdout)[0]
    assert pending["status"] == "pending" and "500" in pending["last_error"]
    second = tracker("--log-level", "DEBUG", "notify", "--once")
    assert "dead 1" in second.stdout, second.stderr
    dead = json.loads(tracker("deliveries", "--status", "dead", "--json").stdout)
    assert len(dead) == 1 and "apprise JSON" in dead[0]["last_error"]
    assert "giving up" in second.stderr
    assert no_secret(first.stdout, first.stderr, second.stdout, second.stderr,
                     json.dumps(pending), json.dumps(dead))

    tracker("deliveries", "retry", str(dead[0]["id"]))
    assert "delivered 1" in tracker("notify", "--once").stdout
    assert len(hooks.wait_for(1, accepted_only=True, timeout=10)) == 1


def test_a_client_error_from_the_service_is_dead_at_once(tracker, bea, hooks):
    tracker("subscribe", "add", "--apprise", apprise_url(hooks))
    publish_and_poll(tracker, bea)
    hooks.respond(404)
    assert "dead 1" in tracker("notify", "--once").stdout


def test_a_url_apprise_does_not_accept_exits_2_without_echoing_it(tracker):
    # Apprise's own error line for this URL would show "private-words" (it masks only
    # tokens that look random)
    bad = tracker("--log-level", "DEBUG", "subscribe", "add", "--apprise",
                  "nosuchservice://private-words@example.org/x", check=False)
    assert bad.returncode == 2 and "not a URL Apprise accepts" in bad.stderr
    assert "nosuchservice://" in bad.stderr and "private-words" not in bad.stderr
    assert json.loads(tracker("subscribe", "list", "--json").stdout) == []


def test_without_the_extra_the_option_names_it(config_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "apprise", None)  # import apprise -> ImportError
    result = run_cli("subscribe", "add", "--apprise", "json://127.0.0.1:9/hooks/x",
                     config=config_path, catch_exceptions=True)
    assert result.exit_code == 2
    assert "pip install 'bea-tracker[apprise]'" in result.stderr
