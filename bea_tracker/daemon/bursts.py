"""Which scheduled releases need burst polling, and whether a release has appeared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.events import append_event
from db.models import Release, ScheduleEventRow
from db.records import EVENT_SOURCE_PROBLEM
from scraper.probe import ProbeTarget, release_title, title_matches


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


def upcoming_windows(session: Session, now: datetime, before: timedelta, after: timedelta,
                     horizon: timedelta) -> list[BurstWindow]:
    """Burst windows still open or opening within ``horizon``."""
    rows = session.scalars(
        select(ScheduleEventRow)
        .where(ScheduleEventRow.starts_at.is_not(None))
        .where(ScheduleEventRow.starts_at > now - after)
        .where(ScheduleEventRow.starts_at < now + horizon)
        .order_by(ScheduleEventRow.starts_at)
    )
    return [
        BurstWindow(
            schedule_id=row.id,
            title=release_title(row.title, row.period),
            starts_at=row.starts_at,
            opens_at=row.starts_at - before,
            closes_at=row.starts_at + after,
        )
        for row in rows
    ]


def appeared(session: Session, window: BurstWindow, base_url: str) -> Release | None:
    """The release for ``window`` if it is stored (found by the page probe or the feed).

    Marks it with its scheduled time, for the latency log.
    """
    predicted = window.target.url(base_url)
    candidates = session.scalars(
        select(Release).where(Release.created_at >= window.opens_at - timedelta(hours=12))
    )
    for release in candidates:
        if release.url == predicted or title_matches(window.title, release.title):
            if release.scheduled_at is None:
                release.scheduled_at = window.starts_at
            return release
    return None


def report_missing(session: Session, window: BurstWindow) -> int | None:
    """One source_problem when a scheduled release has not appeared by the window's end."""
    seconds = (window.closes_at - window.starts_at).total_seconds()
    late = f"{round(seconds / 60)} minutes" if seconds >= 120 else f"{round(seconds)} s"
    return append_event(
        session, EVENT_SOURCE_PROBLEM, f"missing:{window.job_id}",
        payload={
            "source": "schedule",
            "message": f"{window.title}, scheduled for {window.starts_at.isoformat()}, has "
                       f"not appeared on BEA's feed or its page {late} later",
        },
    )
