"""One poll of BEA: the feed (conditional GET), the schedule, and crawls of new pages.

All database work runs in worker threads so the event loop (shared with the scheduler and
the senders in the daemon) never blocks. Nothing here reads config: the application hands
in a :class:`ScraperSettings` and a :class:`scraper.fetch.FetchClient` that carries the
fetch policy (hosts, schemes, deadline, size cap).

A feed poll, in order: GET the feed; crawl the pages of new or changed items (links to
hosts outside ``allowed_hosts`` are logged and skipped); store the items; only then log the
fetch and keep its validators, so a poll that dies half way is redone in full (the next
GET is not a 304). Last, pages still missing for recent releases are asked for again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from db.polls import (
    get_validators,
    log_poll,
    note_source_result,
    read_validators,
    save_validators,
)
from db.records import FeedItem, FeedRecord, MissingPage, ScheduleRecord
from db.releases import release_count
from db.revisions import release_held_revisions
from db.schedule_store import ScheduleUpdate, store_schedule
from db.session import Database
from db.store import KIND_FEED_ITEM, Fetched, store_snapshot
from db.types import utcnow
from scraper.crawl.spider import PageRequest, ReleaseSpider
from scraper.feed_items import (
    item_bytes,
    item_figures,
    item_record,
    new_or_changed,
    pending_pages,
    well_formed,
)
from scraper.feed_parse import parse_feed
from scraper.fetch import FetchClient, FetchResult
from scraper.home_fetch import HomePage, home_page_url
from scraper.page_store import CrawlOutcome, PageSink, check_late_feed_item
from scraper.schedule import parse_schedule_html, parse_schedule_ics

if TYPE_CHECKING:
    from scrapy.crawler import AsyncCrawlerRunner

logger = logging.getLogger(__name__)

# BEA's feed keeps some items for years (one from 2013 in 2026): 20 years back is
# generous for a real item and still refuses a 1900 one
ITEM_MAX_AGE = timedelta(days=20 * 366)
ITEM_MAX_AHEAD = timedelta(days=1)  # a release is dated when it is out, not before

FEED = "feed"
SCHEDULE = "schedule"


@dataclass(frozen=True)
class ScraperSettings:
    feed_url: str
    schedule_url: str
    schedule_ics_url: str
    base_url: str
    failure_threshold: int = 3
    max_new_items: int = 20  # new or changed feed items one poll takes (more: a problem)
    failed_bodies_kept: int = 5  # per URL, the newest failed polls whose body is kept
    failed_body_cap: int = 64 * 1024  # bytes of each such body kept
    revision_interval: float = 900.0  # seconds: one revision alert per release at most


@dataclass
class PollSummary:
    feed_status: int | None = None
    not_modified: bool = False
    items: int = 0
    new_items: int = 0
    pages: list[CrawlOutcome] = field(default_factory=list)
    retried: list[CrawlOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    baseline: bool = False
    error: str | None = None
    problems: tuple[str, ...] = ()

    def line(self) -> str:
        if self.error:
            head = f"feed: error ({self.error})"
        elif self.not_modified:
            head = "feed: 304 not modified"
        else:
            head = (f"feed: {self.feed_status}, {self.items} items, {self.new_items} new or "
                    f"changed{' (baseline: recorded, not alerted)' if self.baseline else ''}; "
                    f"{_pages('pages crawled', self.pages)}")
        parts = [head]
        if self.skipped:
            parts.append(f"skipped {len(self.skipped)} links outside bea.allowed_hosts")
        if self.retried:
            parts.append(_pages("pages retried", self.retried))
        if not self.error and not (self.not_modified and not self.retried):
            parts.append(f"events {len(self.event_ids)}")
        return "; ".join(parts)


def dated_sanely(items: tuple[FeedItem, ...], now: datetime,
                 ) -> tuple[tuple[FeedItem, ...], list[str]]:
    """The items dated within [now - ITEM_MAX_AGE, now + ITEM_MAX_AHEAD] (or undated), and a
    problem for each refused one: an item dated 2099 or 1900 is neither stored nor alerted."""
    kept, refused = [], []
    for item in items:
        when = item.published
        if when is not None and when.tzinfo is not None and not (
                now - ITEM_MAX_AGE <= when <= now + ITEM_MAX_AHEAD):
            refused.append(f"item {item.title[:80]!r} is dated {when.date().isoformat()}, "
                           f"outside the last {ITEM_MAX_AGE.days // 366} years to tomorrow; "
                           "refused")
        else:
            kept.append(item)
    return tuple(kept), refused


def _pages(label: str, outcomes: list[CrawlOutcome]) -> str:
    failed = sum(1 for p in outcomes if not p.ok)
    return f"{label} {len(outcomes)} ({failed} failed)"


class Poller:
    """Polls one BEA (real or local) into one database."""

    def __init__(self, database: Database, settings: ScraperSettings,
                 client: FetchClient, runner: AsyncCrawlerRunner) -> None:
        self.database = database
        self.settings = settings
        self.client = client
        self.runner = runner
        self.home = HomePage(database, client, home_page_url(settings.base_url))

    async def _get(self, url: str) -> FetchResult:
        known = await asyncio.to_thread(read_validators, self.database, url)
        return await self.client.get(url, known.etag, known.last_modified)

    def _record_fetch(self, result: FetchResult, kind: str, *, usable: bool,
                      error: str | None = None, keep_body: bool = False) -> int | None:
        """Log the poll, keep validators of a usable body, count source failures.

        The body is kept (compressed) when it could not be used or had problems.
        """
        error = error or result.error
        keep = result.body if (error or keep_body) and result.body else None
        with self.database.unit_of_work() as session:
            log_poll(
                session, url=result.url, kind=kind, started_at=result.started_at,
                duration_ms=result.duration_ms, status=result.status,
                not_modified=result.not_modified, etag=result.etag,
                last_modified=result.last_modified, size=len(result.body) or None,
                error=error, unusable_body=keep, body_cap=self.settings.failed_body_cap,
                bodies_kept=self.settings.failed_bodies_kept,
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
        # BEA's home page cross-checks new pages only (not history being filled in)
        home = None if baseline or history else self.home.lookup()
        sink = PageSink(self.database, baseline=baseline, history=history,
                        failure_threshold=self.settings.failure_threshold,
                        revision_interval=self.settings.revision_interval,
                        on_outcome=on_outcome, home=home)
        await self.runner.crawl(ReleaseSpider, pages=pages, sink=sink)
        return sink.outcomes

    async def poll_feed(self, notify_existing: bool = False) -> PollSummary:
        """Poll the feed once; crawl, store and retry as the module docstring says."""
        result = await self._get(self.settings.feed_url)
        summary = PollSummary(feed_status=result.status, not_modified=result.not_modified)
        if result.not_modified:
            await asyncio.to_thread(self._record_fetch, result, FEED, usable=True)
        elif not result.ok:
            await self._feed_failed(summary, result, result.error or "unusable")
            return summary
        else:
            feed = parse_feed(result.body)
            summary.items, summary.problems = len(feed.items), feed.problems
            for problem in feed.problems:
                logger.warning("feed %s: %s", self.settings.feed_url, problem)
            if not feed.items:
                error = "no usable items: " + ("; ".join(feed.problems) or "empty feed")
                await self._feed_failed(summary, result, error)
                return summary
            await self._take_feed(summary, feed, result, notify_existing)
        if not summary.baseline:
            await self._retry_pending(summary)
            summary.event_ids += await asyncio.to_thread(self._release_held)
        return summary

    def _release_held(self) -> list[int]:
        """Revision alerts held back (db/revisions.py) whose interval has passed."""
        with self.database.unit_of_work() as session:
            return release_held_revisions(
                session, timedelta(seconds=self.settings.revision_interval), utcnow())

    async def _feed_failed(self, summary: PollSummary, result: FetchResult,
                           error: str) -> None:
        summary.error = error
        logger.warning("feed %s unusable: %s", result.url, error)
        event = await asyncio.to_thread(
            self._record_fetch, result, FEED, usable=False, error=error)
        summary.event_ids += [event] if event else []

    async def _take_feed(self, summary: PollSummary, feed: FeedRecord, result: FetchResult,
                         notify_existing: bool) -> None:
        summary.baseline = not notify_existing and await asyncio.to_thread(self._is_baseline)
        items, refused = dated_sanely(feed.items, result.started_at)
        for problem in refused:
            logger.warning("feed %s: %s", result.url, problem)
        work = await asyncio.to_thread(self._new_or_changed, items)
        summary.new_items = len(work)
        limit = self.settings.max_new_items
        if not summary.baseline and not notify_existing and len(work) > limit:
            # a flood (a hostile or broken feed): nothing is taken, nothing alerted; the
            # failure counts toward one source_problem and the next poll reads it again.
            # An operator's explicit --notify-existing (every item BEA's feed lists, about
            # 48) is not a flood.
            summary.error = (f"{len(work)} new or changed items in one poll is over "
                             f"polling.max_new_releases_per_poll ({limit}); none taken")
            await self._feed_failed(summary, result, summary.error)
            return
        if not summary.baseline:
            summary.pages = await self.crawl(self._requests(work, summary))
            for outcome in summary.pages:
                summary.event_ids += outcome.event_ids
        events, failed = await asyncio.to_thread(
            self._store_items, work, result.started_at, summary.baseline)
        summary.event_ids += events
        clean = well_formed(result.body)
        error = None if clean else "; ".join(feed.problems) or "feed is not well-formed XML"
        if refused:
            error = "; ".join(filter(None, [error, *refused]))
        if failed:
            error = "; ".join(filter(None, [error, f"{len(failed)} of {len(work)} items could "
                                            f"not be stored: {failed[0]}"]))
            summary.error = error
        # A malformed body's validators are not kept, nor those of a feed some of whose
        # items could not be stored: the next poll reads the feed again.
        event = await asyncio.to_thread(self._record_fetch, result, FEED,
                                        usable=clean and not failed, error=error,
                                        keep_body=bool(feed.problems or failed))
        summary.event_ids += [event] if event else []

    def _requests(self, items: list[FeedItem], summary: PollSummary) -> list[PageRequest]:
        """Page requests for the items whose link is on an allowed host; log the rest."""
        pages = []
        for item in items:
            if not item.link:
                continue
            reason = self.client.policy.refusal(item.link)
            if reason:
                logger.warning("skipping %s: %s", item.link, reason)
                summary.skipped.append(item.link)
                continue
            pages.append(PageRequest(item.link, guid=item.guid, title=item.title,
                                     feed_figures=item_figures(item)))
        return pages

    async def _retry_pending(self, summary: PollSummary) -> None:
        """Ask again for the pages of recent releases that we still lack."""
        crawled = {outcome.url for outcome in summary.pages}
        pending = await asyncio.to_thread(self._pending)
        pages = [PageRequest(p.url, guid=p.guid, title=p.title) for p in pending
                 if p.url not in crawled and self.client.allows(p.url)]
        if pages:
            logger.info("asking again for %d page(s) still missing: %s", len(pages),
                        ", ".join(p.url for p in pages))
        summary.retried = await self.crawl(pages)
        for outcome in summary.retried:
            summary.event_ids += outcome.event_ids

    def _pending(self) -> list[MissingPage]:
        with self.database.session() as session:
            return pending_pages(session, utcnow())

    def _is_baseline(self) -> bool:
        """No release stored yet, or the feed never read in full: record, don't alert."""
        with self.database.session() as session:
            return (release_count(session) == 0
                    or get_validators(session, self.settings.feed_url) is None)

    def _new_or_changed(self, items: tuple[FeedItem, ...]) -> list[FeedItem]:
        with self.database.session() as session:
            return new_or_changed(session, items)

    def _store_items(self, items: list[FeedItem], fetched_at: datetime,
                     baseline: bool) -> tuple[list[int], list[str]]:
        """Store each item in its own transaction: one the database refuses is logged and
        counted (the poll then fails) and never stops the items after it."""
        events: list[int] = []
        failed: list[str] = []
        for item in items:
            try:
                with self.database.unit_of_work() as session:
                    result = store_snapshot(
                        session,
                        Fetched(url=self.settings.feed_url, body=item_bytes(item),
                                fetched_at=fetched_at, content_type="application/json"),
                        item_record(item), kind=KIND_FEED_ITEM, release_url=item.link,
                        guid=item.guid, baseline=baseline,
                        revision_interval=timedelta(seconds=self.settings.revision_interval),
                    )
                    if result.new_snapshot and result.snapshot_id:  # after its page?
                        late = check_late_feed_item(session, result.release_id,
                                                    result.snapshot_id, item_figures(item),
                                                    baseline=baseline)
                        result.event_ids += [late] if late else []
                events += result.event_ids
            except Exception as exc:  # the database refused this item; the rest go on
                reason = f"{item.link or item.guid}: {type(exc).__name__}: " + \
                    str(exc).splitlines()[0][:300]
                logger.error("feed item not stored: %s", reason)
                failed.append(reason)
        return events, failed

    async def poll_schedule(self) -> str:
        """Refresh the schedule from the ICS calendar, falling back to the HTML table.

        With a usable calendar the table is read too (a conditional GET) for what only it
        says: the releases BEA marks "To Be Rescheduled"."""
        for url, parse in ((self.settings.schedule_ics_url, parse_schedule_ics),
                           (self.settings.schedule_url, _parse_html_bytes)):
            result = await self._get(url)
            if result.not_modified:
                await asyncio.to_thread(self._record_fetch, result, SCHEDULE, usable=True)
                if url != self.settings.schedule_url:  # the table may still have changed
                    table = await self._with_postponed(ScheduleRecord())
                    if table.unscheduled:
                        await asyncio.to_thread(self._store_schedule, table, None)
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
            if url != self.settings.schedule_url:
                schedule = await self._with_postponed(schedule)
            update = await asyncio.to_thread(self._store_schedule, schedule, result)
            postponed = f", {update.postponed} postponed" if update.postponed else ""
            return (f"schedule: {len(schedule.events)} events, {update.added} added, "
                    f"{update.moved} moved{postponed}")
        return "schedule: unavailable (see log)"

    async def _with_postponed(self, schedule: ScheduleRecord) -> ScheduleRecord:
        """The calendar's events plus the table's "To Be Rescheduled" rows (none when the
        table is unchanged or unreadable: those were stored when it last changed)."""
        result = await self._get(self.settings.schedule_url)
        table = _parse_html_bytes(result.body) if result.ok and not result.not_modified \
            else None
        usable = table is not None and bool(table.events or table.unscheduled)
        await asyncio.to_thread(self._record_fetch, result, SCHEDULE,
                                usable=usable or result.not_modified)
        if table is None:
            return schedule
        postponed = tuple(u for u in table.unscheduled if u.postponed)
        return replace(schedule, unscheduled=schedule.unscheduled + postponed)

    def _store_schedule(self, schedule: ScheduleRecord,
                        result: FetchResult | None) -> ScheduleUpdate:
        with self.database.unit_of_work() as session:
            update = store_schedule(session, schedule)
        if result is not None:
            self._record_fetch(result, SCHEDULE, usable=True)
        return update


def _parse_html_bytes(data: bytes) -> ScheduleRecord:
    return parse_schedule_html(data.decode("utf-8", errors="replace"))
