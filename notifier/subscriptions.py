"""Subscriptions: who wants which alerts, through which channel."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import SubscriptionRow
from db.records import FORMAT_FULL, FORMATS, Subscription, SubscriptionFilter
from db.types import utcnow
from notifier.channels import get_channel, mask_target
from notifier.errors import InvalidTarget

DIGESTS = (None, "daily")


def to_record(row: SubscriptionRow) -> Subscription:
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
    )


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
    row = SubscriptionRow(
        kind=kind,
        target=target,
        name=name,
        filter=asdict(filter or SubscriptionFilter()),
        digest=digest,
        secret=channel.new_secret(),
        active=True,
        format=format,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return to_record(row)


def list_subscriptions(session: Session, active_only: bool = False) -> list[Subscription]:
    stmt = select(SubscriptionRow).order_by(SubscriptionRow.id)
    if active_only:
        stmt = stmt.where(SubscriptionRow.active.is_(True))
    return [to_record(r) for r in session.scalars(stmt)]


def get_subscription(session: Session, sub_id: int) -> Subscription | None:
    row = session.get(SubscriptionRow, sub_id)
    return to_record(row) if row else None


def get_subscriptions(session: Session, ids: set[int]) -> list[Subscription]:
    """Several subscriptions in one query (the delivery loop loads a batch at once)."""
    if not ids:
        return []
    rows = session.scalars(select(SubscriptionRow).where(SubscriptionRow.id.in_(ids)))
    return [to_record(r) for r in rows]


def remove_subscription(session: Session, sub_id: int) -> bool:
    """Deactivate (not delete): its delivery history stays readable."""
    row = session.get(SubscriptionRow, sub_id)
    if row is None or not row.active:
        return False
    row.active = False
    return True


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
