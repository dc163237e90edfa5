"""Burst planning: which scheduled releases need burst polling, and whether one appeared.

The planning and the matching are pure (records in, records out); the two functions that
touch the database say what they write: :func:`mark_if_appeared` and
:func:`report_missing`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from db.events import append_event
from db.records import EVENT_SOURCE_PROBLEM, ReleaseSummary, ScheduledRelease
from db.releases import mark_scheduled, releases_created_since
from db.session import Session
from scraper.probe import ProbeTarget, release_title, title_matches

# a release stored this long before its window opened still counts as that window's
LOOKBACK = timedelta(hours=12)
# windows whose watchdogs fire within this of the first missing one make one alert
MISSING_GROUP = timedelta(minutes=1)
MISSING_LISTED = 40  # titles named in one grouped alert; the rest are counted


@dataclass(frozen=True)
class BurstWindow:
    schedule_id: int
    title: str  # as BEA will title the release page
    starts_at: datetime
    opens_at: datetime
    closes_at: datetime

    @property
    def job_id(self) -> str:
        return f"burst:{self.schedule_id}:{int(self.starts_at.timestamp())}"

    @property
    def target(self) -> ProbeTarget:
        return ProbeTarget(self.title, self.starts_at)


def plan_windows(scheduled: Iterable[ScheduledRelease], before: timedelta,
                 after: timedelta) -> list[BurstWindow]:
    """One burst window per stored scheduled release, from ``before`` its time to
    ``after`` it."""
    return [
        BurstWindow(
            schedule_id=event.schedule_id,
            title=release_title(event.title, event.period),
            starts_at=event.starts_at,
            opens_at=event.starts_at - before,
            closes_at=event.starts_at + after,
        )
        for event in scheduled
        if event.schedule_id is not None
    ]


def appeared_release(window: BurstWindow, candidates: Iterable[ReleaseSummary],
                     base_url: str) -> ReleaseSummary | None:
    """The stored release that is ``window``'s: at the predicted URL, or titled alike."""
    predicted = window.target.url(base_url)
    for release in candidates:
        if release.url == predicted or title_matches(window.title, release.title):
            return release
    return None


def mark_if_appeared(session: Session, window: BurstWindow, base_url: str) -> bool:
    """True if the release for ``window`` is stored (found by the page probe or the feed);
    then also writes its scheduled time, for the latency log."""
    candidates = releases_created_since(session, window.opens_at - LOOKBACK)
    release = appeared_release(window, candidates, base_url)
    if release is None:
        return False
    mark_scheduled(session, release.id, window.starts_at)
    return True


def report_missing(session: Session, windows: Sequence[BurstWindow]) -> int | None:
    """One source_problem for scheduled releases that have not appeared by their windows'
    ends: windows closing together (30 phantom calendar entries in one minute) make one
    alert listing them all, not one each."""
    if not windows:
        return None
    windows = sorted(windows, key=lambda w: (w.starts_at, w.title))
    seconds = (windows[0].closes_at - windows[0].starts_at).total_seconds()
    late = f"{round(seconds / 60)} minutes" if seconds >= 120 else f"{round(seconds)} s"
    if len(windows) == 1:
        window = windows[0]
        key = f"missing:{window.job_id}"
        message = (f"{window.title}, scheduled for {window.starts_at.isoformat()}, has not "
                   f"appeared on BEA's feed or its page {late} later")
    else:
        ids = ",".join(w.job_id for w in windows)
        key = f"missing:{len(windows)}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"
        shown = [f"{w.title} ({w.starts_at.isoformat()})" for w in windows[:MISSING_LISTED]]
        more = len(windows) - len(shown)
        message = (f"{len(windows)} scheduled releases have not appeared on BEA's feed or "
                   f"their pages {late} after their time: " + "; ".join(shown)
                   + (f"; and {more} more" if more else ""))
    return append_event(session, EVENT_SOURCE_PROBLEM, key,
                        payload={"source": "schedule", "message": message,
                                 "missing": [w.title for w in windows]})


@dataclass
class SharedFeed:
    """When any burst last polled the feed: windows open at the same time (BEA often
    publishes two releases at 8:30) share one feed poll instead of each polling it."""

    last: datetime | None = None


# After the dense seconds, the page is probed more and more sparsely (a release late by
# minutes is rare, and one that never appears must not cost BEA hundreds of requests):
# (seconds since the scheduled time until which, probe every so many burst_intervals).
# With the default 5 s: every 5 s to T+60 s, 15 s to T+3 min, 1 min to T+5 min, then 2 min.
PROBE_BACKOFF = ((60.0, 1.0), (180.0, 3.0), (300.0, 12.0), (float("inf"), 24.0))
# The feed lags the page by one to two minutes: polled sparsely in the first minute, most
# often while the lagging feed item is due (the only way to find a release whose URL the
# title rule cannot predict), then sparsely. Default: 15 s, 10 s to T+3 min, 1 min, 2 min.
FEED_BACKOFF = ((60.0, 3.0), (180.0, 2.0), (300.0, 12.0), (float("inf"), 24.0))


def _every(since: float, steps: tuple[tuple[float, float], ...]) -> float:
    return next(times for until, times in steps if since < until)


@dataclass
class BurstTicks:
    """What one burst tick does: probe the predicted page, poll the feed, or both.

    BEA publishes a scheduled release at its second, so the page is probed every
    ``dense_interval`` for ``dense_for`` from the scheduled time, then less and less often
    (``PROBE_BACKOFF``); never before the scheduled time (BEA does not publish early). The
    feed is polled once when the window opens and then on ``FEED_BACKOFF`` from the
    scheduled time, its last poll shared by every burst (``SharedFeed``). The daemon ticks
    every ``tick``; a tick with nothing due asks BEA nothing, and once the release is
    stored the burst ends. (Pure: the daemon keeps one per burst.)

    ``interval`` (polling.burst_interval) is the unit of both backoffs: the first probe
    step after the dense seconds, and what the later steps are multiples of.
    """

    starts_at: datetime
    interval: float
    dense_interval: float
    dense_for: float
    last_probe: datetime | None = None
    feed: SharedFeed = field(default_factory=SharedFeed)

    @property
    def tick(self) -> float:
        return min(self.interval, self.dense_interval)

    @property
    def last_feed(self) -> datetime | None:
        return self.feed.last

    def probe_every(self, since: float) -> float | None:
        """Seconds between probes ``since`` seconds after the scheduled time (None: none)."""
        if since < 0:
            return None
        if since < self.dense_for:
            return self.dense_interval
        return self.interval * _every(since, PROBE_BACKOFF)

    def feed_every(self, since: float) -> float:
        """Seconds between feed polls ``since`` seconds after the scheduled time; before
        it, only the window's first tick polls."""
        if since < 0:
            return float("inf")
        return self.interval * _every(since, FEED_BACKOFF)

    def due(self, now: datetime) -> tuple[bool, bool]:
        """(probe, poll the feed) at ``now``; records what it says is due."""
        since = (now - self.starts_at).total_seconds()
        slack = self.tick / 4  # timers fire a little late or early
        every = self.probe_every(since)
        probe = every is not None and (
            self.last_probe is None or
            (now - self.last_probe).total_seconds() >= every - slack or
            self.last_probe < self.starts_at <= now)  # the scheduled second is always probed
        last_feed = self.feed.last
        feed = last_feed is None or (
            (now - last_feed).total_seconds() >= self.feed_every(since) - slack or
            last_feed < self.starts_at <= now)  # and the feed when it comes
        if probe:
            self.last_probe = now
        if feed:
            self.feed.last = now
        return probe, feed
