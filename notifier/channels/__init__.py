"""Channels by kind, so a subscription's ``kind`` picks its sender (as urlwatch picks
reporters). ``CHANNELS`` holds one stateless instance per kind.
"""

from __future__ import annotations

import logging

from notifier.channels.base import Channel
from notifier.channels.email import EmailChannel
from notifier.channels.slack import SlackChannel
from notifier.channels.webhook import WebhookChannel
from notifier.errors import InvalidTarget

logger = logging.getLogger(__name__)

CHANNELS: dict[str, Channel] = {
    "email": EmailChannel(),
    "slack": SlackChannel(),
    "webhook": WebhookChannel(),
}


def get_channel(kind: str) -> Channel:
    """The channel for ``kind``; InvalidTarget naming the known kinds otherwise."""
    try:
        return CHANNELS[kind]
    except KeyError:
        known = ", ".join(CHANNELS)
        raise InvalidTarget(f"unknown channel kind {kind!r}; expected one of: {known}") from None


__all__ = ["CHANNELS", "Channel", "get_channel"]
