"""Polite conditional GET for the feed, the schedule and predicted release pages.

The caller hands in the validators it stored last time (ETag, Last-Modified); a 304 costs
one round trip and nothing else. Errors are returned, not raised, so a poll loop can log
them, count them and carry on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx

from scraper.errors import HostNotAllowed

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchResult:
    url: str
    started_at: datetime
    duration_ms: float
    status: int | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    retry_after: str | None = None
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


def host_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Only hosts named in ``bea.allowed_hosts`` are ever fetched (host or host:port)."""
    parts = urlsplit(url)
    return parts.hostname in allowed_hosts or parts.netloc in allowed_hosts


def make_client(user_agent: str, timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    )


async def conditional_get(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    *,
    allowed_hosts: tuple[str, ...] | None = None,
) -> FetchResult:
    """GET ``url`` with If-None-Match / If-Modified-Since; never raises for HTTP trouble.

    With ``allowed_hosts``, redirects are followed here, one hop at a time, and a hop to
    any other host is refused before it is requested.
    """
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    try:
        async with _open(client, url, headers, allowed_hosts) as response:
            body = await _read_capped(response, max_bytes)
            result = FetchResult(
                url=url, started_at=started, duration_ms=(time.perf_counter() - t0) * 1000,
                status=response.status_code, body=body,
                etag=response.headers.get("ETag") or etag,
                last_modified=response.headers.get("Last-Modified") or last_modified,
                content_type=response.headers.get("Content-Type"),
                retry_after=response.headers.get("Retry-After"),
                error=None if response.status_code in (200, 304) else
                f"HTTP {response.status_code}",
            )
    except (httpx.HTTPError, BodyTooLarge, HostNotAllowed) as exc:
        result = FetchResult(
            url=url, started_at=started, duration_ms=(time.perf_counter() - t0) * 1000,
            error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
        )
    if result.status == 404:
        # a release page probed before it is live: normal and quiet; callers that expect
        # the URL to exist (the feed, the schedule) log the failure themselves
        logger.debug("GET %s: 404", url)
    elif result.error:
        logger.warning("GET %s failed: %s", url, result.error)
    return result


class BodyTooLarge(Exception):
    """A response larger than we are willing to hold (a page is ~100 KB)."""


@asynccontextmanager
async def _open(client: httpx.AsyncClient, url: str, headers: dict[str, str],
                allowed_hosts: tuple[str, ...] | None) -> AsyncIterator[httpx.Response]:
    """The final response for ``url``; hops off ``allowed_hosts`` raise HostNotAllowed."""
    if allowed_hosts is None:
        async with client.stream("GET", url, headers=headers) as response:
            yield response
        return
    for _hop in range(MAX_REDIRECTS + 1):
        if not host_allowed(url, allowed_hosts):
            raise HostNotAllowed(f"{url}: host not in bea.allowed_hosts")
        async with client.stream("GET", url, headers=headers,
                                 follow_redirects=False) as response:
            if not (response.is_redirect and response.next_request is not None):
                yield response
                return
            url = str(response.next_request.url)
    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise BodyTooLarge(f"{length} bytes is over the {max_bytes} byte limit")
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(f"over the {max_bytes} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)
