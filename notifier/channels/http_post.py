"""One HTTP POST for the Slack and webhook channels, with failures classified.

Transient: connection errors, timeouts, 5xx, 408 and 429 (with Retry-After in seconds or
as an HTTP-date). Permanent: every other non-2xx status, including redirects, which are not
followed so a body is never sent to a host nobody subscribed. Reasons never contain the URL.
"""

from __future__ import annotations

import logging

import httpx

from db.http_headers import parse_retry_after
from notifier.errors import PermanentSendError, TransientSendError
from notifier.render.formatting import one_line
from notifier.settings import DeliveryContext
from notifier.validate import mask_url

logger = logging.getLogger(__name__)

_TRANSIENT_4XX = (408, 429)
_BODY_SNIPPET = 200


def _send(transport: httpx.BaseTransport, request: httpx.Request) -> httpx.Response:
    response = transport.handle_request(request)
    try:
        response.read()
    finally:
        response.close()
    return response


def post(url: str, body: bytes, headers: dict[str, str], context: DeliveryContext) -> None:
    """POST ``body``; return on 2xx, raise Transient/PermanentSendError otherwise.

    Goes straight to an httpx transport: no redirects followed, and none of httpx.Client's
    request logging, which would write the secret URL to the log.
    """
    masked = mask_url(url)
    try:
        request = httpx.Request(
            "POST", url, content=body, headers=headers,
            extensions={"timeout": httpx.Timeout(context.timeout).as_dict()},
        )  # fmt: skip
        if context.http_transport is not None:
            response = _send(context.http_transport, request)
        else:
            with httpx.HTTPTransport() as transport:
                response = _send(transport, request)
    except httpx.TimeoutException as exc:
        raise TransientSendError(
            f"{type(exc).__name__}: no answer from {masked} within {context.timeout:g} s"
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
    snippet = one_line(response.text, _BODY_SNIPPET) if response.content else ""
    reason = f"HTTP {status} {response.reason_phrase} from {masked_url}"
    if snippet:
        reason = f"{reason}: {snippet}"
    if status >= 500 or status in _TRANSIENT_4XX:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise TransientSendError(reason, retry_after=retry_after)
    if 300 <= status < 400:
        reason = f"{reason} (redirects are not followed; update the subscription's URL)"
    raise PermanentSendError(reason)
