"""Outbox leasing: one claimer per row, leases expire, states move as documented."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from db.events import append_event
from db.models import SubscriptionRow
from db.outbox import (
    cancel_queued,
    counts_by_status,
    enqueue,
    lease_due,
    mark_dead,
    mark_retry,
    mark_sent,
    next_due_at,
    renew_leases,
    retry_now,
)

NOW = datetime(2026, 9, 3, 12, 30, tzinfo=timezone.utc)
LEASE = timedelta(seconds=60)


def seed(database, events: int = 1) -> list[int]:
    with database.unit_of_work() as s:
        sub = SubscriptionRow(kind="webhook", target="http://127.0.0.1:9/h", filter={},
                              active=True, created_at=NOW)
        s.add(sub)
        s.flush()
        ids = [append_event(s, "new_release", f"k{i}") for i in range(events)]
        enqueue(s, [(sub.id, e, NOW) for e in ids])
        enqueue(s, [(sub.id, e, NOW) for e in ids])  # twice: still one row each
    return ids


def test_enqueue_is_unique_and_lease_is_exclusive(database):
    seed(database, 2)
    with database.unit_of_work() as s:
        first = lease_due(s, NOW, LEASE)
    with database.unit_of_work() as s:
        second = lease_due(s, NOW + timedelta(seconds=1), LEASE)
        assert counts_by_status(s)["sending"] == 2
    assert len(first) == 2 and second == []


def test_expired_lease_is_claimed_again(database):
    seed(database)
    with database.unit_of_work() as s:
        (lease,) = lease_due(s, NOW, LEASE)
        assert next_due_at(s) == NOW + LEASE
    with database.unit_of_work() as s:
        (again,) = lease_due(s, NOW + LEASE + timedelta(seconds=1), LEASE)
    assert again.outbox_id == lease.outbox_id and again.attempts == 2


def test_retry_dead_and_manual_retry(database):
    seed(database)
    with database.unit_of_work() as s:
        (lease,) = lease_due(s, NOW, LEASE)
        mark_retry(s, [lease.outbox_id], "HTTP 500", NOW + timedelta(seconds=30))
    with database.unit_of_work() as s:
        assert lease_due(s, NOW + timedelta(seconds=10), LEASE) == []
        (lease,) = lease_due(s, NOW + timedelta(seconds=31), LEASE)
        mark_dead(s, [lease.outbox_id], "HTTP 400")
        assert counts_by_status(s)["dead"] == 1
        assert retry_now(s, lease.outbox_id)
        assert counts_by_status(s)["pending"] == 1
    with database.unit_of_work() as s:  # its age (for give_up_after) counts from the retry
        (again,) = lease_due(s, datetime.now(timezone.utc), LEASE)
    assert again.attempts == 1 and again.created_at > lease.created_at


def test_sent_rows_are_never_claimed_and_expired_leases_are(database):
    seed(database, 2)
    with database.unit_of_work() as s:
        a, b = lease_due(s, NOW, LEASE)
        mark_sent(s, [a.outbox_id], NOW)
    with database.unit_of_work() as s:
        (only,) = lease_due(s, NOW + timedelta(hours=1), LEASE)
    assert only.outbox_id == b.outbox_id and only.attempts == 2


def test_a_sender_that_lost_its_lease_neither_renews_nor_marks_the_row(database):
    seed(database)
    with database.unit_of_work() as s:
        (first,) = lease_due(s, NOW, LEASE)
    with database.unit_of_work() as s:  # the first sender's lease ran out: a second claims
        (second,) = lease_due(s, NOW + LEASE + timedelta(seconds=1), LEASE)
    stale = {first.outbox_id: first.attempts}
    later = NOW + 3 * LEASE
    with database.unit_of_work() as s:
        assert renew_leases(s, stale, later) == []
        assert mark_sent(s, stale, NOW) == []
        assert mark_retry(s, stale, "HTTP 500", NOW) == []
        assert mark_dead(s, stale, "HTTP 400") == []
        assert counts_by_status(s)["sending"] == 1
        assert next_due_at(s) == NOW + 2 * LEASE + timedelta(seconds=1)
    held = {second.outbox_id: second.attempts}
    with database.unit_of_work() as s:
        assert renew_leases(s, held, later) == [second.outbox_id]
        assert next_due_at(s) == later
        assert mark_sent(s, held, NOW) == [second.outbox_id]
        assert counts_by_status(s)["sent"] == 1
        assert renew_leases(s, held, later) == []  # a sent row is nobody's lease


def test_a_claim_carries_when_the_row_was_queued(database):
    seed(database)
    with database.unit_of_work() as s:
        (lease,) = lease_due(s, NOW, LEASE)
    assert lease.created_at.tzinfo is not None
    assert abs((datetime.now(timezone.utc) - lease.created_at).total_seconds()) < 3600


def test_a_paused_subscriptions_rows_are_never_claimed_and_cancel_drops_the_queued(database):
    seed(database, 2)
    with database.unit_of_work() as s:
        sub = s.scalars(select(SubscriptionRow)).one()
        sub.paused = True
    with database.unit_of_work() as s:
        assert lease_due(s, NOW, LEASE) == [] and next_due_at(s) is None
        assert cancel_queued(s, sub.id) == 2
        assert counts_by_status(s)["pending"] == 0
    with database.unit_of_work() as s:  # a second subscription, not paused
        other = SubscriptionRow(kind="webhook", target="http://127.0.0.1:9/o", filter={},
                                active=True, created_at=NOW)
        s.add(other)
        s.flush()
        enqueue(s, [(other.id, append_event(s, "new_release", "other"), NOW)])
    with database.unit_of_work() as s:
        (lease,) = lease_due(s, NOW, LEASE)
        assert cancel_queued(s, lease.subscription_id) == 0  # being sent: left to finish
