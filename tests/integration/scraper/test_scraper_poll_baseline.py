"""The first poll into an empty database is a baseline; the next one is a conditional GET.

Drives ``bea-tracker poll --once`` (a child process) against the local BEA serving BEA's
real feed (48 items) and calendar, then reads the database it wrote.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bea_tracker.localbea import data
from db.models import ScheduleEventRow, Snapshot

FEED_ITEMS = 48  # PROVENANCE.md: rss-2026-09-13.xml holds 48 <item>s
GDP_SECOND = "/news/2026/gdp-second-estimate-and-corporate-profits-2nd-quarter-2026"
TRADE_JULY = "/news/2026/us-international-trade-goods-and-services-july-2026"


def test_first_poll_exits_0_and_says_baseline(baseline_done):
    first = baseline_done.first
    assert first.code == 0, first.output
    assert "48 items, 48 new or changed (baseline: recorded, not alerted)" in first.stdout


def test_every_feed_item_becomes_a_release(baseline_done):
    assert len(baseline_done.releases()) == FEED_ITEMS


def test_baseline_events_are_marked_baseline(baseline_done):
    events = baseline_done.events()
    assert len([e for e in events if e.kind == "new_release"]) == FEED_ITEMS
    assert {e.kind for e in events} == {"new_release", "schedule_change"}
    assert all(e.baseline for e in events)  # the first schedule is a baseline too


def test_baseline_fetches_no_release_page(baseline_done):
    asked = {r.path for r in baseline_done.bea.log.records()}
    assert asked == {data.FEED_PATH, data.SCHEDULE_ICS_PATH}  # not even robots.txt
    with baseline_done.db.session() as session:
        kinds = set(session.scalars(select(Snapshot.kind)))
    assert kinds == {"feed_item"}


def test_baseline_keeps_the_figures_of_the_feed_items(baseline_done):
    gdp = baseline_done.figure(GDP_SECOND, "real_gdp", "2026Q2")
    assert (gdp["value"], gdp["prior_value"], gdp["unit"]) == (1.5, 2.1, "percent_saar")
    trade = baseline_done.figure(TRADE_JULY, "trade_balance", "2026-07")
    assert (trade["value"], trade["unit"]) == (-88.6, "usd_billions")


def test_latest_reads_the_baseline(baseline_done):
    latest = {row["indicator"]: row for row in baseline_done.cli_json("latest")}
    assert latest["trade_balance"]["value"] == -88.6
    assert latest["real_gdp"]["value"] == 1.5


def test_schedule_is_stored_from_the_calendar(baseline_done):
    with baseline_done.db.session() as session:
        count = session.scalar(select(func.count()).select_from(ScheduleEventRow))
    assert count == 119  # PROVENANCE.md: 119 VEVENTs in the ICS capture


def test_second_poll_is_conditional_and_adds_nothing(tracker):
    assert tracker.poll("--schedule").code == 0
    releases, events = len(tracker.releases()), len(tracker.events())
    assert not tracker.bea.log.records(data.FEED_PATH)[0].conditional
    tracker.bea.log.clear()

    second = tracker.poll("--schedule")

    assert second.code == 0, second.output
    assert "feed: 304 not modified" in second.stdout
    assert "schedule: 304 not modified" in second.stdout
    assert tracker.bea.log.count(data.FEED_PATH, status=304, conditional=True) == 1
    assert tracker.bea.log.count(data.SCHEDULE_ICS_PATH, status=304, conditional=True) == 1
    assert tracker.bea.log.count() == 2  # nothing else was fetched
    assert len(tracker.releases()) == releases
    assert len(tracker.events()) == events
    feed_polls = tracker.poll_log(data.FEED_PATH)
    assert [p.status for p in feed_polls] == [200, 304]
    assert feed_polls[-1].not_modified and feed_polls[-1].error is None
