"""Slack incoming webhooks: POST a Block Kit message to the subscription's secret URL."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from db.records import EventRecord, Subscription
from notifier.channels.base import render_for
from notifier.channels.http_post import post
from notifier.errors import InvalidTarget, PermanentSendError
from notifier.settings import DeliveryContext
from notifier.slack_blocks import slack_payload
from notifier.validate import mask_url, validate_target

logger = logging.getLogger(__name__)


class SlackChannel:
    kind = "slack"

    def validate_target(self, target: str) -> str:
        return validate_target(self.kind, target)

    def deliver(
        self,
        subscription: Subscription,
        events: Sequence[EventRecord],
        outbox_id: int | None,
        context: DeliveryContext,
    ) -> None:
        """Post one message; Slack answers 200 "ok" or an error code in the body."""
        try:
            url = self.validate_target(subscription.target)
        except InvalidTarget as exc:
            raise PermanentSendError(f"subscription {subscription.id}: {exc}") from None
        payload = slack_payload(render_for(subscription, events), events)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": context.user_agent}
        post(url, body, headers, context)
        logger.info(
            "slack alert sent: outbox=%s subscription=%s url=%s events=%d",
            outbox_id, subscription.id, mask_url(url), len(events),
        )  # fmt: skip
