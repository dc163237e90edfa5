"""Backfill: crawl the release pages of BEA's feed (and of a list of URLs) into the history.

The feed is fetched once; its items are chosen (``--since``, ``--series``, ``--limit``),
URLs from a file are added, and pages whose release already has a stored page snapshot
are skipped, so a run that was interrupted resumes where it stopped. The rest is crawled
by the poller's Scrapy spider (same politeness settings as a poll) with ``history=True``
and ``baseline=True``: backfilled releases are history and never raise an alert.

Each page is stored in its own transaction as it arrives, so Ctrl-C loses nothing that
was stored. The first Ctrl-C stops new requests and waits briefly for pages in flight;
a second stops at once (see :class:`Interrupt`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from bea_tracker.errors import FeedUnavailable, UrlFileError
from db.records import FeedItem

logger = logging.getLogger(__name__)

ALREADY_STORED = "already stored"
HOST_NOT_ALLOWED = "host not in bea.allowed_hosts"
GRACE_SECONDS = 5.0
_TRAILING_COMMENT = re.compile(r"\s+#.*$")


@dataclass(frozen=True)
class Selection:
    """Which feed items to crawl: published on/after ``since``, ``series`` text, ``limit``."""

    since: date | None = None
    series: str | None = None
    limit: int | None = None

    def matches(self, item: FeedItem) -> bool:
        if self.since is not None:
            if item.published is None or item.published.date() < self.since:
                return False
        if self.series:
            wanted = self.series.casefold()
            haystack = f"{item.series or ''}\n{item.title}".casefold()
            if wanted not in haystack:
                return False
        return True


def select_items(items: Sequence[FeedItem], selection: Selection) -> list[FeedItem]:
    """Feed items matching ``selection``, in feed order (newest first), at most ``limit``."""
    chosen = [item for item in items if selection.matches(item)]
    return chosen if selection.limit is None else chosen[: selection.limit]


def read_url_file(text: str, base_url: str) -> list[str]:
    """URLs from a file: one per line; ``#`` starts a comment; ``/news/...`` is relative to
    ``base_url``. Raises :class:`UrlFileError` naming the first bad line."""
    urls = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = _TRAILING_COMMENT.sub("", line)
        if line.startswith("/"):
            line = urljoin(base_url.rstrip("/") + "/", line.lstrip("/"))
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UrlFileError(f"line {number}: not an http(s) URL: {line!r}")
        urls.append(line)
    return urls


@dataclass(frozen=True)
class Skipped:
    url: str
    reason: str


@dataclass
class Plan:
    """What to fetch (page requests, in order) and what was skipped, with why."""

    pages: list[Any]  # scraper.crawl.spider.PageRequest
    skipped: list[Skipped]


def plan_pages(items: Sequence[FeedItem], extra_urls: Sequence[str],
               allowed: Callable[[str], bool], stored: set[str], *,
               requests: Sequence[Any] = ()) -> Plan:
    """One request per distinct URL: feed items first, then the file's URLs, then
    ready-made ``requests`` (the archive's entries)."""
    from scraper.crawl.spider import PageRequest

    pages: list[PageRequest] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    wanted = [PageRequest(i.link, guid=i.guid, title=i.title) for i in items if i.link]
    wanted += [PageRequest(url) for url in extra_urls]
    wanted += list(requests)
    for page in wanted:
        if page.url in seen:
            continue
        seen.add(page.url)
        if page.url in stored:
            skipped.append(Skipped(page.url, ALREADY_STORED))
        elif not allowed(page.url):
            skipped.append(Skipped(page.url, HOST_NOT_ALLOWED))
        else:
            pages.append(page)
    return Plan(pages, skipped)


def stored_page_urls(database: Any, urls: Iterable[str]) -> set[str]:
    """Which of ``urls`` are releases with at least one stored page snapshot."""
    from db.backfill import stored_page_urls as stored

    with database.session() as session:
        return stored(session, urls)


@dataclass
class Summary:
    """What a backfill did; ``to_json`` is the ``--json`` shape."""

    feed_url: str
    feed_items: int = 0
    selected: int = 0
    from_file: int = 0
    to_fetch: int = 0
    stored: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    not_fetched: list[str] = field(default_factory=list)
    interrupted: bool = False
    # --archive only: the listing walk, the request budget, the planned pages, pauses
    listing: dict[str, Any] | None = None
    budget: dict[str, Any] | None = None
    planned: list[dict[str, Any]] = field(default_factory=list)
    paused: int = 0
    dry_run: bool = False

    def add(self, outcome: Any) -> None:
        """Count one ``scraper.page_store.CrawlOutcome``."""
        if not outcome.ok:
            self.failed.append({"url": outcome.url, "reason": outcome.error or "failed",
                                "status": outcome.status})
        elif outcome.new_snapshot:
            self.stored.append({"url": outcome.url, "extraction": outcome.extraction})
        else:
            self.unchanged.append(outcome.url)

    def line(self) -> str:
        if self.dry_run:
            return (f"backfill --dry-run: {self.selected} releases listed in range, "
                    f"{self.to_fetch} to fetch, {len(self.skipped)} skipped; nothing fetched")
        done = len(self.stored) + len(self.unchanged) + len(self.failed)
        text = (f"backfill: {done}/{self.to_fetch} pages fetched: {len(self.stored)} stored, "
                f"{len(self.failed)} failed; {len(self.skipped)} skipped")
        if self.interrupted:
            text += f"; interrupted, {len(self.not_fetched)} not fetched (run again to resume)"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "feed_url": self.feed_url, "feed_items": self.feed_items,
            "selected": self.selected, "from_file": self.from_file,
            "to_fetch": self.to_fetch, "stored": self.stored, "unchanged": self.unchanged,
            "failed": self.failed,
            "skipped": [{"url": s.url, "reason": s.reason} for s in self.skipped],
            "not_fetched": self.not_fetched, "interrupted": self.interrupted,
        } | ({} if self.listing is None else {
            "archive": self.listing, "budget": self.budget, "dry_run": self.dry_run,
            "planned": self.planned, "paused": self.paused,
        })


