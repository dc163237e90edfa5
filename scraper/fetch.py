"""Polite conditional GET for the feed, the schedule and predicted release pages.

The caller hands in the validators it stored last time (ETag, Last-Modified); a 304 costs
one round trip and nothing else. Errors are returned, not raised, so a poll loop can log
them, count them and carry on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024


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
        max_redirects=5,
    )


async def conditional_get(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BODY_BYTES,
) -> FetchResult:
    """GET ``url`` with If-None-Match / If-Modified-Since; never raises for HTTP trouble."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    try:
        async with client.stream("GET", url, headers=headers) as response:
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
    except (httpx.HTTPError, BodyTooLarge) as exc:
        result = FetchResult(
            url=url, started_at=started, duration_ms=(time.perf_counter() - t0) * 1000,
            error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
        )
    if result.error:
        logger.warning("GET %s failed: %s", url, result.error)
    return result


class BodyTooLarge(Exception):
    """A response larger than we are willing to hold (a page is ~100 KB)."""


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
