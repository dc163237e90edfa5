"""Subscription filters through the CLI: indicator, keyword, revisions, schedule changes."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.support.live import publish_and_poll


def names(hooks) -> list[str]:
    return sorted(c.name for c in hooks.calls)


def test_indicator_and_keyword_filters(tracker, bea, hooks):
    tracker("subscribe", "add", "--webhook", hooks.url_for("gdp"), "--indicator", "real_gdp")
    tracker("subscribe", "add", "--webhook", hooks.url_for("trade"),
            "--indicator", "trade_balance")
    tracker("subscribe", "add", "--webhook", hooks.url_for("kw"), "--keyword", "advance")
    tracker("subscribe", "add", "--webhook", hooks.url_for("kw-miss"), "--keyword", "tourism")
    publish_and_poll(tracker, bea)
    tracker("notify", "--once")
    assert names(hooks) == ["gdp", "kw"]


def republish_with_gdp(tracker, bea, seq: int, value: str) -> None:
    """A later release restating real GDP for Q2 2026 (synthetic edit of the real page:
    the value, and the release date moved to November so the releases follow each other
    after the feed's real second estimate of August)."""
    release = synthetic_gdp_release(datetime.now(timezone.utc), seq=seq)
    page = release.page.replace(b"annual rate of 1.5 percent", f"annual rate of {value} "
                                "percent".encode())
    page = page.replace(b"Thursday, July 30, 2026", f"Friday, November {seq}, 2026".encode())
    assert page.count(b"November") > release.page.count(b"November")
    bea.publish(dataclasses.replace(release, page=page))
    tracker("poll", "--once", "--no-schedule")


def test_revisions_with_min_change(tracker, bea, hooks):
    tracker("subscribe", "add", "--webhook", hooks.url_for("any-rev"), "--revisions",
            "--indicator", "real_gdp")
    tracker("subscribe", "add", "--webhook", hooks.url_for("big-rev"), "--min-change", "0.5")
    publish_and_poll(tracker, bea)  # first statement of Q2: 1.5
    tracker("notify", "--once")
    # no revision yet; the new release itself reaches both (neither filters content away)
    assert [c.json["kind"] for c in hooks.calls] == ["new_release", "new_release"]
    hooks.clear()

    republish_with_gdp(tracker, bea, 2, "2.5")  # +1.0: both revision subscribers
    tracker("notify", "--once")
    revisions = [c for c in hooks.calls if c.json["kind"] == "revision"]
    assert sorted(c.name for c in revisions) == ["any-rev", "big-rev"]
    moved = revisions[0].json["events"][0]["revisions"]
    assert {(r["indicator"], r["old_value"], r["new_value"]) for r in moved} >= {
        ("real_gdp", 1.5, 2.5)}
    hooks.clear()

    republish_with_gdp(tracker, bea, 3, "2.6")  # +0.1: below big-rev's threshold
    tracker("notify", "--once")
    assert [c.name for c in hooks.calls if c.json["kind"] == "revision"] == ["any-rev"]


def test_schedule_change_alerts(tracker, bea, hooks):
    tracker("subscribe", "add", "--webhook", hooks.url_for("sched"), "--schedule-changes")
    tracker("subscribe", "add", "--webhook", hooks.url_for("plain"))
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    release = synthetic_gdp_release(starts, seq=9)
    bea.schedule_with([release.event(starts)], keep_real=True)
    tracker("poll", "--once")  # first schedule: a baseline
    tracker("notify", "--once")
    assert hooks.calls == []
    bea.schedule_with([release.event(starts + timedelta(days=1))], keep_real=True)  # moved
    tracker("poll", "--once")
    tracker("notify", "--once")
    assert names(hooks) == ["sched"]
    event = hooks.calls[0].json["events"][0]
    assert event["kind"] == "schedule_change"
    assert event["schedule"]["title"] == release.event(starts).title
    assert event["previous_starts_at"] is not None
