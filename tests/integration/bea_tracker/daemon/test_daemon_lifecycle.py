"""The daemon's life: conditional idle polls, status while running, SIGTERM, one instance."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import httpx
import pytest

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.support.cli import run_cli
from tests.support.daemon import parse_time, query, whole_second
from tests.support.waiting import wait_until


@pytest.fixture
def validators_sent(bea) -> list[tuple[str, str | None, str | None]]:
    """(path, If-None-Match, If-Modified-Since) of every request to the local BEA.

    LocalBea's request log says whether a request was conditional, not with which header;
    this wraps its (private) responder to see the headers themselves.
    """
    seen: list[tuple[str, str | None, str | None]] = []
    site = bea._site
    respond = site.respond

    def recording(method, path, headers, *rest):
        seen.append((path, headers.get("If-None-Match"), headers.get("If-Modified-Since")))
        return respond(method, path, headers, *rest)  # rest: the query, since the archive

    site.respond = recording
    return seen


def test_idle_polls_are_conditional_gets_answered_304(configure, bea, daemons,
                                                      validators_sent):
    configure(idle_interval="1s")
    feed_path = urlsplit(bea.feed_url).path
    daemon = daemons()  # empty database: its first poll records the feed as history
    polls = wait_until(lambda: len(r := bea.log.records(feed_path)) >= 4 and r,
                       45, "four feed polls", daemon)
    first, *idle = polls
    assert first.status == 200 and not first.conditional
    assert [(r.status, r.conditional) for r in idle] == [(304, True)] * len(idle)
    sent = [inm for path, inm, _ in validators_sent if path == feed_path][:len(polls)]
    with httpx.Client() as client:
        etag = client.get(bea.feed_url).headers["ETag"]
    assert sent[0] is None and set(sent[1:]) == {etag}
    assert daemon.log_text().count("idle poll: feed: 304 not modified") >= len(idle) - 1


def test_status_while_running_then_sigterm_exits_0_within_10_s(configure, daemons, db_file,
                                                                tracker, tracker_json):
    configure(idle_interval="1s")
    daemon = daemons()
    wait_until(lambda: query(db_file, "SELECT count(*) FROM poll_log WHERE kind = 'feed'")
               [0][0] >= 2 and "heartbeat_at" in query(
                   db_file, "SELECT value FROM daemon_state")[0][0],
               30, "a poll and a heartbeat", daemon, every=0.2)

    info = tracker_json("status", "--json")
    now = datetime.now(timezone.utc)
    d = info["daemon"]
    assert (d["alive"], d["pid"], d["state"]) == (True, daemon.pid, "running")
    assert now - parse_time(d["heartbeat_at"]) < timedelta(seconds=30)
    poll = info["last_poll"]
    assert now - parse_time(poll["at"]) < timedelta(seconds=30)
    assert (poll["status"], poll["not_modified"], poll["error"]) == (304, True, None)
    assert info["outbox"] == {"pending": 0, "sending": 0, "sent": 0, "dead": 0}
    assert d["last_error"] is None

    code, seconds = daemon.terminate(timeout=30)
    assert code == 0, daemon.tail()
    assert seconds < 10
    assert "daemon stopped" in daemon.log_text()
    assert "Traceback" not in daemon.log_text()
    after = tracker("status", "--json", check=False)
    assert after.returncode == 1  # status is a health check: a stopped daemon fails it
    assert "error: the daemon is not running" in after.stderr
    stopped = json.loads(after.stdout)["daemon"]
    assert (stopped["alive"], stopped["state"]) == (False, "stopped")


def test_sigterm_during_a_hanging_send_exits_0_within_10_s_and_the_alert_is_retried(
        configure, subscribe, baseline, bea, hooks, daemons, db_file):
    # a send allowed to run longer than the stop grace (8 s); its lease is longer still
    configure(timeout="20s", delivery={"lease": "20s", "send_deadline": "18s"})
    hooks.respond(200, delay=60, name="ops")  # the receiver hangs on the first alert
    starts = whole_second(3)
    release = synthetic_gdp_release(starts, seq=5)
    bea.schedule_with([release.event(starts)], keep_real=True)
    bea.publish(release, at=starts, feed_delay=3600)
    daemon = daemons()
    wait_until(lambda: query(db_file, "SELECT count(*) FROM outbox WHERE status = 'sending'")
               == [(1,)], 60, "the webhook send to start", daemon)

    code, seconds = daemon.terminate(timeout=30)
    assert code == 0, daemon.tail()
    assert seconds < 10
    assert query(db_file, "SELECT status FROM outbox o JOIN subscriptions s ON "
                          "s.id = o.subscription_id WHERE s.kind = 'webhook'") == [("sending",)]

    daemons().wait_started()  # the lease (20 s) runs out and the send is retried
    call = hooks.wait_for(1, timeout=30, name="ops", accepted_only=True)[0]
    assert call.json["events"][0]["release"]["title"] == release.title
    wait_until(lambda: query(db_file, "SELECT DISTINCT status FROM outbox") == [("sent",)],
               30, "every row sent")


def test_second_instance_on_the_same_database_exits_2(config_path, daemons):
    first = daemons()
    first.wait_started()
    second = run_cli("run", config=config_path, timeout=60)
    assert second.returncode == 2
    message = second.stderr.strip().splitlines()[-1]
    assert "another bea-tracker daemon is running on this database" in message
    assert f"pid {first.pid}" in message
    assert first.running
