"""Generic webhooks: POST the JSON records, signed with the subscription's secret.

Receivers verify ``X-BEA-Tracker-Signature: sha256=<hex>`` (HMAC-SHA256 of the exact body
bytes) and de-duplicate retries with ``Idempotency-Key`` (the outbox row id).
"""

from __future__ import annotations

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


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: what a receiver recomputes and compares with hmac.compare_digest."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def idempotency_key(outbox_id: int | None) -> str:
    """The outbox id; a test send (no row) gets a fresh key so it is never taken as a retry."""
    return str(outbox_id) if outbox_id is not None else f"test-{uuid.uuid4().hex}"


class WebhookChannel(HttpUrlChannel):
    kind = "webhook"
    option = ChannelOption(
        "--webhook", "URL", "POST JSON alerts to this URL (signed with HMAC-SHA256)."
    )

    def new_secret(self) -> str:
        return secrets.token_hex(32)

    def secret_notice(self, secret: str) -> str:
        return f"webhook signing secret (shown once): {secret}"

    def deliver(
        self,
        subscription: Subscription,
        events: Sequence[EventRecord],
        outbox_id: int | None,
        context: DeliveryContext,
    ) -> None:
        from notifier.channels.http_post import post
        from notifier.render.payloads import encode_payload, webhook_payload

        url = self.target_of(subscription)
        payload = webhook_payload(events, outbox_id, digest=is_digest(subscription, events))
        body = encode_payload(payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": context.user_agent,
            IDEMPOTENCY_HEADER: idempotency_key(outbox_id),
            EVENT_HEADER: payload["kind"],
        }
        if subscription.secret:
            headers[SIGNATURE_HEADER] = sign(subscription.secret, body)
        else:
            logger.warning("webhook subscription %s has no secret: unsigned", subscription.id)
        post(url, body, headers, context)
        logger.info(
            "webhook alert sent: outbox=%s subscription=%s url=%s events=%d",
            outbox_id, subscription.id, mask_url(url), len(events),
        )  # fmt: skip
