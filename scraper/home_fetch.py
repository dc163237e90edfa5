"""BEA's home page, fetched for its "Principal Federal Economic Indicators" block.

A second source for a release's headline (``scraper.extract.home_page``). It is fetched
only when a release page has just arrived and is being stored, at most once per crawl or
probe, never on a burst tick that found nothing: BEA's request budget is spent on the
feed and the pages. The GET is conditional once a block has been read (the figures are
kept with the validators, so a 304 still answers). Any failure is one log line and a
``poll_log`` row, and the check says "not available": the home page never holds up a page.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from db.polls import log_poll
from db.records import FigureRecord
from db.session import Database
from scraper.extract.home_page import principal_indicators
from scraper.fetch import FetchClient, FetchResult

logger = logging.getLogger(__name__)

POLL_KIND = "home_page"
WAIT_SECONDS = 120.0  # an upper bound for one GET from a worker thread (the client's
# own deadline ends it sooner)

HomeLookup = Callable[[], "tuple[FigureRecord, ...] | None"]


def home_page_url(base_url: str) -> str:
    """``https://www.bea.gov`` -> ``https://www.bea.gov/`` (from ``bea.base_url``)."""
    return base_url.rstrip("/") + "/"


class HomePage:
    """The home page of one BEA (real or local), its last block and validators."""

    def __init__(self, database: Database, client: FetchClient, url: str) -> None:
        self.database = database
        self.client = client
        self.url = url
        self._etag: str | None = None
        self._modified: str | None = None
        self._figures: tuple[FigureRecord, ...] | None = None

    async def figures(self) -> tuple[FigureRecord, ...] | None:
        """The block's figures now; None when the page or its block cannot be read."""
        if not self.client.allows(self.url):
            logger.warning("home page %s is outside bea.allowed_hosts; not checked", self.url)
            return None
        known = self._figures is not None
        result = await self.client.get(self.url, self._etag if known else None,
                                       self._modified if known else None)
        error = None
        if result.not_modified and known:
            figures = self._figures
        elif not result.ok or result.not_modified:
            error = result.error or f"HTTP {result.status}"
            figures = None
        else:
            figures = principal_indicators(result.body) or None
            if figures is None:
                error = "no 'Principal Federal Economic Indicators' block"
            else:
                self._etag, self._modified = result.etag, result.last_modified
                self._figures = figures
        if error:
            logger.warning("home page %s not usable for the cross-check: %s", self.url, error)
        await asyncio.to_thread(self._log, result, error)
        return figures

    def _log(self, result: FetchResult, error: str | None) -> None:
        with self.database.unit_of_work() as session:
            log_poll(session, url=result.url, kind=POLL_KIND, started_at=result.started_at,
                     duration_ms=result.duration_ms, status=result.status,
                     not_modified=result.not_modified, etag=result.etag,
                     last_modified=result.last_modified, size=len(result.body) or None,
                     error=error)

    def lookup(self) -> HomeLookup:
        """A function for a worker thread (the page sink) that fetches the block on the
        running event loop the first time it is called and then repeats that answer: one
        GET per crawl, and none when no page arrives."""
        loop = asyncio.get_running_loop()
        lock = threading.Lock()
        answer: list[tuple[FigureRecord, ...] | None] = []

        def get() -> tuple[FigureRecord, ...] | None:
            with lock:
                if not answer:
                    future = asyncio.run_coroutine_threadsafe(self.figures(), loop)
                    try:
                        answer.append(future.result(WAIT_SECONDS))
                    except Exception:  # the check is then "not available", never a crash
                        logger.warning("home page %s: fetch failed", self.url, exc_info=True)
                        future.cancel()
                        answer.append(None)
                return answer[0]

        return get
