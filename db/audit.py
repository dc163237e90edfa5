"""What ``bea-tracker audit`` and the cross-checks read and write: the stored page
vintages, a re-extraction stored as a new vintage of the same bytes, the feed item's
figures of a release, and the source_problem a contradicted page raises.

A re-extracted vintage is a snapshot like any other (raw bytes, figures, extraction
status), keyed by the hash of the bytes *and* of the figures found in them: running the
audit again with the same extractors stores nothing twice, and a later poll of the same
page (whose plain hash is the original vintage's) does not bring the old figures back. Its
revision event is written as ``baseline``: the history shows it, nobody is alerted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.dialect import insert_ignoring_duplicates
from db.events import append_event, snapshot_figures
from db.models import Figure, Release, Snapshot
from db.records import (
    EVENT_REVISION,
    EVENT_SOURCE_PROBLEM,
    FigureRecord,
    ReleaseRecord,
    StoredPage,
)
from db.store import KIND_FEED_ITEM, KIND_PAGE, compute_revisions, stated_when
from db.types import utcnow

logger = logging.getLogger(__name__)


def current_pages(session: Session) -> list[StoredPage]:
    """Every release's current vintage: its page, or its feed item when no page came."""
    rows = session.execute(
        select(Release, Snapshot)
        .join(Snapshot, Snapshot.id == Release.current_snapshot_id)
        .where(Snapshot.kind.in_((KIND_PAGE, KIND_FEED_ITEM)))
        .order_by(Release.id)
    ).all()
    return [
        StoredPage(release_id=release.id, snapshot_id=snap.id, url=release.url,
                   title=release.title, fetched_at=snap.fetched_at,
                   body=zlib.decompress(snap.raw_zlib), extraction=snap.extraction,
                   figures=snapshot_figures(session, snap.id), kind=snap.kind)
        for release, snap in rows
    ]


def _vintage_key(page: StoredPage, record: ReleaseRecord) -> str:
    figures = json.dumps([f.to_json() for f in record.figures], sort_keys=True)
    return hashlib.sha256(page.body + b"\0re-extracted\0" + figures.encode()).hexdigest()


def store_reextraction(session: Session, page: StoredPage, record: ReleaseRecord) -> int | None:
    """Store ``record`` (the bytes of ``page`` re-extracted) as the release's new current
    vintage of the same kind, with a baseline revision event; None when stored before."""
    original = session.get(Snapshot, page.snapshot_id)
    assert original is not None
    inserted = insert_ignoring_duplicates(session, Snapshot.__table__, [{
        "release_id": page.release_id, "kind": page.kind, "sha256": _vintage_key(page, record),
        "url": original.url, "fetched_at": original.fetched_at,
        "http_status": original.http_status, "etag": original.etag,
        "last_modified": original.last_modified, "content_type": original.content_type,
        "size": original.size, "raw_zlib": original.raw_zlib,
        "extraction": record.extraction, "problems": list(record.problems),
    }])
    if not inserted:
        return None
    snapshot_id = session.scalar(select(Snapshot.id).where(
        Snapshot.release_id == page.release_id, Snapshot.kind == page.kind,
        Snapshot.sha256 == _vintage_key(page, record)))
    release = session.get(Release, page.release_id)
    assert release is not None and snapshot_id is not None
    stated_at = stated_when(release.released_at, original.fetched_at)
    insert_ignoring_duplicates(session, Figure.__table__, [
        {"release_id": page.release_id, "snapshot_id": snapshot_id, "stated_at": stated_at,
         **f.to_json()} for f in record.figures])
    revisions = compute_revisions(session, page.release_id, record.figures)
    release.current_snapshot_id = snapshot_id
    release.extraction = record.extraction
    if record.series:
        release.series = record.series
    release.updated_at = utcnow()
    session.flush()
    if revisions:
        append_event(session, EVENT_REVISION, f"{EVENT_REVISION}:{snapshot_id}",
                     release_id=page.release_id, snapshot_id=snapshot_id, baseline=True,
                     payload={"revisions": [r.to_json() for r in revisions],
                              "source": "audit"})
    logger.info("audit: stored re-extracted vintage %s of %s (%d figures)", snapshot_id,
                page.url, len(record.figures))
    return snapshot_id


def feed_item_figures(session: Session, release_url: str) -> tuple[FigureRecord, ...]:
    """The figures of the release's newest feed-item vintage (BEA's ``<data>``), if any."""
    snapshot_id = session.scalar(
        select(Snapshot.id).join(Release, Release.id == Snapshot.release_id)
        .where(Release.url == release_url, Snapshot.kind == KIND_FEED_ITEM)
        .order_by(Snapshot.fetched_at.desc(), Snapshot.id.desc()).limit(1))
    return snapshot_figures(session, snapshot_id)


def raise_cross_check_problem(session: Session, release_id: int, snapshot_id: int,
                              source: str, disagreements: tuple[str, ...],
                              baseline: bool = False, *, late: int | None = None,
                              correction: str | None = None) -> int | None:
    """One source_problem event per page vintage whose figures another source contradicts
    (``baseline`` for history being filled in: recorded, not alerted). ``late``: the id of
    a feed-item vintage that arrived after the page (its own event, so it is never folded
    into one the page raised). ``correction``: the figures were already alerted; the event
    says so, and reaches the release's subscribers too (notifier.rules)."""
    key = f"{EVENT_SOURCE_PROBLEM}:cross-check:{snapshot_id}"
    message = "; ".join(disagreements)
    payload: dict[str, object] = {"source": f"cross-check with {source}", "message": message}
    if correction:
        payload.update(message=f"{correction}: {message}", correction=True)
    return append_event(
        session, EVENT_SOURCE_PROBLEM, key if late is None else f"{key}:feed:{late}",
        release_id=release_id, snapshot_id=snapshot_id, baseline=baseline, payload=payload)
