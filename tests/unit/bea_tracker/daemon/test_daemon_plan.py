"""Burst planning: one burst and one watchdog per upcoming release, stable on re-planning,
and a release that appeared early is not planned again."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bea_tracker.app import App
from bea_tracker.daemon.service import Daemon
from db.records import ScheduledRelease, ScheduleRecord
from db.schedule_store import store_schedule


def plan(config_path, database, starts_at):
    with database.unit_of_work() as s:
        store_schedule(s, ScheduleRecord(events=(
            ScheduledRelease("GDP (Advance Estimate)", "3rd Quarter 2026", starts_at, "news"),)))

    async def run() -> list[str]:
        daemon = Daemon(App(str(config_path)))
        daemon.scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop())
        await daemon.plan_bursts()
        first = sorted(j.id for j in daemon.scheduler.get_jobs())
        burst = next(j for j in daemon.scheduler.get_jobs() if j.id.startswith("burst:"))
        burst.remove()  # the release appeared: its burst ended early, its watchdog stays
        await daemon.plan_bursts()  # the hourly re-plan must not add it again (or raise)
        second = sorted(j.id for j in daemon.scheduler.get_jobs())
        daemon.db.dispose()
        return first, second

    return asyncio.run(run())


def test_replanning_after_an_early_end_adds_nothing(write_config, database):
    starts_at = datetime.now(timezone.utc) + timedelta(hours=2)
    first, second = plan(write_config(), database, starts_at)
    ts = int(starts_at.timestamp())
    assert [j.split(":")[0] for j in first] == ["burst", "watchdog"]
    assert all(j.endswith(f":{ts}") for j in first)
    assert second == [first[1]]
