"""Downloader middlewares: only allowed hosts, and wait as long as the server asks before
a retry."""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from db.http_headers import parse_retry_after
from scraper.fetch import ALLOWED_SCHEMES, refusal

logger = logging.getLogger(__name__)


class RetryAfterMiddleware:
    """Runs before Scrapy's RetryMiddleware sees a 429/503: sleeps for Retry-After (capped
    by ``RETRY_AFTER_MAX``), then lets RetryMiddleware schedule the retry as usual."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler.settings.getfloat("RETRY_AFTER_MAX", 60.0))

    async def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if response.status not in (429, 503):
            return response
        header = response.headers.get("Retry-After")
        wait = parse_retry_after(header.decode("latin-1") if header else None)
        if wait is None:
            return response
        wait = min(wait, self.max_wait)
        logger.info("%s answered %s; waiting %.1f s as Retry-After asks", request.url,
                    response.status, wait)
        await asyncio.sleep(wait)
        return response


class AllowedHostsMiddleware:
    """Refuses any request (a redirect hop included) that is not http(s) on a host in
    ``ALLOWED_HOSTS``.

    The spider only starts requests on allowed hosts; this also stops a redirect that
    would lead elsewhere (another host, 127.0.0.1, a file: URL), before it is sent.
    """

    def __init__(self, allowed_hosts: tuple[str, ...],
                 schemes: tuple[str, ...] = ALLOWED_SCHEMES) -> None:
        self.allowed_hosts = allowed_hosts
        self.schemes = schemes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        schemes = tuple(crawler.settings.getlist("ALLOWED_SCHEMES")) or ALLOWED_SCHEMES
        return cls(tuple(crawler.settings.getlist("ALLOWED_HOSTS")), schemes)

    def process_request(self, request: Request) -> None:
        reason = refusal(request.url, self.allowed_hosts, self.schemes)
        if reason:
            logger.warning("refusing %s: %s", request.url, reason)
            raise IgnoreRequest(f"{request.url}: {reason}")
