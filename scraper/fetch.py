"""The one HTTP client the scraper fetches with; the fetch policy travels with it.

A :class:`FetchClient` is built once, in the composition root, from a :class:`FetchPolicy`:
the schemes (http, https) and hosts (``bea.allowed_hosts``) it may ask, an overall deadline
per request (connect, redirects and the whole body: a server that drips one byte a second
cannot hold it), and a size cap applied to the body *after* decoding (a gzip bomb is cut off
at the cap; stacked encodings such as ``gzip, gzip`` are refused). Every path (feed,
schedule, page probe, backfill, poller) goes through :meth:`FetchClient.get`, so no caller
can forget the policy. Redirects are followed here one hop at a time, each hop checked
before it is requested.

Conditional GET: the caller hands in the validators it stored last time (ETag,
Last-Modified); a 304 costs one round trip. Errors are returned in the result, not raised,
so a poll loop can log them, count them and carry on.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from db.types import utcnow
from scraper.errors import BodyTooLarge, FetchError, HostNotAllowed

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024  # the one size cap (a release page is ~50-100 KB)
MAX_REDIRECTS = 5
ALLOWED_SCHEMES = ("http", "https")
DEFAULT_DEADLINE = 20.0


def refusal(url: str, allowed_hosts: tuple[str, ...],
            schemes: tuple[str, ...] = ALLOWED_SCHEMES) -> str | None:
    """Why ``url`` may not be fetched, or None: only http(s) on ``bea.allowed_hosts``.

    The scheme matters as much as the host: ``file://www.bea.gov/etc/passwd`` names an
    allowed host and must still never be read.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "malformed URL"
    if parts.scheme.lower() not in schemes:
        return f"scheme {parts.scheme or '(none)'!r} is not http(s)"
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or not host or not (
            host in allowed_hosts or parts.netloc.lower() in allowed_hosts):
        return "host not in bea.allowed_hosts"
    return None


def host_allowed(url: str, allowed_hosts: tuple[str, ...],
                 schemes: tuple[str, ...] = ALLOWED_SCHEMES) -> bool:
    """An http(s) URL on a host named in ``bea.allowed_hosts`` (host or host:port)."""
    return refusal(url, allowed_hosts, schemes) is None


@dataclass(frozen=True)
class FetchPolicy:
    """What the client may fetch, how long it may take and how much it may hold."""

    allowed_hosts: tuple[str, ...]
    user_agent: str
    deadline: float = DEFAULT_DEADLINE
    max_bytes: int = MAX_BODY_BYTES
    max_redirects: int = MAX_REDIRECTS
    schemes: tuple[str, ...] = ALLOWED_SCHEMES

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed_hosts",
                           tuple(h.lower() for h in self.allowed_hosts))

    def allows(self, url: str) -> bool:
        return host_allowed(url, self.allowed_hosts, self.schemes)

    def refusal(self, url: str) -> str | None:
        return refusal(url, self.allowed_hosts, self.schemes)

    def check(self, url: str) -> None:
        reason = self.refusal(url)
        if reason:
            raise HostNotAllowed(f"{url}: {reason}")


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


class FetchClient:
    """An httpx client bound to one :class:`FetchPolicy`; use as ``async with``."""

    def __init__(self, policy: FetchPolicy,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self._client = httpx.AsyncClient(
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(policy.deadline),
            follow_redirects=False,
            transport=transport,
        )

    async def __aenter__(self) -> FetchClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def allows(self, url: str) -> bool:
        return self.policy.allows(url)

    async def get(self, url: str, etag: str | None = None,
                  last_modified: str | None = None) -> FetchResult:
        """GET ``url`` (conditional with the validators given); never raises for HTTP
        trouble, an off-policy URL or hop, a missed deadline or a body over the cap."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = utcnow()
        t0 = time.perf_counter()

        def elapsed() -> float:
            return (time.perf_counter() - t0) * 1000

        try:
            async with asyncio.timeout(self.policy.deadline):
                async with self._open(url, headers) as response:
                    body = await _read_decoded(response, self.policy.max_bytes)
            result = FetchResult(
                url=url, started_at=started, duration_ms=elapsed(),
                status=response.status_code, body=body,
                etag=response.headers.get("ETag") or etag,
                last_modified=response.headers.get("Last-Modified") or last_modified,
                content_type=response.headers.get("Content-Type"),
                retry_after=response.headers.get("Retry-After"),
                error=None if response.status_code in (200, 304) else
                f"HTTP {response.status_code}",
            )
        except TimeoutError:
            result = FetchResult(
                url=url, started_at=started, duration_ms=elapsed(),
                error=f"DeadlineExceeded: no complete answer within {self.policy.deadline:g} s")
        except (httpx.HTTPError, FetchError) as exc:
            result = FetchResult(
                url=url, started_at=started, duration_ms=elapsed(),
                error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
            )
        if result.status == 404:
            # a release page probed before it is live: normal and quiet; callers that expect
            # the URL to exist (the feed, the schedule) log the failure themselves
            logger.debug("GET %s: 404", url)
        elif result.error:
            logger.warning("GET %s failed: %s", url, result.error)
        return result

    @asynccontextmanager
    async def _open(self, url: str, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """The final response for ``url``; a hop off the policy raises HostNotAllowed."""
        for _hop in range(self.policy.max_redirects + 1):
            self.policy.check(url)
            async with self._client.stream("GET", url, headers=headers) as response:
                if not (response.is_redirect and response.next_request is not None):
                    yield response
                    return
                url = str(response.next_request.url)
        raise httpx.TooManyRedirects(f"more than {self.policy.max_redirects} redirects")


def _decoder(content_encoding: str | None) -> Any:  # a zlib decompressobj, _Deflate or None
    """A zlib decompressor for the body's one encoding; stacked or unknown ones refused."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise FetchError(f"stacked Content-Encoding ({content_encoding}) refused")
    if not codings:
        return None
    if codings[0] in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if codings[0] == "deflate":
        return _Deflate()
    raise FetchError(f"unsupported Content-Encoding {codings[0]!r}")


class _Deflate:
    """``deflate`` as servers send it: zlib-wrapped, or (wrongly, but often) raw."""

    def __init__(self) -> None:
        self._obj = zlib.decompressobj()
        self._first = True

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._first:
            self._first = False
            try:
                return self._obj.decompress(data, max_length)
            except zlib.error:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._obj.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self._obj.unconsumed_tail


async def _read_decoded(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refusing it as soon as it (raw or decoded) passes ``max_bytes``."""
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise BodyTooLarge(f"{length} bytes is over the {max_bytes} byte limit")
    decoder = _decoder(response.headers.get("Content-Encoding"))
    out = bytearray()
    raw_size = 0
    async for chunk in response.aiter_raw():
        raw_size += len(chunk)
        if raw_size > max_bytes:
            raise BodyTooLarge(f"over the {max_bytes} byte limit")
        if decoder is None:
            out += chunk
        else:
            data = chunk
            while data:
                try:
                    out += decoder.decompress(data, max_bytes + 1 - len(out))
                except zlib.error as exc:
                    raise FetchError(f"body does not decode: {exc}") from None
                if len(out) > max_bytes:
                    break
                data = decoder.unconsumed_tail
        if len(out) > max_bytes:
            raise BodyTooLarge(f"over the {max_bytes} byte limit once decoded")
    return bytes(out)
