"""``backfill --archive``: every release BEA's news archive lists in a date range.

1. Walk the archive listing of each product (``scraper.archive``), newest page first, until
   a page reaches back before ``--since``. Each listing page is asked for with its stored
   validators, so a re-run costs one ``304`` a page; its body is kept to be read again.
   Every listing page is read before anything is crawled: a page whose layout changed
   stops the run with one clear error and nothing crawled.
2. Crawl the release pages not stored yet with the poller's Scrapy spider (robots.txt,
   two requests at a time per host, AutoThrottle) in chunks. Before the walk and before
   each chunk, if a scheduled release's burst window is open or opens within ``LEAD``,
   wait for it to close, so the daemon's burst polling never queues behind a backfill.

Backfilled releases are history (``history=True``, baseline events): they never alert.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from bea_tracker.errors import ArchiveUnavailable
from db.records import ScheduledRelease
from scraper.archive import ArchiveEntry, ArchiveProduct, archive_url, parse_archive
from scraper.probe import release_title

logger = logging.getLogger(__name__)

ARCHIVE_SOURCE = "/news/archive"  # for the summary: where the URLs came from
CHUNK_PAGES = 20  # release pages per crawl between two looks at the schedule
LEAD = timedelta(seconds=60)  # a window opening this soon already counts as busy
#: BEA's default pace for the budget: AutoThrottle's start delay (scraper.crawl.settings);
#: with one request in flight per host on average it settles near BEA's latency (~0.5 s)
SECONDS_PER_REQUEST = 0.5


@dataclass(frozen=True)
class ArchiveRequest:
    """Which products, which publication dates (inclusive), and whether to only plan."""

    products: tuple[ArchiveProduct, ...]
    since: date | None = None
    until: date | None = None
    dry_run: bool = False

    def wants(self, entry: ArchiveEntry) -> bool:
        day = entry.published.date()
        return ((self.since is None or day >= self.since)
                and (self.until is None or day <= self.until))


@dataclass
class ListingReport:
    """What the walk asked BEA, and what it found in range."""

    requests: int = 0
    not_modified: int = 0
    pages: list[str] = field(default_factory=list)
    entries: list[ArchiveEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"listing_pages": len(self.pages), "listing_requests": self.requests,
                "listing_not_modified": self.not_modified, "releases_listed": len(self.entries)}


@dataclass(frozen=True)
class Budget:
    """Requests a backfill makes of BEA, and how long they take at the default pace."""

    listing: int
    pages: int
    robots: int

    @property
    def requests(self) -> int:
        return self.listing + self.pages + self.robots

    @property
    def seconds(self) -> float:
        return self.requests * SECONDS_PER_REQUEST

    def line(self) -> str:
        return (f"request budget: {self.requests} requests to BEA ({self.listing} listing pages, "
                f"{self.pages} release pages, {self.robots} robots.txt), about "
                f"{_duration(self.seconds)} at the default pace ({SECONDS_PER_REQUEST:g} s a "
                "request)")

    def to_json(self) -> dict[str, Any]:
        return {"requests": self.requests, "listing": self.listing, "pages": self.pages,
                "robots": self.robots, "seconds": self.seconds}


def budget(listing_pages: int, release_pages: int) -> Budget:
    """Listing pages, release pages, one robots.txt for the listing and one per crawl chunk
    (Scrapy asks for it again in each crawl)."""
    chunks = math.ceil(release_pages / CHUNK_PAGES)
    return Budget(listing_pages, release_pages, 1 + chunks)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


async def walk_listing(fetch: Any, cache: Any, request: ArchiveRequest, base_url: str,
                       delay: float) -> ListingReport:
    """Every entry in range of every product; raises before returning anything on a bad page.

    ``fetch(url, cached)`` is a conditional GET given the cached listing (or None);
    ``cache.get(url)`` / ``cache.put(url, result)`` keep validators and body.
    """
    report = ListingReport()
    for product in request.products:
        url: str | None = archive_url(base_url, product.product_id, 0)
        seen: set[str] = set()
        while url and url not in seen:
            seen.add(url)
            if report.requests and delay:
                await asyncio.sleep(delay)
            cached = await asyncio.to_thread(cache.get, url)
            result = await fetch(url, cached)
            report.requests += 1
            if result.not_modified and cached is not None:
                body, fresh = cached.body, False
                report.not_modified += 1
            elif result.ok:
                body, fresh = result.body, True
            else:
                raise ArchiveUnavailable(f"could not fetch the archive listing {url}: "
                                         f"{result.error or result.status}")
            page = parse_archive(body, url)  # ArchiveLayoutError: stop before any crawl
            if fresh:
                await asyncio.to_thread(cache.put, url, result)
            report.pages.append(url)
            report.entries += [e for e in page.entries if request.wants(e)]
            oldest = min((e.published.date() for e in page.entries), default=None)
            if oldest is None or (request.since is not None and oldest < request.since):
                break
            url = page.next_url
    return report


def busy_until(scheduled: list[Any], now: datetime, before: timedelta,
               after: timedelta) -> tuple[Any, datetime] | None:
    """The scheduled release whose burst window is open (or opens within ``LEAD``) at
    ``now``, with when that window closes; None when the coast is clear."""
    for release in scheduled:
        opens, closes = release.starts_at - before - LEAD, release.starts_at + after
        if opens <= now < closes:
            return release, closes
    return None


class BurstGate:
    """Waits while a scheduled release's burst window is open or about to open."""

    def __init__(self, database: Any, before: timedelta, after: timedelta,
                 reporter: Any, interrupt: Any) -> None:
        self.database, self.before, self.after = database, before, after
        self.reporter, self.interrupt = reporter, interrupt
        self.paused = 0

    def _scheduled(self, now: datetime) -> list[ScheduledRelease]:
        from db.schedule_store import upcoming_events

        with self.database.session() as session:
            return upcoming_events(session, now - self.after, now + self.before + LEAD)

    async def wait(self) -> None:
        noted = None
        while not self.interrupt.requested:
            now = datetime.now(timezone.utc)
            busy = busy_until(await asyncio.to_thread(self._scheduled, now), now,
                              self.before, self.after)
            if busy is None:
                return
            release, closes = busy
            title = release_title(release.title, release.period)
            if noted != (title, closes):
                noted = (title, closes)
                self.paused += 1
                self.reporter.note(
                    f"pausing: {title} is scheduled at "
                    f"{release.starts_at.astimezone(timezone.utc):%H:%M:%S} UTC; the backfill "
                    f"waits until its burst window closes ({closes:%H:%M:%S} UTC)")
                logger.info("backfill paused for the burst window of %s", title)
            await asyncio.sleep(min(1.0, max(0.05, (closes - now).total_seconds())))


