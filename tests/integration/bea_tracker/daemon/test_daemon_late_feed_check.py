"""Issue 12: a feed item that arrives after its page is compared then.

The burst probe finds the page first (alerted from the page: no feed to compare yet); a
few seconds later the feed gains the item, whose ``<data>`` says +1.4 where the page says
+1.5. That raises one source_problem, worded as a correction, and it reaches the release's
subscribers too: never a silent pass."""

from __future__ import annotations

import dataclasses

from bea_tracker.demo.localbea import synthetic_gdp_release
from bea_tracker.demo.localbea.publication import synthetic_item
from tests.support.daemon import query, wait_for_heartbeat, whole_second

FEED_LAG = 8  # seconds; BEA's real lag is ~90 s
TEMPLATE = "GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026"


def test_a_late_feed_item_that_disagrees_is_a_correction(
        configure, baseline, bea, smtp, hooks, daemons, tracker_json, db_file):
    configure(idle_interval="2s")  # so the daemon sees the feed change soon after it
    starts = whole_second(6)
    release = synthetic_gdp_release(starts, seq=4)
    item = synthetic_item(TEMPLATE, title=release.title, path=release.path, vintage="",
                          db_id="", current=("Q2 2026", "+1.4"), previous=("Q1 2026", "+2.1"))
    release = dataclasses.replace(release, item_xml=item)
    bea.schedule_with([release.event(starts)], keep_real=True)
    publication = bea.publish(release, at=starts, feed_delay=FEED_LAG)
    daemon = daemons()

    first = hooks.wait_for(1, timeout=60)[0]
    assert first.received_at < publication.feed_at  # from the page, before the feed
    event = first.json["events"][0]
    assert event["kind"] == "new_release"
    assert event["checks"] == {"feed": "not available", "home_page": "agree"}

    calls = hooks.wait_for(2, timeout=FEED_LAG + 60)
    mails = smtp.wait_for(2, timeout=30)
    correction = calls[1].json["events"][0]
    assert correction["kind"] == "source_problem" and correction["correction"] is True
    assert correction["message"].startswith(f"Correction to the alert for {release.title}")
    assert "the feed's <data> gives real_gdp 2026Q2 = 1.4" in correction["message"]
    assert mails[1].message["Subject"].startswith("BEA correction: Correction to the alert")

    wait_for_heartbeat(db_file, daemon)  # nothing more: one problem, one alert each
    assert len(hooks.calls) == 2 and len(smtp.messages) == 2
    assert query(db_file, "SELECT count(*) FROM events WHERE kind = 'source_problem'") == [
        (1,)]
    shown = tracker_json("show", bea.url(release.path), "--json")
    assert shown["checks"] == {"feed": "disagree", "home_page": "agree"}
