"""A scheduled release that never appears becomes one source_problem alert."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.support.daemon import query, whole_second
from tests.support.waiting import wait_until

BURST_AFTER = 6  # seconds (BEA: 15 minutes)


def test_missing_release_becomes_one_source_problem_after_burst_after(
        configure, tracker, bea, hooks, daemons, db_file):
    configure(burst_after=f"{BURST_AFTER}s", idle_interval="2s")
    tracker("subscribe", "add", "--webhook", hooks.url_for("problems"), "--source-problems")
    starts = whole_second(5)
    missing = synthetic_gdp_release(starts, seq=4)
    bea.schedule_with([missing.event(starts)], keep_real=True)  # scheduled, never published
    daemon = daemons()
    feed_path = urlsplit(bea.feed_url).path

    call = hooks.wait_for(1, timeout=60)[0]
    assert call.received_at >= starts + timedelta(seconds=BURST_AFTER)
    assert call.json["kind"] == "source_problem"
    event = call.json["events"][0]
    assert event["kind"] == "source_problem"
    assert missing.title in event["message"]
    assert bea.log.count(missing.path, status=404) >= BURST_AFTER  # probed throughout

    polls = bea.log.count(feed_path)
    wait_until(lambda: bea.log.count(feed_path) >= polls + 2, 30, "two more idle polls",
               daemon)  # polls go on; the watchdog has fired: nothing more
    assert len(hooks.calls) == 1
    assert query(db_file, "SELECT count(*) FROM events WHERE kind = 'source_problem'") == [(1,)]
    assert daemon.running
