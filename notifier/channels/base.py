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
from notifier.render import RenderedAlert, render_events
from notifier.settings import DeliveryContext

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


def is_digest(subscription: Subscription, events: Sequence[EventRecord]) -> bool:
    """A digest subscription always gets the digest layout; anyone gets it for a batch."""
    return subscription.digest is not None or len(events) > 1


def render_for(subscription: Subscription, events: Sequence[EventRecord]) -> RenderedAlert:
    return render_events(events, digest=is_digest(subscription, events))