class Reporter(Protocol):
    """Progress of one crawl; ``page_done`` is called from worker threads."""

    def start(self, total: int) -> None: ...
    def page_done(self, outcome: Any) -> None: ...
    def note(self, message: str) -> None: ...
    def stop(self) -> None: ...


class Interrupt:
    """Ctrl-C during a crawl: first press stops new requests and gives the pages in flight
    ``grace`` seconds; a second press (or the end of the grace) cancels the crawl.

    Installed on the running loop's thread (the main thread); elsewhere it does nothing.
    """

    def __init__(self, reporter: Reporter, grace: float = GRACE_SECONDS) -> None:
        self.reporter = reporter
        self.grace = grace
        self.presses = 0
        self.forced = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task | None = None
        self._crawl: asyncio.Future | None = None
        self._runner: Any = None
        self._stopping: asyncio.Future | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._crawled = False
        self._previous: Any = None

    @property
    def requested(self) -> bool:
        return self.presses > 0

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        self._main = asyncio.current_task()
        self._previous = signal.signal(signal.SIGINT, self._on_signal)

    def uninstall(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
        if self._stopping is not None and not self._stopping.done():
            self._stopping.cancel()
        if self._timer is not None:
            self._timer.cancel()

    def _on_signal(self, _signum: int, _frame: Any) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._press)

    def _press(self) -> None:
        self.presses += 1
        if self.presses > 1:
            self._force()
            return
        self.reporter.note(f"interrupted: stopping after the pages in flight (up to "
                           f"{self.grace:g} s); press Ctrl-C again to stop now")
        if self._runner is not None:
            self._stopping = asyncio.ensure_future(self._runner.stop())
        assert self._loop is not None
        self._timer = self._loop.call_later(self.grace, self._force)

    def _force(self) -> None:
        """Cancel the crawl; before any crawl, the whole run; after it, nothing (the
        summary is being written)."""
        if self._crawl is not None:
            target: asyncio.Future | None = self._crawl
        elif not self._crawled:
            target = self._main
        else:
            return
        if target is not None and not target.done():
            self.forced = True
            target.cancel()

    async def guard(self, crawl: Any, runner: Any) -> Any:
        """Await the crawl; an interrupt stops it (gracefully, then by cancelling)."""
        self._crawl, self._runner = asyncio.ensure_future(crawl), runner
        try:
            return await self._crawl
        except asyncio.CancelledError:
            if not self.forced:
                raise
            logger.info("crawl cancelled by Ctrl-C")
            return None
        finally:
            self._crawl, self._crawled = None, True
            if self._timer is not None:
                self._timer.cancel()


