"""One poll of BEA: the feed (conditional GET), the schedule, and crawls of new pages.

All database work runs in worker threads so the event loop (shared with the scheduler and
the senders in the daemon) never blocks. Nothing here reads config: the application hands
in a :class:`ScraperSettings`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx
from sqlalchemy import select

from db.models import Release, Snapshot
from db.polls import get_validators, log_poll, note_source_result, save_validators
from db.schedule_store import store_schedule
from db.session import Database
from db.store import KIND_FEED_ITEM, KIND_PAGE, Fetched, release_count, store_snapshot
from scraper.feed_items import is_recent, item_bytes, item_hash, item_record
from scraper.feed_parse import parse_feed
from scraper.fetch import FetchResult, conditional_get, host_allowed
from scraper.page_store import CrawlOutcome, PageSink
from scraper.schedule import parse_schedule_html, parse_schedule_ics
from scraper.spider import PageRequest, ReleaseSpider

logger = logging.getLogger(__name__)

FEED = "feed"
SCHEDULE = "schedule"


@dataclass(frozen=True)
class ScraperSettings:
    feed_url: str
    schedule_url: str
    schedule_ics_url: str
    base_url: str
    allowed_hosts: tuple[str, ...]
    user_agent: str
    timeout: float
    failure_threshold: int = 3


@dataclass
class PollSummary:
    feed_status: int | None = None
    not_modified: bool = False
    items: int = 0
    new_items: int = 0
    pages: list[CrawlOutcome] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    baseline: bool = False
    error: str | None = None
    problems: tuple[str, ...] = ()

    def line(self) -> str:
        if self.error:
            return f"feed: error ({self.error})"
        if self.not_modified:
            return "feed: 304 not modified"
        failed = sum(1 for p in self.pages if not p.ok)
        return (
            f"feed: {self.feed_status}, {self.items} items, {self.new_items} new or changed"
            f"{' (baseline: recorded, not alerted)' if self.baseline else ''}; "
            f"pages crawled {len(self.pages)} ({failed} failed); events {len(self.event_ids)}"
        )


class Poller:
    """Polls one BEA (real or local) into one database."""

    def __init__(self, database: Database, settings: ScraperSettings,
                 client: httpx.AsyncClient, runner) -> None:  # noqa: ANN001 - Scrapy runner
        self.database = database
        self.settings = settings
        self.client = client
        self.runner = runner

    async def _get(self, url: str, kind: str) -> FetchResult:
        def validators():
            with self.database.session() as session:
                row = get_validators(session, url)
                return (row.etag, row.last_modified) if row else (None, None)

        etag, last_modified = await asyncio.to_thread(validators)
        return await conditional_get(self.client, url, etag, last_modified)

    def _record_fetch(self, result: FetchResult, kind: str, *, usable: bool,
                      error: str | None = None) -> int | None:
        """Log the poll, keep validators of a usable body, count source failures."""
        error = error or result.error
        with self.database.unit_of_work() as session:
            log_poll(
                session, url=result.url, kind=kind, started_at=result.started_at,
                duration_ms=result.duration_ms, status=result.status,
                not_modified=result.not_modified, etag=result.etag,
                last_modified=result.last_modified, size=len(result.body) or None,
                error=error, unusable_body=result.body if (error and result.body) else None,
            )
            if usable:
                save_validators(session, result.url, result.etag, result.last_modified, None)
            return note_source_result(
                session, f"{kind}:{result.url}", ok=error is None, error=error,
                threshold=self.settings.failure_threshold,
            )

    async def crawl(self, pages: list[PageRequest], *, baseline: bool = False,
                    history: bool = False,
                    on_outcome: Callable[[CrawlOutcome], None] | None = None,
                    ) -> list[CrawlOutcome]:
        """Fetch release pages with the Scrapy spider and store what they say.

        ``on_outcome`` is called (from a worker thread) as each page is done, for progress.
        """
        if not pages:
            return []
        sink = PageSink(self.database, baseline=baseline, history=history,
                        failure_threshold=self.settings.failure_threshold,
                        on_outcome=on_outcome)
        await self.runner.crawl(ReleaseSpider, pages=pages, sink=sink)
        return sink.outcomes

    async def poll_feed(self, notify_existing: bool = False) -> PollSummary:
        result = await self._get(self.settings.feed_url, FEED)
        summary = PollSummary(feed_status=result.status, not_modified=result.not_modified)
        if result.not_modified:
            await asyncio.to_thread(self._record_fetch, result, FEED, usable=True)
            return summary
        if not result.ok:
            summary.error = result.error
            event = await asyncio.to_thread(self._record_fetch, result, FEED, usable=False)
            summary.event_ids += [event] if event else []
            return summary
        feed = parse_feed(result.body)
        summary.items, summary.problems = len(feed.items), feed.problems
        for problem in feed.problems:
            logger.warning("feed %s: %s", self.settings.feed_url, problem)
        if not feed.items:
            summary.error = "no usable items: " + ("; ".join(feed.problems) or "empty feed")
            event = await asyncio.to_thread(
                self._record_fetch, result, FEED, usable=False, error=summary.error)
            summary.event_ids += [event] if event else []
            return summary
        await asyncio.to_thread(self._record_fetch, result, FEED, usable=True)
        summary.baseline = not notify_existing and await asyncio.to_thread(self._is_empty)
        work, retry = await asyncio.to_thread(self._classify, feed.items)
        summary.new_items = len(work)
        if not summary.baseline:
            allowed = self.settings.allowed_hosts
            pages = [PageRequest(i.link, guid=i.guid, title=i.title)
                     for i in work + retry if i.link and host_allowed(i.link, allowed)]
            summary.pages = await self.crawl(pages)
            for outcome in summary.pages:
                summary.event_ids += outcome.event_ids
        summary.event_ids += await asyncio.to_thread(
            self._store_items, work, result.started_at, summary.baseline)
        return summary

    def _is_empty(self) -> bool:
        with self.database.session() as session:
            return release_count(session) == 0

    def _classify(self, items) -> tuple[list, list]:  # noqa: ANN001 - FeedItems
        """New or changed items (work), and recent known items whose page we lack (retry)."""
        now = datetime.now(timezone.utc)
        work, retry = [], []
        with self.database.session() as session:
            for item in items:
                release = session.scalars(select(Release).where(Release.url == item.link)).first()
                if release is None:
                    work.append(item)
                    continue
                kinds = set(session.scalars(select(Snapshot.kind).where(
                    Snapshot.release_id == release.id)))
                known = session.scalars(select(Snapshot.id).where(
                    Snapshot.release_id == release.id, Snapshot.kind == KIND_FEED_ITEM,
                    Snapshot.sha256 == item_hash(item))).first()
                if known is None:
                    work.append(item)
                elif KIND_PAGE not in kinds and is_recent(item, now) and not release.history:
                    retry.append(item)
        return work, retry

    def _store_items(self, items, fetched_at: datetime, baseline: bool) -> list[int]:  # noqa: ANN001
        events: list[int] = []
        for item in items:
            with self.database.unit_of_work() as session:
                result = store_snapshot(
                    session,
                    Fetched(url=self.settings.feed_url, body=item_bytes(item),
                            fetched_at=fetched_at, content_type="application/json"),
                    item_record(item), kind=KIND_FEED_ITEM, release_url=item.link,
                    guid=item.guid, baseline=baseline,
                )
                events += result.event_ids
        return events

    async def poll_schedule(self) -> str:
        """Refresh the schedule from the ICS calendar, falling back to the HTML table."""
        for url, parse in ((self.settings.schedule_ics_url, parse_schedule_ics),
                           (self.settings.schedule_url, _parse_html_bytes)):
            result = await self._get(url, SCHEDULE)
            if result.not_modified:
                await asyncio.to_thread(self._record_fetch, result, SCHEDULE, usable=True)
                return f"schedule: 304 not modified ({url})"
            if not result.ok:
                await asyncio.to_thread(self._record_fetch, result, SCHEDULE, usable=False)
                continue
            schedule = parse(result.body)
            if not schedule.events:
                error = "no events: " + ("; ".join(schedule.problems) or "empty schedule")
                await asyncio.to_thread(self._record_fetch, result, SCHEDULE, usable=False,
                                        error=error)
                continue
            update = await asyncio.to_thread(self._store_schedule, schedule, result)
            return (f"schedule: {len(schedule.events)} events, {update.added} added, "
                    f"{update.moved} moved")
        return "schedule: unavailable (see log)"

    def _store_schedule(self, schedule, result: FetchResult):  # noqa: ANN001, ANN202
        with self.database.unit_of_work() as session:
            update = store_schedule(session, schedule)
        self._record_fetch(result, SCHEDULE, usable=True)
        return update


def _parse_html_bytes(data: bytes):  # noqa: ANN202 - ScheduleRecord
    return parse_schedule_html(data.decode("utf-8", errors="replace"))
