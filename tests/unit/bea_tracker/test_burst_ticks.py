"""Burst ticks: the page probed every second in the minute after the scheduled time and
every burst_interval before and after; the feed every burst_interval throughout."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bea_tracker.daemon.bursts import BurstTicks

T = datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc)


def run(start: float, end: float) -> tuple[list[float], list[float]]:
    """Tick every second (a quarter second late, as the daemon does) from T+start to
    T+end; the offsets (s from T) at which it probed and polled the feed."""
    ticks = BurstTicks(T, interval=5, dense_interval=1, dense_for=60)
    probes, feeds = [], []
    at = start + 0.25
    while at < end:
        probe, feed = ticks.due(T + timedelta(seconds=at))
        if probe:
            probes.append(at - 0.25)
        if feed:
            feeds.append(at - 0.25)
        at += 1
    return probes, feeds


def test_dense_in_the_minute_after_the_scheduled_second_sparse_around_it():
    probes, feeds = run(-60, 180)

    assert [p for p in probes if p < 0] == list(range(-60, 0, 5))
    assert [p for p in probes if 0 <= p < 60] == list(range(0, 60))  # every second
    assert [p for p in probes if p >= 60] == list(range(64, 180, 5))  # 5 s after the last
    assert feeds == list(range(-60, 180, 5))  # the feed lags the page: never dense


def test_a_page_live_at_its_second_is_probed_within_a_quarter_second():
    probes, _ = run(-10, 3)
    assert 0 in probes  # the tick at T+0.25 s

