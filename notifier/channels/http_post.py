"""One HTTP POST for the Slack and webhook channels, with failures classified.

Transient: connection errors, timeouts, 5xx, 408 and 429 (with Retry-After in seconds or
as an HTTP-date). Permanent: every other non-2xx status, including redirects, which are not
followed so a body is never sent to a host nobody subscribed. Reasons never contain the URL
nor the receiver's reply body. Every send is bounded: one deadline for the whole exchange,
and at most 64 KB of the reply read (raw, never decoded). Connections are pooled per
target policy and go only to addresses checked against it (connections.py).
"""

from __future__ import annotations

import asyncio
import logging

import httpcore
import httpx

from db.http_headers import parse_retry_after
from notifier.channels.connections import sender_loop
from notifier.errors import PermanentSendError, TargetInside, TransientSendError
from notifier.render.formatting import one_line
from notifier.settings import DeliveryContext
from notifier.validate import mask_url

logger = logging.getLogger(__name__)

_TRANSIENT_4XX = (408, 429)

REPLY_READ_LIMIT = 64 * 1024  # raw bytes of a reply we read (and then drop) at most
BACKSTOP_GRACE = 2.0  # seconds past the deadline before the caller stops waiting anyway


async def _post(url: str, body: bytes, headers: dict[str, str], deadline: float,
                allow_private: bool) -> httpx.Response:
    """One POST on a pooled connection, whole exchange within ``deadline`` seconds.

    The reply body is read raw (never decoded: a gzip bomb stays 2 KB) up to
    ``REPLY_READ_LIMIT`` bytes and dropped; only the status and headers are kept. A reply
    read in full leaves its connection to the pool; one cut short closes it.
    """
    async with asyncio.timeout(deadline):
        pool = sender_loop().pool(allow_private)
        timeouts = {"connect": deadline, "read": deadline, "write": deadline,
                    "pool": deadline}
        async with pool.stream("POST", url, headers=list(headers.items()), content=body,
                               extensions={"timeout": timeouts}) as reply:
            read = 0
            async for chunk in reply.aiter_stream():
                read += len(chunk)
                if read >= REPLY_READ_LIMIT:
                    break
        return httpx.Response(reply.status, headers=reply.headers,
                              extensions={"reason_phrase": reply.extensions.get(
                                  "reason_phrase", b"")})


def post(url: str, body: bytes, headers: dict[str, str], context: DeliveryContext) -> None:
    """POST ``body``; return on 2xx, raise Transient/PermanentSendError otherwise.

    ``context.timeout`` bounds the whole send (connect, upload, the reply), so a receiver
    that drips its answer cannot hold a sender past it. Goes straight to an httpcore pool:
    no redirects followed, and no client request logging, which would write the secret URL
    to the log. The calling sender thread waits while the exchange runs on the sender loop
    (notifier/channels/connections.py), whose pooled connections only ever go to
    addresses checked against the target policy.
    """
    masked = mask_url(url)
    loop = sender_loop()
    coro = _post(url, body, headers, context.timeout, context.allow_private_targets)
    try:
        response = loop.run(coro, context.timeout + BACKSTOP_GRACE)
    except (TimeoutError, httpcore.TimeoutException):
        raise TransientSendError(
            f"TimeoutError: no complete answer from {masked} within {context.timeout:g} s"
        ) from None
    except TargetInside as exc:
        raise PermanentSendError(f"{exc}: {masked}") from None
    except (httpcore.UnsupportedProtocol, ValueError):
        raise PermanentSendError(f"invalid URL {masked}") from None
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError) as exc:
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
