"""The daemon's life: conditional idle polls, status while running, SIGTERM, one instance."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import httpx
import pytest
from daemon_support import BEA_TRACKER, parse_time, wait_until


@pytest.fixture
def validators_sent(bea) -> list[tuple[str, str | None, str | None]]:
    """(path, If-None-Match, If-Modified-Since) of every request to the local BEA.

    LocalBea's request log says whether a request was conditional, not with which header;
    this wraps its (private) responder to see the headers themselves.
    """
    seen: list[tuple[str, str | None, str | None]] = []
    site = bea._site
    respond = site.respond

    def recording(method, path, headers):  # noqa: ANN001, ANN202 - Site.respond's signature
        seen.append((path, headers.get("If-None-Match"), headers.get("If-Modified-Since")))
        return respond(method, path, headers)

    site.respond = recording
    return seen


def test_idle_polls_are_conditional_gets_answered_304(configure, bea, daemons,
                                                      validators_sent):
    configure(idle_interval="1s")
    feed_path = urlsplit(bea.feed_url).path
    daemon = daemons()  # empty database: its first poll records the feed as history
    polls = wait_until(lambda: len(r := bea.log.records(feed_path)) >= 5 and r,
                       45, "five feed polls", daemon)
    first, *idle = polls
    assert first.status == 200 and not first.conditional
    assert [(r.status, r.conditional) for r in idle] == [(304, True)] * len(idle)
    sent = [inm for path, inm, _ in validators_sent if path == feed_path][:len(polls)]
    with httpx.Client() as client:
        etag = client.get(bea.feed_url).headers["ETag"]
    assert sent[0] is None and set(sent[1:]) == {etag}
    assert daemon.log_text().count("idle poll: feed: 304 not modified") >= len(idle) - 1


def test_status_while_running_shows_alive_pid_last_poll_and_outbox(configure, daemons,
                                                                   tracker_json, subscribers):
    configure(idle_interval="1s")
    daemon = daemons()
    daemon.wait_started()

    def polled():
        info = tracker_json("status", "--json")
        return info if info["last_poll"] and info["daemon"].get("heartbeat_at") else None

    info = wait_until(polled, 30, "status with a poll and a heartbeat", daemon)
    now = datetime.now(timezone.utc)
    d = info["daemon"]
    assert (d["alive"], d["pid"], d["state"]) == (True, daemon.pid, "running")
    assert now - parse_time(d["heartbeat_at"]) < timedelta(seconds=30)
    poll = info["last_poll"]
    assert now - parse_time(poll["at"]) < timedelta(seconds=30)
    assert poll["status"] in (200, 304) and isinstance(poll["not_modified"], bool)
    assert poll["error"] is None
    assert info["outbox"] == {"pending": 0, "sending": 0, "sent": 0, "dead": 0}
    assert d["last_error"] is None

    code, _ = daemon.terminate()
    assert code == 0
    stopped = tracker_json("status", "--json")["daemon"]
    assert (stopped["alive"], stopped["state"]) == (False, "stopped")


def test_sigterm_exits_zero_within_ten_seconds(daemons, tracker_json):
    daemon = daemons()
    daemon.wait_started()
    wait_until(lambda: "idle poll" in daemon.log_text(), 30, "the first poll", daemon)
    code, seconds = daemon.terminate(timeout=30)
    assert code == 0, daemon.tail()
    assert seconds < 10
    assert "daemon stopped" in daemon.log_text()
    assert not tracker_json("status", "--json")["daemon"]["alive"]


def test_second_instance_on_the_same_database_exits_2(config_path, daemons, tracker_json):
    first = daemons()
    first.wait_started()
    second = subprocess.run([BEA_TRACKER, "--config", str(config_path), "run"],
                            capture_output=True, text=True, timeout=60)
    assert second.returncode == 2
    message = second.stderr.strip().splitlines()[-1]
    assert "another bea-tracker daemon is running on this database" in message
    assert f"pid {first.pid}" in message
    assert first.running
    assert tracker_json("status", "--json")["daemon"]["pid"] == first.pid
