"""Stored releases as the scraper and the daemon need them: how many, which feed items are
already known, which still lack a page, which appeared lately; and the one write that
marks a release with its scheduled time.

Everything returns records (:mod:`db.records`), never ORM rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, func, select, tuple_, update
from sqlalchemy.orm import Session

from db.dialect import rowcount
from db.models import Event, PollLog, Release, Snapshot
from db.records import (
    EVENT_NEW_RELEASE,
    EXTRACTION_FAILED,
    MissingPage,
    ReleaseSummary,
)
from db.store import KIND_PAGE


def release_summary(release: Release) -> ReleaseSummary:
    return ReleaseSummary(
        id=release.id, url=release.url, title=release.title, guid=release.guid,
        series=release.series, released_at=release.released_at,
        extraction=release.extraction, history=release.history,
        scheduled_at=release.scheduled_at, created_at=release.created_at,
    )


def release_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Release)) or 0


def known_snapshots(
    session: Session, kind: str, pairs: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which (release URL, content sha256) pairs are stored as a snapshot of ``kind``."""
    wanted = list(set(pairs))
    if not wanted:
        return set()
    rows = session.execute(
        select(Release.url, Snapshot.sha256)
        .join(Release, Release.id == Snapshot.release_id)
        .where(Snapshot.kind == kind,
               tuple_(Release.url, Snapshot.sha256).in_(wanted))
    )
    return {(url, sha) for url, sha in rows}


def releases_missing_page(session: Session, since: datetime, poll_kind: str) -> list[MissingPage]:
    """Alerted releases since ``since`` with no usable page yet, with the count and time of
    the page polls logged (as ``poll_kind``) for their URL.

    Baseline and history releases are left out: they were recorded, not alerted.
    """
    usable_page = exists().where(
        Snapshot.release_id == Release.id, Snapshot.kind == KIND_PAGE,
        Snapshot.extraction != EXTRACTION_FAILED)
    quiet = exists().where(
        Event.release_id == Release.id, Event.kind == EVENT_NEW_RELEASE,
        Event.baseline.is_(True))
    candidates = session.execute(select(Release.url, Release.guid, Release.title).where(
        Release.released_at >= since, Release.history.is_(False),
        ~usable_page, ~quiet).order_by(Release.id)).all()
    missing = []
    for url, guid, title in candidates:
        attempts, last = session.execute(
            select(func.count(), func.max(PollLog.started_at)).where(
                PollLog.url == url, PollLog.kind == poll_kind)).one()
        missing.append(MissingPage(url, guid, title, attempts, last))
    return missing


def releases_created_since(session: Session, since: datetime) -> list[ReleaseSummary]:
    """Releases first stored at or after ``since``, oldest first."""
    rows = session.scalars(
        select(Release).where(Release.created_at >= since).order_by(Release.id))
    return [release_summary(r) for r in rows]


def mark_scheduled(session: Session, release_id: int, scheduled_at: datetime) -> bool:
    """Record when a release was scheduled (for the latency log), unless already known.

    True if this call set it.
    """
    result = session.execute(
        update(Release)
        .where(Release.id == release_id, Release.scheduled_at.is_(None))
        .values(scheduled_at=scheduled_at)
    )
    return rowcount(result) == 1
