"""The daemon's burst jobs: for each scheduled release, a job that probes the predicted page
and polls the feed around its time (bursts.BurstTicks says when), ended once the release has
appeared, and a watchdog at the window's end; windows closing together that never appeared
make one report (bursts.report_missing).

A mixin of :class:`bea_tracker.daemon.service.Daemon`, kept apart so that the service is the
lifecycle and this is the scheduling around BEA's calendar.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bea_tracker.daemon.bursts import (
    MISSING_GROUP,
    MISSING_LISTED,
    BurstTicks,
    BurstWindow,
    SharedFeed,
    mark_if_appeared,
    plan_windows,
    report_missing,
)
from db.schedule_store import upcoming_events
from db.types import utcnow
from scraper.page_store import PageSink
from scraper.probe import probe_release

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bea_tracker.config import AppConfig
    from bea_tracker.daemon.metrics import Metrics
    from db.session import Database
    from scraper.fetch import FetchClient
    from scraper.poller import Poller

logger = logging.getLogger(__name__)

PLAN_HORIZON = timedelta(days=8)


class BurstJobs:
    """Burst polling, watchdogs and the grouped "has not appeared" report."""

    config: AppConfig
    db: Database
    scheduler: AsyncIOScheduler
    client: FetchClient
    poller: Poller
    metrics: Metrics
    state: dict[str, Any]
    _wake: asyncio.Event
    _probed: dict[str, float]
    _missing: list[BurstWindow]
    _burst_feed: SharedFeed

    def _tracked(self, func: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        raise NotImplementedError

    async def poll_feed(self, reason: str) -> None:
        raise NotImplementedError

    async def plan_bursts(self) -> None:
        polling = self.config.polling
        now = utcnow()

        before = timedelta(seconds=polling.burst_before)
        after = timedelta(seconds=polling.burst_after)

        def windows() -> list[BurstWindow]:
            with self.db.session() as session:
                scheduled = upcoming_events(session, now - after, now + PLAN_HORIZON)
            return plan_windows(scheduled, before, after)

        planned = {w.job_id: w for w in await asyncio.to_thread(windows)}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(("burst:", "watchdog:")) and \
                    job.id.split(":", 1)[1] not in {k.split(":", 1)[1] for k in planned}:
                job.remove()  # the release moved or left the schedule
        for job_id, window in planned.items():
            watchdog_id = "watchdog:" + job_id.split(":", 1)[1]
            # a burst that ended early (the release appeared) leaves its watchdog behind
            if self.scheduler.get_job(job_id) is None and \
                    self.scheduler.get_job(watchdog_id) is None:
                self._add_burst(window, now)

    def _add_burst(self, window: BurstWindow, now: datetime) -> None:
        polling = self.config.polling
        ticks = BurstTicks(window.starts_at, polling.burst_interval,
                           polling.burst_dense_interval, polling.burst_dense_for,
                           feed=self._burst_feed)
        # ticks fall a quarter tick after the whole seconds, so the tick after the
        # scheduled second finds a page that went live at that second
        start = max(window.opens_at, now) + timedelta(seconds=ticks.tick / 4)
        self.scheduler.add_job(
            self._tracked(self.burst_poll), IntervalTrigger(
                seconds=ticks.tick, start_date=start, end_date=window.closes_at),
            args=[window, ticks], id=window.job_id)
        self.scheduler.add_job(
            self._tracked(self.watchdog), DateTrigger(run_date=window.closes_at),
            args=[window], id="watchdog:" + window.job_id.split(":", 1)[1])
        logger.info("burst polling planned for %s at %s", window.title,
                    window.starts_at.isoformat())

    async def burst_poll(self, window: BurstWindow, ticks: BurstTicks) -> None:
        probe, feed = ticks.due(utcnow())
        probe = probe and self._first_probe(window.target.url(self.config.bea.base_url),
                                            ticks.tick)
        if not (probe or feed) or await self._appeared(window):
            return
        self.state["bursts"] = [window.title]
        if probe and self.config.polling.probe_predicted_urls:
            outcome = await probe_release(
                self.db, self.client, window.target, base_url=self.config.bea.base_url,
                sink=PageSink(self.db, failure_threshold=self.config.polling.failure_threshold,
                              revision_interval=self.config.polling.revision_alert_interval,
                              home=self.poller.home.lookup()),
            )
            if outcome is not None:
                self.metrics.poll("page", True)
                if outcome.event_ids:
                    self._wake.set()
        if feed:
            await self.poll_feed("burst")
        await self._appeared(window)

    def _first_probe(self, url: str | None, tick: float) -> bool:
        """False when another window probed the same predicted page within this tick."""
        now = time.monotonic()
        if url is None or now - self._probed.get(url, float("-inf")) < tick * 0.75:
            return url is None
        if len(self._probed) > 1000:
            self._probed.clear()
        self._probed[url] = now
        return True

    async def _appeared(self, window: BurstWindow) -> bool:
        def check() -> bool:
            with self.db.unit_of_work() as session:
                return mark_if_appeared(session, window, self.config.bea.base_url)

        if not await asyncio.to_thread(check):
            return False
        job = self.scheduler.get_job(window.job_id)
        if job is not None:
            job.remove()
            logger.info("%s has appeared: burst polling ends", window.title)
            self.state["bursts"] = []
        return True

    async def watchdog(self, window: BurstWindow) -> None:
        """Queue the closed window (before any await, so watchdogs firing together all
        queue first) and (re)schedule one report after the last watchdog due within
        MISSING_GROUP: windows closing together make one alert."""
        self._missing.append(window)
        group = [j.next_run_time for j in self.scheduler.get_jobs()
                 if j.id.startswith("watchdog:") and j.next_run_time is not None
                 and j.next_run_time <= window.closes_at + MISSING_GROUP]
        # a second after the last: its watchdog has run (and queued) by then
        self.scheduler.add_job(self._tracked(self.report_missing), DateTrigger(
            run_date=max([utcnow(), *group]) + timedelta(seconds=1)), id="missing-report",
            replace_existing=True)
        self.state["bursts"] = []

    async def report_missing(self) -> None:
        windows, self._missing = self._missing, []

        def check() -> list[BurstWindow]:
            with self.db.unit_of_work() as session:
                missing = [w for w in windows
                           if not mark_if_appeared(session, w, self.config.bea.base_url)]
                return missing if report_missing(session, missing) else []

        missing = await asyncio.to_thread(check) if windows else []
        if missing:
            logger.warning("%d scheduled release(s) have not appeared by the end of their "
                           "burst windows: %s", len(missing),
                           "; ".join(f"{w.title} ({w.closes_at.isoformat()})"
                                     for w in missing[:MISSING_LISTED]))
            self._wake.set()
