"""Burst ticks (pure, given times): the page probed every second from the scheduled second
for burst_dense_for, then backing off, never before; the feed once at the window's start,
then on its own backoff, one poll shared by bursts at the same time; and what a burst
costs BEA when its release appears at once, only in the feed, or never."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bea_tracker.config import PollingConfig
from bea_tracker.daemon.bursts import BurstTicks, SharedFeed

T = datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc)


def run(start: float, end: float, *bursts: BurstTicks) -> list[tuple[list[float], list[float]]]:
    """Tick every second (a quarter second late, as the daemon does) from T+start to
    T+end; for each burst the offsets (s from T) at which it probed and polled the feed."""
    bursts = bursts or (BurstTicks(T, interval=5, dense_interval=1, dense_for=20),)
    seen: list[tuple[list[float], list[float]]] = [([], []) for _ in bursts]
    at = start + 0.25
    while at < end:
        for ticks, (probes, feeds) in zip(bursts, seen, strict=True):
            probe, feed = ticks.due(T + timedelta(seconds=at))
            if probe:
                probes.append(at - 0.25)
            if feed:
                feeds.append(at - 0.25)
        at += 1
    return seen


def gaps(offsets: list[float], start: float, end: float) -> set[float]:
    """The intervals between successive offsets that fall in [start, end)."""
    inside = [o for o in offsets if start <= o < end]
    return {b - a for a, b in zip(inside, inside[1:], strict=False)}


def test_dense_from_the_scheduled_second_then_backing_off_never_before():
    ((probes, _),) = run(-60, 900)

    assert [p for p in probes if p < 0] == []  # BEA does not publish early
    assert [p for p in probes if p < 20] == list(range(0, 20))  # every second
    assert gaps(probes, 19, 60) == {5}
    assert gaps(probes, 59, 180) == {15}
    assert gaps(probes, 179, 300) == {60}
    assert gaps(probes, 299, 900) == {120}
    assert len(probes) == 43  # the whole window when the release never appears


def test_the_feed_at_the_window_start_then_most_often_when_its_item_is_due():
    ((_, feeds),) = run(-60, 900)

    assert feeds[:2] == [-60, 0]  # the window's first tick, then the scheduled second
    assert gaps(feeds, 0, 60) == {15}
    assert gaps(feeds, 60, 180) == {10}  # BEA's feed lists a release ~90 s after its page
    assert gaps(feeds, 170, 300) == {60}
    assert gaps(feeds, 290, 900) == {120}


def test_a_page_live_at_its_second_is_probed_within_a_quarter_second():
    ((probes, _),) = run(-10, 3)
    assert probes[0] == 0  # the tick at T+0.25 s


def test_bursts_at_the_same_time_share_each_feed_poll_and_probe_on_the_same_ticks():
    feed = SharedFeed()
    first = BurstTicks(T, interval=5, dense_interval=1, dense_for=20, feed=feed)
    second = BurstTicks(T, interval=5, dense_interval=1, dense_for=20, feed=feed)
    (probes_a, feeds_a), (probes_b, feeds_b) = run(-60, 900, first, second)

    assert probes_a == probes_b  # each probes its own page, on the same ticks
    assert feeds_b == []  # the first one's poll served both
    ((_, alone),) = run(-60, 900)
    assert feeds_a == alone


def test_a_burst_that_outlives_another_keeps_its_own_feed_rhythm():
    """Windows at different times share the clock, not the rhythm: the later one still
    polls the feed often while its own item is due."""
    feed = SharedFeed()
    early = BurstTicks(T, interval=5, dense_interval=1, dense_for=20, feed=feed)
    late = BurstTicks(T + timedelta(seconds=300), interval=5, dense_interval=1,
                      dense_for=20, feed=feed)
    _, (_, feeds_late) = run(-60, 1200, early, late)
    polls = {f for f in feeds_late if 360 <= f < 480}
    assert len(polls) >= 10  # every 10 s from its T+60 to T+180 (none taken by the other)


def count(found_after: float | None) -> int:
    """BEA requests of one burst under the default polling until the tick that finds the
    release (None: never, the whole window)."""
    cfg = PollingConfig()
    end = cfg.burst_after if found_after is None else found_after
    ((probes, feeds),) = run(-cfg.burst_before, end + 0.5, BurstTicks(
        T, cfg.burst_interval, cfg.burst_dense_interval, cfg.burst_dense_for))
    return len(probes) + len(feeds)


def test_what_a_burst_costs_bea_under_the_default_polling():
    """The budget: idle polls (288 a day) plus BEA's busiest day (three releases) stay
    under 500 requests even when none of them is found by its page probe."""
    assert count(0.25) <= 4  # live at its second: one probe, the feed at start and at T
    assert count(108) <= 45  # only the feed finds it, as BEA's feed lags (~108 s)
    assert count(None) <= 70  # never appears: (500 - 289) / 3 releases
