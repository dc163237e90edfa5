"""The daemon: one process, one asyncio loop (under Twisted's asyncio reactor) carrying
Scrapy's AsyncCrawlerRunner, the HTTP client, APScheduler's AsyncIOScheduler and the
senders.

Jobs: an idle feed poll (``polling.idle_interval``), a schedule refresh (at start, then
``polling.schedule_refresh``), and for each scheduled release a burst job polling the feed
and probing the predicted page from ``burst_before`` before to ``burst_after`` after its
time (densely in its first seconds, then backing off: bursts.BurstTicks), ended early once
the release has appeared, with a watchdog at the end. Delivery runs as soon as a poll
writes events, and whenever a retry or digest falls due. SIGTERM/SIGINT stop it cleanly.

Polling is the leader's work (``roles.py``): on SQLite the one daemon leads; on PostgreSQL
several daemons share the database, one leads (polls) and all deliver. The polling jobs are
added when this daemon becomes the leader and removed if it stops being one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bea_tracker import signals
from bea_tracker.app import App
from bea_tracker.cycles import build_poller, notify_cycle
from bea_tracker.daemon.burst_jobs import BurstJobs
from bea_tracker.daemon.bursts import (
    BurstWindow,
    SharedFeed,
)
from bea_tracker.daemon.clock import ClockWatch, scheduler_follows_test_clock
from bea_tracker.daemon.metrics import Metrics
from bea_tracker.daemon.roles import RoleKeeper
from bea_tracker.daemon.status import assess_health
from bea_tracker.errors import AlreadyRunning
from bea_tracker.wiring import fetch_client, warm_alert_charts
from db import daemons, heartbeat
from db.coordination import supports_several
from db.outbox import next_due_at
from db.types import utcnow

if TYPE_CHECKING:
    from bea_tracker.daemon.web import HttpListener

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
STOP_GRACE_SECONDS = 8.0
POLLING_JOBS = ("idle-poll", "schedule", "plan-bursts")


class Daemon(BurstJobs):
    def __init__(self, app: App) -> None:
        self.app = app
        self.config = app.config
        self.db = app.db
        self.state: dict[str, Any] = {"bursts": [], "last_error": None}
        self._tasks: set[asyncio.Task] = set()
        self._feed_lock = asyncio.Lock()
        self._feed_polled_at = float("-inf")  # monotonic: bursts share one feed poll
        self._probed: dict[str, float] = {}  # predicted URL -> monotonic time of its probe
        self._missing: list[BurstWindow] = []  # closed windows waiting for one report
        self._wake = asyncio.Event()
        self._burst_feed = SharedFeed()  # bursts at the same time share their feed polls
        self._stopping = asyncio.Event()
        self._abandoned = False
        self.metrics = Metrics()
        self.started_at = utcnow()
        self.http: HttpListener | None = None
        self.daemon_id = daemons.new_id()
        self.role = daemons.STARTING
        self.several = supports_several(self.db.url)
        self._roles: RoleKeeper | None = None

    # -- lifecycle -------------------------------------------------------------------
    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        if signals.requested():  # SIGTERM came while starting: nothing claimed yet
            logger.info("daemon stopped during start-up (SIGTERM)")
            return 0
        if not self.several:  # SQLite: one daemon per database
            claimed, holder = await asyncio.to_thread(self._claim)
            if not claimed:
                raise AlreadyRunning(
                    "another bea-tracker daemon is running on this database"
                    + (f" (pid {holder.get('pid')} on {holder.get('host')})" if holder else ""))
        await asyncio.to_thread(self._register)
        polling = self.config.polling
        scheduler_follows_test_clock()
        async with fetch_client(self.config) as client:
            self.client = client
            self.poller = build_poller(self.app, client)
            self.scheduler = AsyncIOScheduler(
                event_loop=loop,
                job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 30},
            )
            self._add_standing_jobs()
            await self._start_http()
            self.scheduler.start()
            if self.several:
                self._roles = RoleKeeper(self.db.url, loop, self._become, self._wake.set)
                self._roles.start()
            else:
                self._become(daemons.LEADER)
            delivery = asyncio.create_task(self._delivery_loop())
            clock = asyncio.create_task(self._watch_clock())
            warm_alert_charts()
            self.metrics.up.set(1)
            logger.info("daemon started (idle poll every %g s, burst every %g s%s)",
                        polling.idle_interval, polling.burst_interval,
                        "; leader elected on the database" if self.several else "")
            await self._stopping.wait()
            self.metrics.up.set(0)
            await self._shutdown(delivery)
            clock.cancel()
            if self.http is not None:
                await self.http.stop()
        await asyncio.to_thread(self._release)
        logger.info("daemon stopped")
        if self._abandoned:
            # A send blocked in a worker thread (smtplib/httpx cannot be interrupted) would
            # hold the interpreter's exit until its own timeout (20 s by default). Leave it:
            # its lease expires and the next start retries it, as after a crash.
            logging.shutdown()
            os._exit(0)
        return 0

    async def _start_http(self) -> None:
        """The /healthz and /metrics listener, when ``http.listen`` is set."""
        listen = self.config.http.listen
        if not listen:
            return
        from bea_tracker.daemon.web import HttpListener, daemon_routes

        host, port = self.config.http.address()
        self.http = HttpListener(host, port, daemon_routes(self))
        await self.http.start()
        self.state["http"] = f"http://{host}:{self.http.port}/"

    def health(self) -> dict[str, Any]:
        """Healthy while the feed was read recently (or the daemon only just started)."""
        now = utcnow()
        last_ok = self.state.get("last_feed_ok_at")
        return assess_health(True, self.started_at, datetime.fromisoformat(last_ok)
                             if last_ok else None, now, self.config)

    def stop(self) -> None:
        if not self._stopping.is_set():
            logger.info("stopping: finishing in-flight work")
            self._stopping.set()
            self._wake.set()

    async def _shutdown(self, delivery: asyncio.Task) -> None:
        # pause first: APScheduler's AsyncIOExecutor.shutdown() cancels running jobs, so
        # a poll or probe in flight would be cut off (and logged as a failed job)
        self.scheduler.pause()
        if self._roles is not None:  # hand the leader lock over at once
            await asyncio.to_thread(self._roles.stop)
        pending = [*self._tasks, delivery]
        done, still = await asyncio.wait(pending, timeout=STOP_GRACE_SECONDS)
        for task in still:
            task.cancel()
        if still:
            logger.warning("%d tasks did not finish in time; their leases expire and they "
                           "are retried on the next start", len(still))
            await asyncio.wait(still, timeout=1)
            self._abandoned = True
        self.scheduler.shutdown(wait=False)

    def _claim(self) -> tuple[bool, dict | None]:
        stale = timedelta(seconds=HEARTBEAT_SECONDS * 6)
        with self.db.unit_of_work() as session:
            return heartbeat.claim(session, stale)

    def _release(self) -> None:
        with self.db.unit_of_work() as session:
            if not self.several:
                heartbeat.release_claim(session)
            daemons.mark_stopped(session, self.daemon_id)

    def _register(self) -> None:
        with self.db.unit_of_work() as session:
            daemons.register(session, self.daemon_id)

    def _become(self, role: str) -> None:
        """Start polling on becoming the leader; stop (bursts too) on losing it."""
        if role == self.role or self._stopping.is_set():
            return
        was, self.role = self.role, role
        if role == daemons.LEADER:
            logger.info("leader: this daemon polls BEA (pid %d)", os.getpid())
            self._add_polling_jobs()
        else:
            if was == daemons.LEADER:
                logger.warning("no longer the leader: polling stops here")
            for job in self.scheduler.get_jobs():
                if job.id in POLLING_JOBS or job.id.startswith(("burst:", "watchdog:")):
                    job.remove()
            self.state["bursts"] = []
            if was != daemons.LEADER:
                logger.info("deliverer: another daemon polls BEA")
        self._wake.set()

    # -- jobs ------------------------------------------------------------------------
    def _add_standing_jobs(self) -> None:
        now = utcnow()
        self.scheduler.add_job(self._tracked(self.beat), IntervalTrigger(
            seconds=HEARTBEAT_SECONDS, start_date=now), id="heartbeat", next_run_time=now,
            replace_existing=True)

    def _add_polling_jobs(self) -> None:
        """(Re-)add the leader's standing jobs, their intervals counted from now."""
        polling = self.config.polling
        now = utcnow()
        self.scheduler.add_job(self._tracked(self.idle_poll), IntervalTrigger(
            seconds=polling.idle_interval, start_date=now), id="idle-poll",
            next_run_time=now, replace_existing=True)
        self.scheduler.add_job(self._tracked(self.refresh_schedule), IntervalTrigger(
            seconds=polling.schedule_refresh, start_date=now), id="schedule",
            next_run_time=now, replace_existing=True)
        self.scheduler.add_job(self._tracked(self.plan_bursts), IntervalTrigger(
            hours=1, start_date=now + timedelta(hours=1)), id="plan-bursts",
            replace_existing=True)

    async def _watch_clock(self) -> None:
        """Every heartbeat interval (monotonic), look for a wall-clock jump; on one,
        re-plan (``clock.py`` says why)."""
        watch = ClockWatch()
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), HEARTBEAT_SECONDS)
            except TimeoutError:
                pass
            jump = watch.jump()
            if jump is not None and not self._stopping.is_set():
                logger.warning("wall clock jumped %+.0f s: schedule re-planned from now",
                               jump)
                self._replan()

    def _replan(self) -> None:
        """Standing jobs start again from now; burst jobs take their next tick by the new
        clock (their windows are absolute times); one-off watchdogs keep their time."""
        now = utcnow()
        self._add_standing_jobs()
        if self.role == daemons.LEADER:
            self._add_polling_jobs()
        for job in self.scheduler.get_jobs():
            if job.id.startswith("burst:"):
                due = job.trigger.get_next_fire_time(None, now)
                if due is None:
                    job.remove()
                else:
                    job.modify(next_run_time=due)

    def _tracked(self, func: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """Jobs are tracked (for a clean stop) and never raise into the scheduler."""

        async def job(*args: Any) -> None:
            if self._stopping.is_set():
                return
            task = asyncio.current_task()
            assert task is not None  # a job always runs as a task
            self._tasks.add(task)
            try:
                await func(*args)
            except Exception as exc:  # the daemon must outlive any one job
                self.state["last_error"] = f"{func.__name__}: {type(exc).__name__}: {exc}"
                logger.exception("job %s failed", func.__name__)
            finally:
                self._tasks.discard(task)

        job.__name__ = func.__name__
        return job

    async def poll_feed(self, reason: str) -> None:
        async with self._feed_lock:
            if reason == "burst" and time.monotonic() - self._feed_polled_at < \
                    self.config.polling.burst_interval * 0.75:
                return  # another window's burst just read the feed: one poll serves all
            self._feed_polled_at = time.monotonic()
            summary = await self.poller.poll_feed()
        quiet = reason == "burst" and not summary.event_ids and not summary.error
        # a burst polls every few seconds: its routine polls are DEBUG, news is INFO
        logger.log(logging.DEBUG if quiet else logging.INFO, "%s poll: %s", reason,
                   summary.line())
        now = utcnow().isoformat()
        self.state["last_poll"] = {"at": now, "status": summary.feed_status,
                                   "not_modified": summary.not_modified,
                                   "error": summary.error}
        if not summary.error:
            self.state["last_feed_ok_at"] = now
        self.metrics.poll("feed", not summary.error, summary.not_modified, summary.new_items)
        if summary.event_ids:
            self._wake.set()

    async def idle_poll(self) -> None:
        await self.poll_feed("idle")

    async def refresh_schedule(self) -> None:
        line = await self.poller.poll_schedule()
        logger.info("%s", line)
        self.metrics.poll("schedule", "unavailable" not in line, "304" in line)
        await self.plan_bursts()
        self._wake.set()  # a schedule change may have written events

    async def beat(self) -> None:
        next_job = min((j for j in self.scheduler.get_jobs() if j.id.startswith("burst:")
                        and j.next_run_time), key=lambda j: j.next_run_time, default=None)
        extra = {**self.state, "next_burst": next_job.next_run_time.isoformat()
                 if next_job else None}

        def write() -> None:
            with self.db.unit_of_work() as session:
                if not self.several:
                    heartbeat.beat(session, extra)
                daemons.beat(session, self.daemon_id, self.role, extra)

        await asyncio.to_thread(write)

    async def _delivery_loop(self) -> None:
        """Deliver whenever woken (new events) or when the next retry/digest is due."""
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                summary = await notify_cycle(self.config, self.db)
                self.metrics.delivery(summary)
                if summary.sent or summary.retried or summary.dead:
                    logger.info("delivery: %s", summary.line())
            except Exception as exc:
                self.state["last_error"] = f"delivery: {type(exc).__name__}: {exc}"
                logger.exception("delivery cycle failed")
            wait = await asyncio.to_thread(self._seconds_to_next_due)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
            except TimeoutError:
                pass

    def _seconds_to_next_due(self) -> float:
        with self.db.session() as session:
            due = next_due_at(session)
        if due is None:
            return 30.0
        return min(30.0, max(0.2, (due - utcnow()).total_seconds()))
