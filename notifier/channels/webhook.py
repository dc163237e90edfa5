"""Generic webhooks: POST the JSON records, signed with the subscription's secret.

Signed the Standard Webhooks way (standardwebhooks.com), so a receiver verifies with an
off-the-shelf library and rejects stale deliveries: ``webhook-id`` (the outbox row id, the
same on every retry), ``webhook-timestamp`` (Unix seconds at this attempt) and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``. The key is the
subscription's secret; ``subscribe add`` shows it in the ``whsec_`` form (base64 of the
key bytes). A captured delivery replayed later fails the receiver's timestamp check.

For receivers written before that, ``X-BEA-Tracker-Signature: sha256=<hex>`` (HMAC-SHA256
of the body alone, same key) and ``Idempotency-Key`` (= ``webhook-id``) are still sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Sequence

from db.records import EventRecord, Subscription
from notifier.channels.base import ChannelOption, HttpUrlChannel, is_digest
from notifier.settings import DeliveryContext
from notifier.validate import mask_url

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-BEA-Tracker-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-BEA-Tracker-Event"
WEBHOOK_ID = "webhook-id"
WEBHOOK_TIMESTAMP = "webhook-timestamp"
WEBHOOK_SIGNATURE = "webhook-signature"
WHSEC_PREFIX = "whsec_"


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: what a receiver recomputes and compares with hmac.compare_digest."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def whsec(secret: str) -> str:
    """The secret as Standard Webhooks libraries take it: ``whsec_`` + base64 of the key."""
    return WHSEC_PREFIX + base64.b64encode(secret.encode("utf-8")).decode("ascii")


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "msg_id.timestamp.body">`` (Standard Webhooks)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def idempotency_key(outbox_id: int | None) -> str:
    """The outbox id; a test send (no row) gets a fresh key so it is never taken as a retry."""
    return str(outbox_id) if outbox_id is not None else f"test-{uuid.uuid4().hex}"


class WebhookChannel(HttpUrlChannel):
    kind = "webhook"
    option = ChannelOption(
        "--webhook", "URL", "POST JSON alerts to this URL (signed per Standard Webhooks)."
    )

    def new_secret(self) -> str:
        return secrets.token_hex(32)

    def secret_notice(self, secret: str) -> str:
        return (
            f"webhook signing secret (shown once): {whsec(secret)}\n"
            f"legacy X-BEA-Tracker-Signature secret (shown once): {secret}"
        )

    def deliver(
        self,
        subscription: Subscription,
        events: Sequence[EventRecord],
        outbox_id: int | None,
        context: DeliveryContext,
    ) -> None:
        from notifier.channels.http_post import post
        from notifier.render.payloads import encode_payload, webhook_payload

        url = self.destination(subscription, context)
        payload = webhook_payload(events, outbox_id, digest=is_digest(subscription, events))
        body = encode_payload(payload)
        msg_id = idempotency_key(outbox_id)
        timestamp = int(context.clock())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": context.user_agent,
            IDEMPOTENCY_HEADER: msg_id,
            EVENT_HEADER: payload["kind"],
            WEBHOOK_ID: msg_id,
            WEBHOOK_TIMESTAMP: str(timestamp),
        }
        if subscription.secret:
            headers[WEBHOOK_SIGNATURE] = standard_signature(
                subscription.secret, msg_id, timestamp, body
            )
            headers[SIGNATURE_HEADER] = sign(subscription.secret, body)
        else:
            logger.warning("webhook subscription %s has no secret: unsigned", subscription.id)
        post(url, body, headers, context)
        logger.info(
            "webhook alert sent: outbox=%s subscription=%s url=%s events=%d",
            outbox_id, subscription.id, mask_url(url), len(events),
        )  # fmt: skip
