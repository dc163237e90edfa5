"""Reads for what the tracker publishes (the Atom feed): release and revision events with
the release's first-seen times, newest first, as plain records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.events import event_record
from db.models import Event, Release
from db.records import EVENT_NEW_RELEASE, EVENT_REVISION, PublishedEvent


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
