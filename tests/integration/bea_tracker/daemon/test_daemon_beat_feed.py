"""Issue 8: the page goes live at the scheduled time, the feed gains the item later.

BEA's feed lags its pages by about 90 s (an 8:30 release's feed carried Last-Modified
08:31:48); these tests scale the lag down to keep the suite short.
"""

from __future__ import annotations

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.support.daemon import parse_time, query, wait_for_heartbeat, whole_second
from tests.support.waiting import wait_until

FEED_LAG = 15  # seconds; BEA's real lag is ~90 s


def vintage_kinds(db_file, url: str) -> set[str]:
    return {kind for (kind,) in query(
        db_file, "SELECT s.kind FROM snapshots s JOIN releases r ON r.id = s.release_id "
                 "WHERE r.url = ?", url)}


def test_page_alert_beats_the_feed_and_the_feed_item_lands_on_the_same_release(
        configure, baseline, bea, smtp, hooks, daemons, tracker_json, db_file):
    configure(idle_interval="2s")  # so the daemon sees the feed change soon after it
    starts = whole_second(6)
    release = synthetic_gdp_release(starts, seq=2)
    bea.schedule_with([release.event(starts)], keep_real=True)
    publication = bea.publish(release, at=starts, feed_delay=FEED_LAG)
    daemon = daemons()

    hook = hooks.wait_for(1, timeout=60)[0]
    mail = smtp.wait_for(1, timeout=30)[0]
    # alerted from the page, before the feed changed
    assert publication.page_at <= hook.received_at < publication.feed_at
    assert publication.page_at <= mail.received_at < publication.feed_at
    assert hook.json["events"][0]["release"]["title"] == release.title

    url = bea.url(release.path)
    wait_until(lambda: vintage_kinds(db_file, url) == {"page", "feed_item"},
               FEED_LAG + 45, "the feed item to land on the release", daemon)
    wait_for_heartbeat(db_file, daemon)  # the delivery loop had its chance to (wrongly) alert again
    assert len(hooks.calls) == 1 and len(smtp.messages) == 1
    assert query(db_file, "SELECT count(*) FROM releases WHERE title = ?",
                 release.title) == [(1,)]

    shown = tracker_json("show", url, "--json")
    assert {v["kind"] for v in shown["vintages"]} == {"page", "feed_item"}
    assert shown["title"] == release.title

    rows = [r for r in tracker_json("latency", "--json")["releases"]
            if r["title"] == release.title]
    assert len(rows) == 1
    row = rows[0]
    assert parse_time(row["scheduled_at"]) == starts
    page_seen, feed_seen = parse_time(row["page_first_seen_at"]), parse_time(
        row["feed_first_seen_at"])
    assert publication.page_at <= page_seen < publication.feed_at <= feed_seen
    assert set(row["delivered"]) == {"email", "webhook"}
    for delivered in row["delivered"].values():
        assert page_seen <= parse_time(delivered) < publication.feed_at
    assert row["page_ahead_of_feed_s"] > 0


def test_release_whose_predicted_url_404s_is_alerted_from_the_feed(
        baseline, bea, smtp, hooks, daemons, tracker_json, db_file):
    starts = whole_second(6)
    predicted = synthetic_gdp_release(starts, seq=3).path
    # a slug BEA cut short: the rule's prediction 404s throughout
    release = synthetic_gdp_release(starts, seq=3,
                                    path=predicted.removesuffix("-2nd-quarter-2026"))
    bea.schedule_with([release.event(starts)], keep_real=True)
    publication = bea.publish(release, at=starts, feed_delay=4)
    daemon = daemons()

    hook = hooks.wait_for(1, timeout=60)[0]
    smtp.wait_for(1, timeout=30)
    assert hook.received_at >= publication.feed_at
    assert hook.json["events"][0]["release"]["title"] == release.title
    probes = bea.log.records(predicted)
    assert probes and {r.status for r in probes} == {404}

    wait_for_heartbeat(db_file, daemon)  # burst ticks go on only until the release is seen:
    # still one alert each
    assert len(hooks.calls) == 1 and len(smtp.messages) == 1
    assert all(r.at < hook.received_at for r in bea.log.records(predicted))
    shown = tracker_json("show", bea.url(release.path), "--json")
    assert {v["kind"] for v in shown["vintages"]} == {"page", "feed_item"}
    assert daemon.running
