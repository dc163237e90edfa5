"""A release scheduled a few seconds ahead is found by burst polling and alerted once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.support.backends import BACKENDS
from tests.support.daemon import parse_time, query, wait_for_heartbeat, whole_second


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The daemon's release path runs on SQLite and on a real PostgreSQL server."""
    return request.param


BURST_AFTER = timedelta(seconds=60)  # conftest.FAST_POLLING


def test_scheduled_release_is_alerted_in_its_burst_window_once_per_subscriber(
        baseline, bea, smtp, hooks, daemons, tracker_json, db_file):
    starts = whole_second(7)
    release = synthetic_gdp_release(starts, seq=1)
    bea.schedule_with([release.event(starts)], keep_real=True)
    # BEA's feed gains the item ~90 s after the page: this test ends before that
    publication = bea.publish(release, at=starts, feed_delay=90)
    daemon = daemons()

    hook = hooks.wait_for(1, timeout=60)[0]
    mail = smtp.wait_for(1, timeout=30)[0]
    for arrived in (hook.received_at, mail.received_at):
        assert publication.page_at <= arrived <= starts + BURST_AFTER
    event = hook.json["events"][0]
    assert (hook.name, event["kind"]) == ("ops", "new_release")
    assert event["release"]["title"] == release.title
    assert mail.rcpt_tos == ["economist@example.com"]
    assert "GDP" in mail.message["Subject"]

    # a few more burst ticks and polls: nothing arrives twice
    wait_for_heartbeat(db_file, daemon)
    assert len(hooks.calls) == 1 and len(smtp.messages) == 1
    assert query(db_file, "SELECT status, count(*) FROM outbox GROUP BY status") == [("sent", 2)]

    # the burst ended once the page was found: no probe after its first 200
    page_requests = bea.log.records(release.path)
    statuses = [r.status for r in page_requests]
    assert statuses[-1] == 200 and statuses.count(200) == 1, statuses
    assert set(statuses[:-1]) <= {404}

    info = tracker_json("status", "--json")
    assert info["daemon"]["alive"] and info["daemon"]["pid"] == daemon.pid
    assert info["outbox"]["sent"] == 2
    last = info["last_release_latency"]
    assert last["title"] == release.title
    assert parse_time(last["scheduled_at"]) == starts
    assert daemon.running
