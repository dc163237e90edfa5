"""The first poll into an empty database is a baseline; the next one is a conditional GET.

Drives ``bea-tracker poll --once`` (a child process) against the local BEA serving BEA's
real feed (48 items) and calendar, then reads the database it wrote. Both polls run once
for the module (fixture ``baseline_done``).
"""

from __future__ import annotations

from sqlalchemy import func, select

from bea_tracker.demo.localbea import data
from db.models import ScheduleRow, Snapshot

FEED_ITEMS = 48  # PROVENANCE.md: rss-2026-09-13.xml holds 48 <item>s
GDP_SECOND = "/news/2026/gdp-second-estimate-and-corporate-profits-2nd-quarter-2026"
TRADE_JULY = "/news/2026/us-international-trade-goods-and-services-july-2026"


def test_first_poll_exits_0_and_says_baseline(baseline_done):
    first = baseline_done.first
    assert first.code == 0, first.output
    assert "48 items, 48 new or changed (baseline: recorded, not alerted)" in first.stdout


def test_every_feed_item_becomes_a_release(baseline_done):
    assert baseline_done.first_counts[0] == FEED_ITEMS


def test_baseline_events_are_marked_baseline(baseline_done):
    events = baseline_done.events()
    assert len([e for e in events if e.kind == "new_release"]) == FEED_ITEMS
    # revisions: older items' figures restated by newer ones (their descriptions, e.g. CNMI
    # real GDP 2018 -19.6 -> -19.3 in the 2019 release), recorded quietly like the rest
    assert {e.kind for e in events} <= {"new_release", "schedule_change", "revision"}
    assert all(e.baseline for e in events)  # the first schedule is a baseline too


def test_baseline_fetches_no_release_page(baseline_done):
    first = baseline_done.first_requests
    assert sorted((r.path, r.status, r.conditional) for r in first) == sorted([
        (data.SCHEDULE_ICS_PATH, 200, False), (data.FEED_PATH, 200, False),
        (data.SCHEDULE_PATH, 200, False)])  # the table: its "To Be Rescheduled" rows
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
        count = session.scalar(select(func.count()).select_from(ScheduleRow))
    assert count == 119  # PROVENANCE.md: 119 VEVENTs in the ICS capture


def test_second_poll_is_conditional(baseline_done):
    second = baseline_done.second
    assert second.code == 0, second.output
    assert "feed: 304 not modified" in second.stdout
    assert "schedule: 304 not modified" in second.stdout
    second_requests = baseline_done.bea.log.records()
    assert sorted((r.path, r.status, r.conditional) for r in second_requests) == sorted([
        (data.SCHEDULE_ICS_PATH, 304, True), (data.FEED_PATH, 304, True),
        (data.SCHEDULE_PATH, 304, True)])


def test_second_poll_sent_the_stored_etag(baseline_done):
    validators = baseline_done.poll_log(data.FEED_PATH)
    assert [(p.status, p.not_modified) for p in validators] == [(200, False), (304, True)]
    assert validators[0].etag and validators[1].etag == validators[0].etag


def test_second_poll_adds_nothing(baseline_done):
    assert (len(baseline_done.releases()), len(baseline_done.events())) == \
        baseline_done.first_counts
