"""Turning the event log into outbox rows: a durable cursor, subscription rules, one
transaction per batch, so a crash either keeps the whole batch or none of it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from db.dialect import serialize
from db.events import cursor_position, events_to_alert, move_cursor
from db.outbox import enqueue
from db.session import Database
from notifier.rules import matches
from notifier.subscriptions import list_subscriptions

logger = logging.getLogger(__name__)

CURSOR = "notifier"
BATCH = 500


def match_events(
    database: Database, now: datetime, digest_due: Callable[[datetime], datetime]
) -> int:
    """Match every event past the cursor; returns how many outbox rows were written.

    The unique (subscription, event) pair makes a second matcher running at the same time
    harmless: its rows are ignored, never doubled.
    """
    written = 0
    while True:
        with database.unit_of_work() as session:
            serialize(session, "matcher")  # several daemons: one moves the cursor at a time
            events, last_id = events_to_alert(session, cursor_position(session, CURSOR), BATCH)
            if last_id is None:
                return written
            subs = list_subscriptions(session, active_only=True)
            rows = []
            for event in events:
                for sub in subs:
                    if matches(sub, event):
                        due = digest_due(now) if sub.digest else now
                        rows.append((sub.id, event.id, due))
            written += enqueue(session, rows)
            move_cursor(session, CURSOR, last_id)
            logger.info("matched events up to %d: %d outbox rows", last_id, len(rows))
