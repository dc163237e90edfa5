"""Slack incoming webhooks: POST a Block Kit message to the subscription's secret URL."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

from db.records import FORMAT_SHORT, EventRecord, Subscription
from notifier.channels.base import ChannelOption, HttpUrlChannel, render_for
from notifier.errors import InvalidTarget
from notifier.settings import DeliveryContext
from notifier.validate import mask_url

logger = logging.getLogger(__name__)

#: where Slack's incoming webhooks live (commercial and GovSlack)
SLACK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class SlackChannel(HttpUrlChannel):
    kind = "slack"
    option = ChannelOption(
        "--slack", "URL", "Slack incoming-webhook URL, https://hooks.slack.com/services/... "
        "(kept secret, masked when shown)."
    )

    def check_target(self, target: str) -> str:
        """An incoming-webhook URL on Slack's own host over https (a loopback URL is
        accepted too, for local testing and the demo)."""
        from urllib.parse import urlsplit

        from notifier.errors import InvalidTarget

        url = super().check_target(target)
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host in LOOPBACK:
            return url
        if host not in SLACK_HOSTS or parts.scheme.lower() != "https":
            raise InvalidTarget(
                f"not a Slack incoming-webhook URL: {mask_url(url)} (expected "
                "https://hooks.slack.com/services/...)")
        return url

    def check_destination(self, target: str, allow_private: bool, *,
                          at_send: bool = False) -> None:
        """Slack incoming webhooks live at https://hooks.slack.com/ and nowhere else (your
        own test receiver only with ``delivery.allow_private_targets``)."""
        if allow_private:
            return
        parts = urlsplit(target)
        if parts.scheme != "https" or (parts.hostname or "").lower() not in SLACK_HOSTS:
            raise InvalidTarget(f"a Slack target must be an https://{SLACK_HOSTS[0]}/... "
                                f"URL, got {mask_url(target)}")
        super().check_destination(target, allow_private, at_send=at_send)

    def deliver(
        self,
        subscription: Subscription,
        events: Sequence[EventRecord],
        outbox_id: int | None,
        context: DeliveryContext,
    ) -> None:
        """Post one message; Slack answers 200 "ok" or an error code in the body."""
        from notifier.channels.http_post import post
        from notifier.render.slack_blocks import slack_payload, slack_text_payload

        url = self.destination(subscription, context)
        rendered = render_for(subscription, events)
        if subscription.format == FORMAT_SHORT:
            payload = slack_text_payload(rendered)
        else:
            payload = slack_payload(rendered, events)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": context.user_agent}
        post(url, body, headers, context)
        logger.info(
            "slack alert sent: outbox=%s subscription=%s url=%s events=%d",
            outbox_id, subscription.id, mask_url(url), len(events),
        )  # fmt: skip
