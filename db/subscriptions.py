"""Stored subscriptions: written and read back as :class:`db.records.Subscription`.

Validation (is the target usable, does the kind exist) is the notifier's; this module
only keeps what it is given.
"""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import SubscriptionRow
from db.records import FORMAT_FULL, Subscription, SubscriptionFilter
from db.types import utcnow


def _record(row: SubscriptionRow) -> Subscription:
    data = row.filter or {}
    return Subscription(
        id=row.id,
        kind=row.kind,
        target=row.target,
        name=row.name,
        filter=SubscriptionFilter(
            indicators=tuple(data.get("indicators", ())),
            series=tuple(data.get("series", ())),
            keywords=tuple(data.get("keywords", ())),
            revisions=bool(data.get("revisions", False)),
            min_change=data.get("min_change"),
            schedule_changes=bool(data.get("schedule_changes", False)),
            source_problems=bool(data.get("source_problems", False)),
        ),
        digest=row.digest,
        secret=row.secret,
        active=row.active,
        format=row.format or FORMAT_FULL,
        paused=bool(row.paused),
    )


def insert_subscription(
    session: Session,
    kind: str,
    target: str,
    *,
    name: str | None = None,
    filter: SubscriptionFilter | None = None,
    digest: str | None = None,
    secret: str | None = None,
    format: str = FORMAT_FULL,
) -> Subscription:
    """Store an (already validated) active subscription; returns it with its id."""
    row = SubscriptionRow(
        kind=kind,
        target=target,
        name=name,
        filter=asdict(filter or SubscriptionFilter()),
        digest=digest,
        secret=secret,
        active=True,
        format=format,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _record(row)


def list_subscriptions(session: Session, active_only: bool = False) -> list[Subscription]:
    """Every subscription, or (``active_only``) those receiving alerts: not removed, not
    paused."""
    stmt = select(SubscriptionRow).order_by(SubscriptionRow.id)
    if active_only:
        stmt = stmt.where(SubscriptionRow.active.is_(True), SubscriptionRow.paused.is_(False))
    return [_record(r) for r in session.scalars(stmt)]


def live_with_target(session: Session, kind: str, target: str) -> list[Subscription]:
    """The live (not removed) subscriptions of ``kind`` to ``target`` (duplicate checks)."""
    stmt = select(SubscriptionRow).where(SubscriptionRow.kind == kind,
                                         SubscriptionRow.target == target,
                                         SubscriptionRow.active.is_(True))
    return [_record(r) for r in session.scalars(stmt)]


def _live_row(session: Session, sub_id: int) -> SubscriptionRow | None:
    row = session.get(SubscriptionRow, sub_id)
    return row if row is not None and row.active else None


def update_subscription(session: Session, sub_id: int, *, name: str | None,
                        filter: SubscriptionFilter, digest: str | None,
                        format: str) -> Subscription | None:
    """Store an (already validated) live subscription's new settings; None if none."""
    row = _live_row(session, sub_id)
    if row is None:
        return None
    row.name, row.filter, row.digest, row.format = name, asdict(filter), digest, format
    return _record(row)


def set_paused(session: Session, sub_id: int, paused: bool) -> Subscription | None:
    """Pause or resume a live subscription; None if there is none."""
    row = _live_row(session, sub_id)
    if row is None:
        return None
    row.paused = paused
    return _record(row)


def set_secret(session: Session, sub_id: int, secret: str) -> Subscription | None:
    """Replace a live subscription's secret; None if there is none."""
    row = _live_row(session, sub_id)
    if row is None:
        return None
    row.secret = secret
    return _record(row)


def get_subscription(session: Session, sub_id: int) -> Subscription | None:
    row = session.get(SubscriptionRow, sub_id)
    return _record(row) if row else None


def get_subscriptions(session: Session, ids: set[int]) -> list[Subscription]:
    """Several subscriptions in one query (the delivery loop loads a batch at once)."""
    if not ids:
        return []
    rows = session.scalars(select(SubscriptionRow).where(SubscriptionRow.id.in_(ids)))
    return [_record(r) for r in rows]


def deactivate_subscription(session: Session, sub_id: int) -> bool:
    """Deactivate (not delete): its delivery history stays readable. False if there is no
    active subscription ``sub_id``."""
    row = session.get(SubscriptionRow, sub_id)
    if row is None or not row.active:
        return False
    row.active = False
    return True
