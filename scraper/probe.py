"""Beat the feed: ask for a scheduled release's own page at the scheduled minute.

BEA's feed changes a minute or two after a release goes live; its page URL follows a
fixed rule from the title (``scraper.urls``), so during the burst window we request the
predicted page (conditional GET, with the same client and policy as every other fetch).
A 404 before the release is normal and quiet. The first 200 that is a release page with
the expected title is stored at once; when the feed item arrives later it lands on the
same release (same URL), so nothing is alerted twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from db.polls import log_poll, read_validators, save_validators
from db.session import Database
from scraper.crawl.spider import PageItem, PageRequest
from scraper.extract import extract_release
from scraper.fetch import FetchClient, FetchResult
from scraper.page_store import CrawlOutcome, PageSink
from scraper.urls import predict_release_url, release_slug

logger = logging.getLogger(__name__)
EASTERN = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class ProbeTarget:
    """A scheduled release we expect: its title as BEA will publish it, and when."""

    title: str
    starts_at: datetime

    def url(self, base_url: str) -> str | None:
        return predict_release_url(self.title, base_url, self.starts_at.astimezone(EASTERN).year)


def release_title(schedule_title: str, period: str | None) -> str:
    """The page title BEA uses: "GDP (Advance Estimate)" + "3rd Quarter 2026" ->
    "GDP (Advance Estimate), 3rd Quarter 2026"."""
    return f"{schedule_title}, {period}" if period else schedule_title


def title_matches(expected: str, found: str | None) -> bool:
    """Same words once punctuation, case and stop words are ignored."""
    return bool(found) and release_slug(expected) == release_slug(found or "")


async def probe_release(
    database: Database,
    client: FetchClient,
    target: ProbeTarget,
    *,
    base_url: str,
    sink: PageSink,
) -> CrawlOutcome | None:
    """One probe of the predicted page; returns the stored outcome once the page is live.

    The client's policy checks the URL and every redirect hop (a 302 to 127.0.0.1 or
    another host is refused before it is requested)."""
    url = target.url(base_url)
    if url is None or not client.allows(url):
        return None

    known = await asyncio.to_thread(read_validators, database, url)
    result = await client.get(url, known.etag, known.last_modified)
    if result.status != 200:
        if result.status not in (304, 404):
            await asyncio.to_thread(_log, database, result)
        return None
    record = extract_release(result.body, url)
    if record.extraction == "failed" or not title_matches(target.title, record.title):
        logger.info("probe %s: 200 but not the expected release (%r)", url, record.title)
        await asyncio.to_thread(_log, database, result, "not the expected release")
        return None
    item = PageItem(
        request=PageRequest(url, title=target.title, scheduled_at=target.starts_at),
        url=url, status=200, body=result.body, fetched_at=result.started_at,
        etag=result.etag, last_modified=result.last_modified,
        content_type=result.content_type,
    )
    outcome = await asyncio.to_thread(sink.handle, item)

    def remember() -> None:
        with database.unit_of_work() as session:
            save_validators(session, url, result.etag, result.last_modified, None)

    await asyncio.to_thread(remember)
    logger.info("probe %s: release is live (%d events)", url, len(outcome.event_ids))
    return outcome


def _log(database: Database, result: FetchResult, error: str | None = None) -> None:
    with database.unit_of_work() as session:
        log_poll(session, url=result.url, kind="probe", started_at=result.started_at,
                 duration_ms=result.duration_ms, status=result.status,
                 error=error or result.error)
