"""Subscriptions: who wants which alerts, through which channel.

The channel's kind validates the target and decides on a secret; this module validates the
rest (filters, digest, format, duplicates) and ``db.subscriptions`` stores and reads them
back as records.
"""

from __future__ import annotations

from dataclasses import asdict, replace

from db import subscriptions as stored
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
from notifier.errors import DuplicateSubscription, InvalidTarget

__all__ = [
    "DuplicateSubscription", "add_subscription", "cancel_queued_alerts", "describe",
    "edit_subscription", "get_subscription", "get_subscriptions", "list_subscriptions",
    "pause_subscription", "remove_subscription", "rotate_secret",
]

DIGESTS = (None, "daily")


def check_filter(flt: SubscriptionFilter) -> SubscriptionFilter:
    """Thresholds that mean something: a minimum change is a size, never negative."""
    if flt.min_change is not None and (flt.min_change < 0 or flt.min_change != flt.min_change):
        raise InvalidTarget(f"min_change must be 0 or more (a size of change, in the "
                            f"figure's unit), not {flt.min_change:g}")
    return flt


def _check_choices(digest: str | None, format: str) -> None:
    if digest not in DIGESTS:
        raise InvalidTarget(f"digest must be 'daily' or omitted, not {digest!r}")
    if format not in FORMATS:
        raise InvalidTarget(f"format must be one of {', '.join(FORMATS)}, not {format!r}")


def _refuse_duplicate(session: Session, kind: str, target: str, flt: SubscriptionFilter,
                      digest: str | None, format: str, ignore: int | None = None) -> None:
    for sub in stored.live_with_target(session, kind, target):
        if sub.id != ignore and (sub.filter, sub.digest, sub.format) == (flt, digest, format):
            raise DuplicateSubscription(sub)


def state_of(sub: Subscription) -> str:
    return "removed" if not sub.active else "paused" if sub.paused else "active"


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
    """Validate and store a subscription; a kind that signs (webhooks) gets a fresh secret.

    An identical live subscription (same kind, target, filter, digest and format) is refused
    (:class:`DuplicateSubscription`): it would send every alert twice.
    """
    channel = get_channel(kind)
    target = channel.validate_target(target)
    flt = check_filter(filter or SubscriptionFilter())
    _check_choices(digest, format)
    _refuse_duplicate(session, kind, target, flt, digest, format)
    return insert_subscription(session, kind, target, name=name, filter=flt,
                               digest=digest, secret=channel.new_secret(), format=format)


def edit_subscription(session: Session, sub_id: int, **changes: object) -> Subscription:
    """Change a live subscription's name, filter, digest or format (validated as on add).

    Raises LookupError when there is no live subscription ``sub_id``.
    """
    current = get_subscription(session, sub_id)
    if current is None or not current.active:
        raise LookupError(f"no active subscription {sub_id}")
    updated = replace(current, **changes)  # type: ignore[arg-type]
    flt = check_filter(updated.filter)
    _check_choices(updated.digest, updated.format)
    _refuse_duplicate(session, current.kind, current.target, flt, updated.digest,
                      updated.format, ignore=sub_id)
    result = stored.update_subscription(session, sub_id, name=updated.name, filter=flt,
                                        digest=updated.digest, format=updated.format)
    assert result is not None
    return result


def pause_subscription(session: Session, sub_id: int, paused: bool) -> Subscription | None:
    """Pause (no alerts until resumed) or resume a live subscription; None if none.

    Pausing also cancels the alerts already queued for it and not being sent now: a paused
    subscription gets nothing, and resuming starts from the next event (see
    :func:`cancel_queued_alerts`)."""
    return stored.set_paused(session, sub_id, paused)


def cancel_queued_alerts(session: Session, sub_id: int) -> int:
    """Drop the alerts queued for a subscription and not being sent now (on pause)."""
    from db.outbox import cancel_queued

    return cancel_queued(session, sub_id)


def rotate_secret(session: Session, sub_id: int) -> Subscription:
    """A fresh secret for a live subscription whose kind has one (webhooks sign with it).

    Raises LookupError (no such live subscription) or InvalidTarget (the kind has none).
    """
    current = get_subscription(session, sub_id)
    if current is None or not current.active:
        raise LookupError(f"no active subscription {sub_id}")
    secret = get_channel(current.kind).new_secret()
    if secret is None:
        raise InvalidTarget(f"subscription {sub_id} is {current.kind}: it has no secret to "
                            "rotate")
    result = stored.set_secret(session, sub_id, secret)
    assert result is not None
    return result


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
        "paused": sub.paused,
        "state": state_of(sub),
        "filter": {k: (list(v) if isinstance(v, tuple) else v)
                   for k, v in asdict(sub.filter).items()},
    }
