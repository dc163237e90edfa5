"""The channel registry: a subscription's ``kind`` picks its class (as urlwatch picks
reporters by kind). ``CHANNELS`` holds one stateless instance per kind, in the order
``subscribe add`` lists their options.

Adding a kind is one module under ``notifier/channels/`` (a ``Channel`` subclass: see
``base.py``) and one line here. The CLI options, target checks, masking, the settings the
composition root builds and sending all come from the class.
"""

from __future__ import annotations

import logging

from notifier.channels.apprise_urls import AppriseChannel
from notifier.channels.base import Channel, ChannelOption
from notifier.channels.email import EmailChannel
from notifier.channels.slack import SlackChannel
from notifier.channels.webhook import WebhookChannel
from notifier.errors import InvalidTarget
from notifier.validate import mask_url

logger = logging.getLogger(__name__)

CHANNELS: dict[str, Channel] = {
    channel.kind: channel
    for channel in (
        EmailChannel(),
        SlackChannel(),
        WebhookChannel(),
        AppriseChannel(),
    )
}


def get_channel(kind: str) -> Channel:
    """The channel for ``kind``; InvalidTarget naming the known kinds otherwise."""
    try:
        return CHANNELS[kind]
    except KeyError:
        known = ", ".join(CHANNELS)
        raise InvalidTarget(f"unknown channel kind {kind!r}; expected one of: {known}") from None


def validate_target(kind: str, target: str) -> str:
    """The normalised target for ``kind``, or InvalidTarget saying what is wrong."""
    return get_channel(kind).validate_target(target)


def mask_target(kind: str, target: str) -> str:
    """What may be shown of ``kind``'s target (an address as is, a secret URL masked); a
    kind no longer registered is masked like a secret URL."""
    channel = CHANNELS.get(kind)
    return channel.mask(target) if channel else mask_url(target)


__all__ = ["CHANNELS", "Channel", "ChannelOption", "get_channel", "mask_target",
           "validate_target"]
