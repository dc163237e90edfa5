"""The Scrapy spider that fetches release pages handed to it.

It does no parsing itself: each response (or failure) becomes a plain dataclass item, and
:class:`scraper.crawl.pipelines.StorePipeline` extracts and stores it through ``db/``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import scrapy
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from db.records import FigureRecord
from db.types import utcnow
from scraper.fetch import ALLOWED_SCHEMES, refusal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageRequest:
    """A release page to fetch; ``release_url`` keys the release (the feed's link)."""

    url: str
    guid: str | None = None
    title: str | None = None
    scheduled_at: datetime | None = None
    feed_figures: tuple[FigureRecord, ...] = ()  # the item's <data>, to cross-check the page


@dataclass
class PageItem:
    request: PageRequest
    url: str
    status: int
    body: bytes
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    duration_ms: float = 0.0


@dataclass
class PageFailure:
    request: PageRequest
    reason: str
    status: int | None = None
    fetched_at: datetime = field(default_factory=utcnow)


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class ReleaseSpider(scrapy.Spider):
    """Fetches the given pages once each; hosts outside ``ALLOWED_HOSTS`` are skipped."""

    name = "bea_release"

    def __init__(self, pages: list[PageRequest], sink: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pages = pages
        self.sink = sink

    async def start(self) -> AsyncIterator[Any]:
        allowed = tuple(self.settings.getlist("ALLOWED_HOSTS"))
        schemes = tuple(self.settings.getlist("ALLOWED_SCHEMES")) or ALLOWED_SCHEMES
        for page in self.pages:
            reason = refusal(page.url, allowed, schemes)
            if reason:
                logger.warning("skipping %s: %s", page.url, reason)
                yield PageFailure(page, reason)
                continue
            yield scrapy.Request(
                page.url, callback=self.parse_page, errback=self.page_failed,
                cb_kwargs={"page": page}, dont_filter=True,
            )

    def parse_page(self, response: Response, page: PageRequest) -> Any:
        yield PageItem(
            request=page,
            url=response.url,
            status=response.status,
            body=response.body,
            fetched_at=utcnow(),
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            content_type=_header(response, "Content-Type"),
            duration_ms=1000 * response.meta.get("download_latency", 0.0),
        )

    def page_failed(self, failure: Failure) -> Any:
        page = cast(Any, failure).request.cb_kwargs["page"]  # set by Scrapy
        status = None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
        elif failure.check(DownloadCancelledError) and not failure.getErrorMessage():
            # Scrapy cancels a streamed body without a message once it passes the cap
            limit = self.settings.getint("DOWNLOAD_MAXSIZE")
            reason = (f"DownloadCancelledError: body passed the download max size ({limit} "
                      "bytes) and was refused")
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        level = logging.INFO if status == 404 else logging.WARNING
        logger.log(level, "could not fetch %s: %s", page.url, reason)
        yield PageFailure(page, reason, status)
