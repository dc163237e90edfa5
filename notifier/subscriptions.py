"""Subscriptions: who wants which alerts, through which channel.

The channel's kind validates the target and decides on a secret; ``db.subscriptions``
stores and reads them back as records.
"""

from __future__ import annotations

from dataclasses import asdict

from db.records import FORMAT_FULL, FORMATS, Subscription, SubscriptionFilter
from db.session import Session
from db.subscriptions import (
    deactivate_subscription,
    get_subscription,
    get_subscriptions,
    insert_subscription,
    list_subscriptions,
)
from notifier.channels import get_channel, mask_target
from notifier.errors import InvalidTarget

__all__ = [
    "add_subscription", "describe", "get_subscription", "get_subscriptions",
    "list_subscriptions", "remove_subscription",
]

DIGESTS = (None, "daily")


def add_subscription(
    session: Session,
    kind: str,
    target: str,
    *,
    name: str | None = None,
    filter: SubscriptionFilter | None = None,
    digest: str | None = None,
    format: str = FORMAT_FULL,
) -> Subscription:
    """Validate and store a subscription; a kind that signs (webhooks) gets a fresh secret."""
    channel = get_channel(kind)
    target = channel.validate_target(target)
    if digest not in DIGESTS:
        raise InvalidTarget(f"digest must be 'daily' or omitted, not {digest!r}")
    if format not in FORMATS:
        raise InvalidTarget(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    return insert_subscription(session, kind, target, name=name, filter=filter,
                               digest=digest, secret=channel.new_secret(), format=format)


def remove_subscription(session: Session, sub_id: int) -> bool:
    """Deactivate (not delete): its delivery history stays readable."""
    return deactivate_subscription(session, sub_id)


def describe(sub: Subscription) -> dict:
    """A subscription for display: secrets masked, filters spelled out."""
    return {
        "id": sub.id,
        "kind": sub.kind,
        "target": mask_target(sub.kind, sub.target),
        "name": sub.name,
        "digest": sub.digest,
        "format": sub.format,
        "active": sub.active,
        "filter": {k: (list(v) if isinstance(v, tuple) else v)
                   for k, v in asdict(sub.filter).items()},
    }
