"""The outbox: one row per subscription x event, leased while being sent.

States: ``pending`` (due at ``next_attempt_at``) -> ``sending`` (leased until
``lease_until``) -> ``sent`` | ``pending`` again (retry) | ``dead`` (gave up; stays visible).
A sender that dies mid-send leaves a ``sending`` row whose lease expires, so the row is
retried, never lost; the unique (subscription, event) pair means it is never doubled.

Each claim adds one to ``attempts``, so (id, attempts) names one lease: a sender renews and
marks only the rows it still holds (``held``), never a row another sender claimed after its
lease ran out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from db.dialect import insert_ignoring_duplicates, notify_outbox, rowcount
from db.models import Event, OutboxRow, SubscriptionRow
from db.records import DeadAlert, DeliveryRecord
from db.types import utcnow

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
STATUSES = (PENDING, SENDING, SENT, DEAD)


@dataclass(frozen=True)
class Lease:
    outbox_id: int
    subscription_id: int
    event_id: int
    attempts: int
    #: when the row was queued: a row older than ``delivery.give_up_after`` is given up
    created_at: datetime


def enqueue(session: Session, rows: list[tuple[int, int, datetime]]) -> int:
    """Add (subscription_id, event_id, due_at) rows; existing pairs are left alone."""
    now = utcnow()
    added = insert_ignoring_duplicates(
        session,
        OutboxRow.__table__,
        [
            {
                "subscription_id": sub_id,
                "event_id": event_id,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": due,
                "created_at": now,
            }
            for sub_id, event_id, due in rows
        ],
    )
    if added:
        notify_outbox(session)
    return added


def _claimable(now: datetime, since: datetime | None = None):
    due = and_(OutboxRow.status == PENDING, OutboxRow.next_attempt_at <= now)
    if since is not None:
        # a row retried during this cycle waits for the next one; rows added since are due
        fresh = and_(OutboxRow.created_at >= since, OutboxRow.attempts == 0)
        due = and_(due, or_(OutboxRow.next_attempt_at <= since, fresh))
    paused = select(SubscriptionRow.id).where(SubscriptionRow.paused.is_(True))
    return and_(
        or_(due, and_(OutboxRow.status == SENDING, OutboxRow.lease_until < now)),
        # a row queued while its subscription was being paused waits for resume
        OutboxRow.subscription_id.not_in(paused),
    )


def lease_due(session: Session, now: datetime, lease: timedelta, limit: int = 500,
              since: datetime | None = None) -> list[Lease]:
    """Claim due rows (and rows whose sender's lease ran out) for sending.

    One conditional UPDATE ... RETURNING (SQLite >= 3.35 and PostgreSQL alike) claims the
    batch: a row another sender claimed first no longer matches, so no row is claimed twice.
    On PostgreSQL the candidates are read ``FOR UPDATE SKIP LOCKED``: several daemons
    claiming at once each take rows the others have not locked, instead of queueing on
    them (SQLite has one writer and ignores the clause).
    With ``since`` (a delivery cycle's start), a row whose retry was scheduled after it is
    left for the next cycle, while rows added after it are claimed: each row is tried at
    most once per cycle, and new events need not wait for one.
    """
    candidates = list(session.scalars(
        select(OutboxRow.id)
        .where(_claimable(now, since))
        .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ))
    if not candidates:
        return []
    claimed = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id.in_(candidates), _claimable(now, since))
        .values(status=SENDING, lease_until=now + lease, attempts=OutboxRow.attempts + 1)
        .returning(OutboxRow.id, OutboxRow.subscription_id, OutboxRow.event_id,
                   OutboxRow.attempts, OutboxRow.created_at)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted((Lease(*row) for row in claimed), key=lambda lease: lease.outbox_id)


def _held(held: Mapping[int, int]) -> Any:
    """Rows still leased to their holder: ``sending`` with the attempt count of its claim
    (grouped by count: one IN list per count, not one OR term per row)."""
    by_attempt: dict[int, list[int]] = {}
    for outbox_id, attempts in held.items():
        by_attempt.setdefault(attempts, []).append(outbox_id)
    return and_(OutboxRow.status == SENDING, or_(*(
        and_(OutboxRow.attempts == attempts, OutboxRow.id.in_(ids))
        for attempts, ids in by_attempt.items())))


def _mark(session: Session | Connection, outbox_ids: list[int] | Mapping[int, int],
          values: dict[str, Any]) -> list[int]:
    """Update the rows; a mapping (id -> attempts of the claim) updates only those this
    sender still holds. Returns the ids updated."""
    if not outbox_ids:
        return []
    where = _held(outbox_ids) if isinstance(outbox_ids, Mapping) \
        else OutboxRow.id.in_(outbox_ids)
    result = session.execute(
        update(OutboxRow).where(where).values(**values).returning(OutboxRow.id)
        .execution_options(synchronize_session=False))
    return sorted(result.scalars())


def mark_sent(session: Session | Connection, outbox_ids: list[int] | Mapping[int, int],
              at: datetime | None = None) -> list[int]:
    return _mark(session, outbox_ids,
                 {"status": SENT, "sent_at": at or utcnow(), "lease_until": None,
                  "last_error": None})


def mark_retry(session: Session | Connection, outbox_ids: list[int] | Mapping[int, int],
               error: str, at: datetime) -> list[int]:
    return _mark(session, outbox_ids,
                 {"status": PENDING, "next_attempt_at": at, "lease_until": None,
                  "last_error": error})


def mark_dead(session: Session | Connection, outbox_ids: list[int] | Mapping[int, int],
              error: str) -> list[int]:
    return _mark(session, outbox_ids,
                 {"status": DEAD, "lease_until": None, "last_error": error})


def mark_dead_reported(conn: Connection, outbox_ids: Mapping[int, int], error: str,
                       alert: DeadAlert) -> list[int]:
    """:func:`mark_dead`, plus one ``delivery_dead`` event for the operator (``status``)
    in the same transaction, when the rows were still this sender's."""
    from db.events import append_dead_alert

    done = mark_dead(conn, outbox_ids, error)
    if done:
        with Session(bind=conn) as session:
            append_dead_alert(session, alert)
            session.flush()
    return done


def renew_leases(session: Session | Connection, held: Mapping[int, int],
                 until: datetime) -> list[int]:
    """Extend the leases this sender still holds to ``until`` (a send still in flight, or
    its outcome still waiting to be written); returns the ids renewed."""
    return _mark(session, held, {"lease_until": until})


def cancel_queued(session: Session, subscription_id: int) -> int:
    """Drop a subscription's rows still waiting (``pending``: due or waiting for a retry);
    a row being sent right now is left to finish. Returns how many were dropped."""
    result = session.execute(
        delete(OutboxRow).where(OutboxRow.subscription_id == subscription_id,
                                OutboxRow.status == PENDING))
    return rowcount(result)


def retry_now(session: Session, outbox_id: int) -> bool:
    """Put a dead (or pending) row back in line, due now, with a fresh attempt budget: its
    attempts count from 0 and its age (``delivery.give_up_after``) from now."""
    now = utcnow()
    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id, OutboxRow.status.in_((DEAD, PENDING)))
        .values(status=PENDING, next_attempt_at=now, attempts=0, lease_until=None,
                created_at=now)
    )
    return rowcount(result) == 1