class _ListingCache:
    """``walk_listing``'s cache, on the database (validators + body, see ``db.backfill``)."""

    def __init__(self, database: Any) -> None:
        self.database = database

    def get(self, url: str) -> Any:
        from db.backfill import cached_listing

        with self.database.session() as session:
            return cached_listing(session, url)

    def put(self, url: str, result: Any) -> None:
        from db.backfill import save_listing

        with self.database.unit_of_work() as session:
            save_listing(session, url, result.etag, result.last_modified, result.body)


async def run_archive_backfill(app: Any, archive: ArchiveRequest, summary: Any, reporter: Any,
                               interrupt: Any) -> Any:
    """Walk the listing, plan, then crawl (unless a dry run); fills and returns ``summary``."""
    from bea_tracker.cycles import build_poller
    from bea_tracker.history.backfill import (
        crawl_pages,
        outcomes_into,
        plan_pages,
        stored_page_urls,
    )
    from bea_tracker.wiring import fetch_client
    from scraper.crawl.settings import throttle_start_delay
    from scraper.crawl.spider import PageRequest
    from scraper.robots import allowed_by_robots

    config = app.config
    allowed = tuple(config.bea.allowed_hosts)
    base_url = config.bea.base_url
    gate = BurstGate(app.db, timedelta(seconds=config.polling.burst_before),
                     timedelta(seconds=config.polling.burst_after), reporter, interrupt)
    await gate.wait()  # not even the listing while a release is due
    if interrupt.requested:
        summary.interrupted, summary.paused = True, gate.paused
        return summary
    async with fetch_client(config) as client:
        first = archive_url(base_url, archive.products[0].product_id, 0)
        if not await allowed_by_robots(client, first, config.bea.user_agent):
            raise ArchiveUnavailable(f"robots.txt does not allow the archive listing {first}")

        async def fetch(url: str, cached: Any) -> Any:
            return await client.get(url, cached.etag if cached else None,
                                    cached.last_modified if cached else None)

        listing = await walk_listing(fetch, _ListingCache(app.db), archive, base_url,
                                     throttle_start_delay(allowed))
        urls = [e.url for e in listing.entries]
        stored = await asyncio.to_thread(stored_page_urls, app.db, urls)
        requests = [PageRequest(e.url, title=e.title) for e in listing.entries]
        plan = plan_pages([], [], client.allows, stored, requests=requests)
        summary.listing = listing.to_json()
        summary.selected = len(listing.entries)
        summary.skipped, summary.to_fetch = plan.skipped, len(plan.pages)
        summary.budget = budget(listing.requests, len(plan.pages)).to_json()
        summary.planned = [{"url": p.url, "title": p.title} for p in plan.pages]
        if archive.dry_run:
            summary.paused = gate.paused
            return summary
        outcomes = await crawl_pages(build_poller(app, client), plan.pages, reporter,
                                     interrupt, gate, CHUNK_PAGES)
        summary.paused = gate.paused
    return await outcomes_into(summary, plan.pages, outcomes, app.db, interrupt)
