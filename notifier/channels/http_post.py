"""One HTTP POST for the Slack and webhook channels, with failures classified.

Transient: connection errors, timeouts, 5xx, 408 and 429 (with Retry-After in seconds or
as an HTTP-date). Permanent: every other non-2xx status, including redirects, which are not
followed so a body is never sent to a host nobody subscribed. Reasons never contain the URL
nor the receiver's reply body. Every send is bounded: one deadline for the whole exchange,
and at most 64 KB of the reply read (raw, never decoded).
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from db.http_headers import parse_retry_after
from notifier.errors import PermanentSendError, TransientSendError
from notifier.render.formatting import one_line
from notifier.settings import DeliveryContext
from notifier.validate import mask_url

logger = logging.getLogger(__name__)

_TRANSIENT_4XX = (408, 429)

REPLY_READ_LIMIT = 64 * 1024  # raw bytes of a reply we read (and then drop) at most


async def _post(url: str, body: bytes, headers: dict[str, str], deadline: float) -> httpx.Response:
    """One POST on its own connection, whole exchange within ``deadline`` seconds.

    The reply body is read raw (never decoded: a gzip bomb stays 2 KB) up to
    ``REPLY_READ_LIMIT`` bytes and dropped; only the status and headers are kept.
    """
    async with asyncio.timeout(deadline):
        async with httpx.AsyncHTTPTransport(retries=0) as transport:
            request = httpx.Request(
                "POST", url, content=body, headers=headers,
                extensions={"timeout": httpx.Timeout(deadline).as_dict()},
            )  # fmt: skip
            response = await transport.handle_async_request(request)
            try:
                read = 0
                async for chunk in response.aiter_raw():
                    read += len(chunk)
                    if read >= REPLY_READ_LIMIT:
                        break
            finally:
                await response.aclose()
            return response


def post(url: str, body: bytes, headers: dict[str, str], context: DeliveryContext) -> None:
    """POST ``body``; return on 2xx, raise Transient/PermanentSendError otherwise.

    ``context.timeout`` bounds the whole send (connect, upload, the reply), so a receiver
    that drips its answer cannot hold a sender past it. Goes straight to an httpx transport:
    no redirects followed, and none of httpx.Client's request logging, which would write
    the secret URL to the log. Runs in a sender thread, on an event loop of its own.
    """
    masked = mask_url(url)
    try:
        response = asyncio.run(_post(url, body, headers, context.timeout))
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise TransientSendError(
            f"{type(exc).__name__}: no complete answer from {masked} within "
            f"{context.timeout:g} s"
        ) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        raise PermanentSendError(f"invalid URL {masked}") from None
    except httpx.TransportError as exc:
        detail = str(exc).replace(url, masked) or type(exc).__name__
        raise TransientSendError(f"{type(exc).__name__} posting to {masked}: {detail}") from None
    raise_for_status(response, masked)


def raise_for_status(response: httpx.Response, masked_url: str) -> None:
    """Classify a non-2xx answer into the two send errors."""
    status = response.status_code
    if 200 <= status < 300:
        logger.debug("POST %s -> %s", masked_url, status)
        return
    # the reply body is never echoed: a target aimed at an internal service would
    # otherwise print that service's answer (``subscribe test``, logs, ``deliveries``)
    reason = f"HTTP {status} {one_line(response.reason_phrase, 60)} from {masked_url}"
    if status >= 500 or status in _TRANSIENT_4XX:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise TransientSendError(reason, retry_after=retry_after)
    if 300 <= status < 400:
        reason = f"{reason} (redirects are not followed; update the subscription's URL)"
    raise PermanentSendError(reason)