@dataclass(frozen=True)
class Request:
    """One backfill: the feed selection plus URLs from a file."""

    selection: Selection = Selection()
    urls: tuple[str, ...] = ()
    archive: Any = None  # bea_tracker.history.archive.ArchiveRequest: walk BEA's archive


async def _fetch_feed(client: Any, feed_url: str) -> list[FeedItem]:
    from scraper.feed_parse import parse_feed

    result = await client.get(feed_url)
    if not result.ok:
        raise FeedUnavailable(f"could not fetch the feed {feed_url}: {result.error}")
    feed = parse_feed(result.body)
    for problem in feed.problems:
        logger.warning("feed %s: %s", feed_url, problem)
    if not feed.items:
        detail = "; ".join(feed.problems) or "empty feed"
        raise FeedUnavailable(f"the feed {feed_url} has no usable items: {detail}")
    return list(feed.items)


async def run_backfill(app: Any, request: Request, reporter: Reporter,
                       interrupt: Interrupt) -> Summary:
    """Fetch the feed, plan, crawl with progress; the summary of what happened."""
    from bea_tracker.cycles import build_poller
    from bea_tracker.wiring import fetch_client

    config = app.config
    if request.archive is not None:
        from bea_tracker.history.archive import ARCHIVE_SOURCE, run_archive_backfill

        summary = Summary(config.bea.base_url + ARCHIVE_SOURCE,
                          dry_run=request.archive.dry_run)
        return await run_archive_backfill(app, request.archive, summary, reporter, interrupt)
    summary = Summary(config.bea.feed_url, from_file=len(request.urls))
    async with fetch_client(config) as client:
        items = await _fetch_feed(client, config.bea.feed_url)
        chosen = select_items(items, request.selection)
        summary.feed_items, summary.selected = len(items), len(chosen)
        candidates = [i.link for i in chosen] + list(request.urls)
        stored = await asyncio.to_thread(stored_page_urls, app.db, candidates)
        plan = plan_pages(chosen, request.urls, client.allows, stored)
        summary.skipped, summary.to_fetch = plan.skipped, len(plan.pages)
        outcomes = await crawl_pages(build_poller(app, client), plan.pages, reporter, interrupt)
    return await outcomes_into(summary, plan.pages, outcomes, app.db, interrupt)


async def outcomes_into(summary: Summary, pages: Sequence[Any], outcomes: list[Any],
                        database: Any, interrupt: Interrupt) -> Summary:
    """Count the outcomes; pages without one were stored or not fetched (interrupted)."""
    for outcome in outcomes:
        summary.add(outcome)
    reported = {o.url for o in outcomes}
    missing = [p.url for p in pages if p.url not in reported]
    if missing:  # interrupted: a page may have been stored without its outcome reported
        landed = await asyncio.to_thread(stored_page_urls, database, missing)
        summary.stored += [{"url": url, "extraction": None} for url in missing if url in landed]
        summary.not_fetched = [url for url in missing if url not in landed]
    summary.interrupted = interrupt.requested
    return summary


class Gate(Protocol):
    async def wait(self) -> None: ...


async def crawl_pages(poller: Any, pages: list[Any], reporter: Reporter, interrupt: Interrupt,
                      gate: Gate | None = None, chunk: int | None = None) -> list[Any]:
    """Crawl with progress; returns the outcomes reported (all of them unless interrupted).

    With a ``gate`` (the archive backfill's burst gate) the pages go ``chunk`` at a time,
    each chunk after the gate lets it through; without one, in one crawl.
    """
    outcomes: list[Any] = []
    lock = threading.Lock()

    def on_outcome(outcome: Any) -> None:
        with lock:
            outcomes.append(outcome)
        reporter.page_done(outcome)

    if not pages or interrupt.requested:
        return outcomes
    step = chunk or len(pages)
    reporter.start(len(pages))
    try:
        for start in range(0, len(pages), step):
            if gate is not None:
                await gate.wait()
            if interrupt.requested:
                break
            await interrupt.guard(
                poller.crawl(pages[start:start + step], baseline=True, history=True,
                             on_outcome=on_outcome),
                poller.runner,
            )
            if interrupt.forced:
                break
    finally:
        reporter.stop()
    with lock:
        return list(outcomes)
