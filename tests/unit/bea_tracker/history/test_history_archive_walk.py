"""The archive backfill's pure parts: the listing walk (with a fake BEA), the request
budget, burst windows, robots.txt."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from bea_tracker.demo.localbea.archive import GDP_ID, Archive
from bea_tracker.history.archive import (
    LEAD,
    ArchiveRequest,
    ArchiveUnavailable,
    budget,
    busy_until,
    walk_listing,
)
from db.backfill import CachedListing
from db.records import ScheduledRelease
from scraper.archive import PRODUCTS, ArchiveLayoutError
from scraper.robots import robots_allow

BASE = "https://www.bea.gov"
GDP = (PRODUCTS[0],)


@dataclass
class Answer:
    status: int | None
    body: bytes = b""
    etag: str | None = '"e"'
    last_modified: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FakeBea:
    """Answers listing URLs from the local BEA's archive model; counts what was asked."""

    def __init__(self, broken: dict[int, bytes] | None = None, status: int = 200) -> None:
        self.archive, self.asked, self.status = Archive(), [], status
        self.archive.broken = {(GDP_ID, page): body for page, body in (broken or {}).items()}

    async def fetch(self, url: str, cached: CachedListing | None) -> Answer:
        self.asked.append((url, cached is not None))
        if cached is not None:
            return Answer(304)
        if self.status != 200:
            return Answer(self.status, error=f"HTTP {self.status}")
        return Answer(200, self.archive.listing(url.split("?", 1)[1]))


class MemoryCache:
    def __init__(self) -> None:
        self.kept: dict[str, CachedListing] = {}

    def get(self, url: str) -> CachedListing | None:
        return self.kept.get(url)

    def put(self, url: str, result: Answer) -> None:
        self.kept[url] = CachedListing(url, result.etag, result.last_modified, result.body)


def walk(bea: FakeBea, cache: MemoryCache, since: date | None, until: date | None = None):
    return asyncio.run(walk_listing(bea.fetch, cache, ArchiveRequest(GDP, since, until),
                                    BASE, 0.0))


def test_the_walk_stops_at_the_page_reaching_back_past_since():
    bea, cache = FakeBea(), MemoryCache()
    report = walk(bea, cache, date(2019, 1, 1))
    assert len(bea.asked) == 5 and report.requests == 5
    assert len(report.entries) == 89
    assert min(e.published.date() for e in report.entries) >= date(2019, 1, 1)


def test_until_bounds_the_other_end():
    report = walk(FakeBea(), MemoryCache(), date(2025, 1, 1), date(2025, 12, 31))
    days = [e.published.date() for e in report.entries]
    assert days and all(date(2025, 1, 1) <= d <= date(2025, 12, 31) for d in days)


def test_a_rerun_reads_the_cached_bodies_of_304s():
    bea, cache = FakeBea(), MemoryCache()
    first = walk(bea, cache, date(2019, 1, 1))
    again = walk(bea, cache, date(2019, 1, 1))
    assert again.not_modified == 5 and [e.url for e in again.entries] == \
        [e.url for e in first.entries]
    assert all(conditional for _, conditional in bea.asked[5:])


def test_a_broken_page_raises_and_returns_nothing():
    page3 = Archive().listing(f"field_related_product_target_id={GDP_ID}&page=3")
    bea = FakeBea(broken={3: page3.replace(b"<tbody>", b"<tbody><tr><td>x</td></tr>")})
    with pytest.raises(ArchiveLayoutError, match="row 1 is not a release-row"):
        walk(bea, MemoryCache(), date(2019, 1, 1))


def test_an_unreachable_listing_is_an_error():
    with pytest.raises(ArchiveUnavailable, match="HTTP 503"):
        walk(FakeBea(status=503), MemoryCache(), None)


def test_budget_counts_listing_pages_and_one_robots_per_chunk():
    cost = budget(10, 180)
    assert (cost.requests, cost.robots, cost.seconds) == (200, 10, 100.0)
    assert "about 2 min" in cost.line()
    assert budget(1, 0).requests == 2


T = datetime(2026, 7, 30, 12, 30, tzinfo=timezone.utc)
GDP_RELEASE = [ScheduledRelease("GDP (Advance Estimate)", "2nd Quarter 2026", T)]
BEFORE, AFTER = timedelta(minutes=1), timedelta(minutes=15)


@pytest.mark.parametrize("now, busy", [
    (T - BEFORE - LEAD - timedelta(seconds=1), False),  # well ahead: crawl on
    (T - BEFORE - LEAD, True),  # the window opens within LEAD: wait
    (T, True),
    (T + AFTER - timedelta(seconds=1), True),
    (T + AFTER, False),  # the window has closed
])
def test_busy_while_a_burst_window_is_open_or_about_to_open(now, busy):
    found = busy_until(GDP_RELEASE, now, BEFORE, AFTER)
    assert (found is not None) == busy
    if found:
        assert found[1] == T + AFTER


@pytest.mark.parametrize("body, status, allowed", [
    (b"User-agent: *\nDisallow: /news/archive\n", 200, False),
    (b"User-agent: *\nDisallow: /search/\n", 200, True),
    (b"", 404, True),  # no robots.txt: no rules (RFC 9309)
    (b"", 503, False),  # unreachable: assume complete disallow
    (None, None, False),  # network error
])
def test_robots_txt_rules(body, status, allowed):
    url = BASE + "/news/archive?field_related_product_target_id=451&page=0"
    assert robots_allow(body, status, "bea-tracker", url) is allowed
