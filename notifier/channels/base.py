"""What every channel looks like to the delivery loop.

A channel sends one outbox row: one event, or for a digest subscription the batch of events
that row stands for. It returns on success and raises TransientSendError or
PermanentSendError otherwise; it never touches the database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from db.records import EventRecord, Subscription
from notifier.errors import InvalidTarget, PermanentSendError
from notifier.render.messages import RenderedAlert, render_events
from notifier.settings import DeliveryContext
from notifier.validate import validate_target

logger = logging.getLogger(__name__)


class Channel(Protocol):
    kind: str

    def validate_target(self, target: str) -> str:
        """The normalised target, or InvalidTarget."""
        ...

    def deliver(
        self,
        subscription: Subscription,
        events: Sequence[EventRecord],
        outbox_id: int | None,
        context: DeliveryContext,
    ) -> None:
        """Send once; ``outbox_id`` None means a test send that is not in the outbox."""
        ...


class TargetedChannel:
    """What the three channels share: validating their target, and turning a target that
    no longer validates into a permanent failure (retrying cannot fix it)."""

    kind: str

    def validate_target(self, target: str) -> str:
        return validate_target(self.kind, target)

    def target_of(self, subscription: Subscription) -> str:
        try:
            return self.validate_target(subscription.target)
        except InvalidTarget as exc:
            raise PermanentSendError(f"subscription {subscription.id}: {exc}") from None


def is_digest(subscription: Subscription, events: Sequence[EventRecord]) -> bool:
    """A digest subscription always gets the digest layout; anyone gets it for a batch."""
    return subscription.digest is not None or len(events) > 1


def render_for(subscription: Subscription, events: Sequence[EventRecord]) -> RenderedAlert:
    return render_events(events, digest=is_digest(subscription, events))