def delivery_status(session: Session, outbox_id: int) -> str | None:
    """The outbox row's status, or None when there is no such row."""
    return session.scalar(select(OutboxRow.status).where(OutboxRow.id == outbox_id))


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
    ).all()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def next_due_at(session: Session) -> datetime | None:
    """When the next row falls due: a pending row's time, or a sending row's lease end."""
    paused = select(SubscriptionRow.id).where(SubscriptionRow.paused.is_(True))
    pending = session.scalar(
        select(func.min(OutboxRow.next_attempt_at))
        .where(OutboxRow.status == PENDING, OutboxRow.subscription_id.not_in(paused))
    )
    leased = session.scalar(
        select(func.min(OutboxRow.lease_until)).where(OutboxRow.status == SENDING)
    )
    times = [t for t in (pending, leased) if t is not None]
    return min(times) if times else None


def list_deliveries(
    session: Session, status: str | None = None, limit: int = 200
) -> list[DeliveryRecord]:
    """The newest outbox rows (optionally in one state), each with its kinds."""
    stmt = (
        select(OutboxRow, SubscriptionRow.kind, Event.kind)
        .join(SubscriptionRow, SubscriptionRow.id == OutboxRow.subscription_id)
        .join(Event, Event.id == OutboxRow.event_id)
        .order_by(OutboxRow.id.desc())
        .limit(limit)
    )
    if status:
        stmt = stmt.where(OutboxRow.status == status)
    return [
        DeliveryRecord(
            id=row.id, subscription_id=row.subscription_id, kind=kind, event_id=row.event_id,
            event_kind=event_kind, status=row.status, attempts=row.attempts,
            next_attempt_at=row.next_attempt_at, sent_at=row.sent_at,
            last_error=row.last_error,
        )
        for row, kind, event_kind in session.execute(stmt)
    ]
