"""How late each release was seen and alerted: scheduled time, page first seen live, feed
first carried it, and when each channel delivered its new_release alert."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Event, OutboxRow, Release, SubscriptionRow
from db.records import EVENT_NEW_RELEASE


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return round((later - earlier).total_seconds(), 3)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def release_latency(session: Session, since: datetime | None = None) -> list[dict[str, Any]]:
    """One row per alerted (non-history) release, oldest first."""
    stmt = select(Release).where(Release.history.is_(False))
    if since is not None:
        stmt = stmt.where(Release.created_at >= since)
    rows = []
    for release in session.scalars(stmt.order_by(Release.created_at)):
        sent = session.execute(
            select(SubscriptionRow.kind, OutboxRow.sent_at)
            .join(OutboxRow, OutboxRow.subscription_id == SubscriptionRow.id)
            .join(Event, Event.id == OutboxRow.event_id)
            .where(Event.release_id == release.id, Event.kind == EVENT_NEW_RELEASE,
                   OutboxRow.sent_at.is_not(None))
        ).all()
        if not sent and release.scheduled_at is None:
            continue
        by_channel: dict[str, datetime] = {}
        for kind, at in sent:
            if at is not None:  # sent rows only, as asked
                by_channel[kind] = min(at, by_channel.get(kind, at))
        seen = [t for t in (release.page_first_seen_at, release.feed_first_seen_at) if t]
        first_seen = min(seen) if seen else None
        first_delivery = min(by_channel.values(), default=None)
        rows.append({
            "release_url": release.url,
            "title": release.title,
            "scheduled_at": _iso(release.scheduled_at),
            "page_first_seen_at": _iso(release.page_first_seen_at),
            "feed_first_seen_at": _iso(release.feed_first_seen_at),
            "delivered": {k: _iso(v) for k, v in sorted(by_channel.items())},
            "first_delivery_at": _iso(first_delivery),
            "seen_after_schedule_s": _seconds(first_seen, release.scheduled_at),
            "page_ahead_of_feed_s": _seconds(release.feed_first_seen_at,
                                             release.page_first_seen_at),
            "alert_after_seen_s": _seconds(first_delivery, first_seen),
            "alert_after_schedule_s": _seconds(first_delivery, release.scheduled_at),
        })
    return rows


def latency_medians(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    keys = ("seen_after_schedule_s", "page_ahead_of_feed_s", "alert_after_seen_s",
            "alert_after_schedule_s")
    medians: dict[str, float | None] = {}
    for key in keys:
        values = [r[key] for r in rows if r[key] is not None]
        medians[key] = round(statistics.median(values), 3) if values else None
    return medians


def latest_latency(session: Session) -> dict[str, Any] | None:
    rows = release_latency(session)
    return rows[-1] if rows else None
