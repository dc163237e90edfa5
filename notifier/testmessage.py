"""The message `bea-tracker subscribe test ID` sends through a subscription's real channel.

With a release in the database it is that latest release, rendered exactly as its alert
would be in the subscription's own format, so a subscriber sees what they will get. In an
empty database it is a new_release-shaped event that says it is a test, with no figures, so
nobody mistakes it for data. It is sent with ``outbox_id=None``: a fresh Message-ID and
Idempotency-Key each time, so a second test is not dropped as a duplicate of the first.
"""

from __future__ import annotations

import logging
from datetime import datetime

from db.records import EVENT_NEW_RELEASE, EventRecord, ReleaseRecord, Subscription
from notifier.channels import get_channel
from notifier.settings import DeliveryContext

logger = logging.getLogger(__name__)

TEST_URL = "https://www.bea.gov/news/current-releases"


def make_test_event(now: datetime, subscription: Subscription) -> EventRecord:
    """An event that reads as a test alert for ``subscription``."""
    label = f"subscription {subscription.id}" + (
        f" ({subscription.name})" if subscription.name else ""
    )
    release = ReleaseRecord(
        url=TEST_URL,
        title="Test alert from bea-tracker",
        released_at=now,
        lead=(
            f"This is a test message for {label}. If you can read it, delivery through "
            f"this {subscription.kind} channel works. It carries no BEA data."
        ),
    )
    return EventRecord(id=0, kind=EVENT_NEW_RELEASE, created_at=now, release=release)


def send_test_message(
    subscription: Subscription,
    context: DeliveryContext,
    now: datetime,
    latest: EventRecord | None = None,
) -> None:
    """Send ``latest`` (the latest release, rendered as a real alert in the subscription's
    format) or, without one, a test alert that carries no data; raises
    TransientSendError / PermanentSendError like a real send."""
    event = latest or make_test_event(now, subscription)
    get_channel(subscription.kind).deliver(subscription, [event], None, context)
