"""Reads for what the tracker publishes, as plain records: the Atom feed's release and
revision events (with the release's first-seen times) and the calendar's scheduled
releases with their outcomes."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.events import event_record, release_record
from db.models import Event, Release, ScheduleRow
from db.records import (
    EVENT_NEW_RELEASE,
    EVENT_REVISION,
    EVENT_SCHEDULE_CHANGE,
    OUTCOME_CANCELLED,
    OUTCOME_NOT_SEEN,
    OUTCOME_PUBLISHED,
    OUTCOME_UPCOMING,
    CalendarEntry,
    PublishedEvent,
)


def published_events(session: Session, limit: int = 50) -> list[PublishedEvent]:
    """The newest ``limit`` new_release and revision events that name a release."""
    rows = session.execute(
        select(Event.id, Release.id, Release.page_first_seen_at, Release.feed_first_seen_at)
        .join(Release, Release.id == Event.release_id)
        .where(Event.kind.in_((EVENT_NEW_RELEASE, EVENT_REVISION)))
        .order_by(Event.id.desc())
        .limit(limit)
    ).all()
    found = []
    for event_id, release_id, page_at, feed_at in rows:
        record = event_record(session, event_id)
        if record is not None:
            found.append(PublishedEvent(record, release_id, page_at, feed_at))
    return found


def _changes(session: Session) -> dict[int, dict[str, datetime | None]]:
    """Per schedule row: the time it was first moved from, and the time it was cancelled
    at (from the schedule_change events' payloads)."""
    found: dict[int, dict[str, datetime | None]] = {}
    rows = session.execute(
        select(Event.schedule_event_id, Event.payload)
        .where(Event.kind == EVENT_SCHEDULE_CHANGE, Event.schedule_event_id.is_not(None))
        .order_by(Event.id))
    for schedule_id, payload in rows:
        change = (payload or {}).get("change")
        previous = (payload or {}).get("previous_starts_at")
        if change in ("moved", "cancelled") and previous:
            found.setdefault(schedule_id, {}).setdefault(change, datetime.fromisoformat(previous))
    return found


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment and not moment.tzinfo else moment


def calendar_entries(session: Session, since: datetime, now: datetime) -> list[CalendarEntry]:
    """Scheduled releases from ``since`` on, soonest first, each with its outcome.

    A release is matched to its scheduled time by ``releases.scheduled_at`` (set when the
    release appeared in that time's polling burst); a past time with none is "not seen".
    """
    changes = _changes(session)
    by_time = {_aware(r.scheduled_at): r for r in session.scalars(
        select(Release).where(Release.scheduled_at.is_not(None)))}
    entries = []
    for row in session.scalars(select(ScheduleRow)):
        moved = changes.get(row.id, {}).get("moved")
        outcome, release = OUTCOME_UPCOMING, None
        scheduled = _aware(row.starts_at)
        cancelled_at = _aware(changes.get(row.id, {}).get("cancelled"))
        if scheduled is not None:
            starts_at = scheduled
        elif cancelled_at is not None:
            starts_at, outcome = cancelled_at, OUTCOME_CANCELLED
        else:
            continue  # "to be announced": no time to put it at
        if outcome == OUTCOME_UPCOMING and starts_at <= now:
            release = by_time.get(starts_at)
            outcome = OUTCOME_PUBLISHED if release is not None else OUTCOME_NOT_SEEN
        if starts_at < since:
            continue
        headline = None
        if release is not None:
            figures = release_record(session, release).figures
            headline = figures[0] if figures else None
        entries.append(CalendarEntry(
            schedule_id=row.id, title=row.title, period=row.period or None,
            starts_at=starts_at, category=row.category, outcome=outcome,
            moved_from=_aware(moved),
            release_title=release.title if release else None,
            release_url=release.url if release else None,
            page_first_seen_at=_aware(release.page_first_seen_at) if release else None,
            headline=headline))
    return sorted(entries, key=lambda e: (e.starts_at, e.schedule_id))
