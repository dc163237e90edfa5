"""Writing what the scraper found: releases, snapshots (vintages), figures and their events.

Every write is idempotent: the same page bytes stored twice leave one snapshot, one set of
figures and no second event, so a poll redone after a crash decides nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.dialect import insert_ignoring_duplicates
from db.events import append_event
from db.models import Figure, Release, Snapshot
from db.records import (
    ESTIMATE_REVISED,
    EVENT_NEW_RELEASE,
    EVENT_REVISION,
    EXTRACTION_FAILED,
    FigureRecord,
    ReleaseRecord,
    Revision,
)
from db.revisions import since_last_alert
from db.types import fit, utcnow

logger = logging.getLogger(__name__)

KIND_PAGE = "page"
KIND_FEED_ITEM = "feed_item"


@dataclass(frozen=True)
class Fetched:
    """Raw bytes as fetched, with the HTTP facts worth keeping."""

    url: str
    body: bytes
    fetched_at: datetime
    http_status: int | None = 200
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass
class StoreResult:
    release_id: int
    snapshot_id: int | None
    new_release: bool = False
    new_snapshot: bool = False
    revisions: list[Revision] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)


def _get_or_create_release(
    session: Session, url: str, title: str, *, history: bool = False
) -> tuple[Release, bool]:
    """The release at ``url``; created (race-free, via the unique URL) when unknown."""
    now = utcnow()
    if len(url) > (Release.url.type.length or len(url)):
        raise ValueError(f"release URL longer than {Release.url.type.length} characters: "
                         f"{url[:80]}...")
    created = insert_ignoring_duplicates(
        session,
        Release.__table__,
        [
            {
                "url": url,
                "title": fit(title, Release.title),
                "extraction": "pending",
                "history": history,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    release = session.scalars(select(Release).where(Release.url == url)).one()
    return release, bool(created)


def _latest_known_values(
    session: Session, release_id: int, keys: set[tuple[str, str, str]]
) -> dict[tuple[str, str, str], Figure]:
    """For each (indicator, period, unit), the most recent figure from *current* snapshots of
    other releases, or from this release's current snapshot: what users last saw."""
    if not keys:
        return {}
    indicators = {k[0] for k in keys}
    rows = session.execute(
        select(Figure, Release.released_at, Snapshot.fetched_at)
        .join(Release, Release.id == Figure.release_id)
        .join(Snapshot, Snapshot.id == Figure.snapshot_id)
        .where(Figure.indicator.in_(indicators))
        .where(Release.current_snapshot_id == Figure.snapshot_id)
    ).all()
    best: dict[tuple[str, str, str], tuple[tuple, Figure]] = {}
    for fig, released_at, fetched_at in rows:
        key = (fig.indicator, fig.period, fig.unit)
        if key not in keys:
            continue
        rank = (released_at or fetched_at, fetched_at, fig.id)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, fig)
    return {k: v[1] for k, v in best.items()}


def compute_revisions(
    session: Session, release_id: int, figures: tuple[FigureRecord, ...]
) -> list[Revision]:
    """Figures (and prior-period values) that differ from what was last known."""
    stated: dict[tuple[str, str, str], tuple[float, str | None, str]] = {}
    for fig in figures:
        stated[(fig.indicator, fig.period, fig.unit)] = (fig.value, fig.estimate, fig.label)
        if fig.prior_value is not None and fig.prior_period:
            key = (fig.indicator, fig.prior_period, fig.unit)
            stated.setdefault(key, (fig.prior_value, ESTIMATE_REVISED, fig.label))
    known = _latest_known_values(session, release_id, set(stated))
    revisions = []
    for key, (value, estimate, label) in stated.items():
        old = known.get(key)
        if old is None or abs(old.value - value) < 1e-9:
            continue
        revisions.append(
            Revision(
                indicator=key[0],
                label=label,
                period=key[1],
                unit=key[2],
                old_value=old.value,
                new_value=value,
                old_estimate=old.estimate,
                new_estimate=estimate,
            )
        )
    return sorted(revisions, key=lambda r: (r.indicator, r.period))


def _insert_snapshot(
    session: Session, release_id: int, kind: str, fetched: Fetched, record: ReleaseRecord
) -> tuple[int, bool]:
    inserted = insert_ignoring_duplicates(
        session,
        Snapshot.__table__,
        [
            {
                "release_id": release_id,
                "kind": kind,
                "sha256": fetched.sha256,
                "url": fit(fetched.url, Snapshot.url),
                "fetched_at": fetched.fetched_at,
                "http_status": fetched.http_status,
                "etag": fit(fetched.etag, Snapshot.etag),
                "last_modified": fit(fetched.last_modified, Snapshot.last_modified),
                "content_type": fit(fetched.content_type, Snapshot.content_type),
                "size": len(fetched.body),
                "raw_zlib": zlib.compress(fetched.body, 6),
                "extraction": record.extraction,
                "problems": list(record.problems),
                "checks": {c.source: c.to_json() for c in record.checks} or None,
            }
        ],
    )
    snapshot_id = session.scalar(
        select(Snapshot.id).where(
            Snapshot.release_id == release_id,
            Snapshot.kind == kind,
            Snapshot.sha256 == fetched.sha256,
        )
    )
    assert snapshot_id is not None
    return snapshot_id, bool(inserted)


def stated_when(released_at: datetime | None, fetched_at: datetime) -> datetime:
    """When BEA stated a figure: the release time, never later than we read it (a page or
    item dated 2099 must not become ``latest`` and stay there)."""
    if released_at is None:
        return fetched_at
    return min(released_at, fetched_at) if _comparable(released_at, fetched_at) else fetched_at


def _comparable(a: datetime, b: datetime) -> bool:
    return (a.tzinfo is None) == (b.tzinfo is None)


def _insert_figures(
    session: Session, release_id: int, snapshot_id: int, record: ReleaseRecord,
    fetched: Fetched,
) -> None:
    stated_at = stated_when(record.released_at, fetched.fetched_at)
    own = {"release_id": release_id, "snapshot_id": snapshot_id, "stated_at": stated_at}
    rows = [own | f.to_json() | {"restated": False} for f in record.figures]
    rows += [own | f.to_json() | {"restated": True} for f in restatements(record.figures)]
    insert_ignoring_duplicates(session, Figure.__table__, rows)


def restatements(figures: tuple[FigureRecord, ...]) -> list[FigureRecord]:
    """The earlier periods a release restates, as vintages of those periods.

    A figure's ``prior_value`` for ``prior_period`` ("In the first quarter, real GDP
    increased 2.1 percent") becomes a figure of that period with estimate ``revised``, so
    the advance -> second -> third -> later path of a period is one column of rows. A
    period the release states itself keeps its own figure; the first restatement of a
    period wins (migration 0005 derives the same rows for figures stored before it).
    """
    stated = {(f.indicator, f.period, f.unit) for f in figures}
    derived: dict[tuple[str, str, str], FigureRecord] = {}
    for fig in figures:
        if fig.prior_value is None or not fig.prior_period:
            continue
        key = (fig.indicator, fig.prior_period, fig.unit)
        if key in stated or key in derived:
            continue
        derived[key] = FigureRecord(fig.indicator, fig.label, fig.prior_period, ESTIMATE_REVISED,
                                    fig.prior_value, fig.unit)
    return list(derived.values())


def _update_release_metadata(release: Release, record: ReleaseRecord, kind: str) -> None:
    """Page metadata wins over feed metadata; a failed extraction changes nothing."""
    if record.extraction == EXTRACTION_FAILED:
        return
    from_page = kind == KIND_PAGE
    if from_page or not release.title:
        release.title = fit(record.title, Release.title) or release.title
    for attr in ("released_at", "release_number", "lead", "next_release", "series"):
        value = getattr(record, attr)
        if isinstance(value, str):
            value = fit(value, getattr(Release, attr))
        if value is not None and (from_page or getattr(release, attr) is None):
            setattr(release, attr, value)


def _should_become_current(session: Session, release: Release, kind: str, record: ReleaseRecord):
    if release.current_snapshot_id is None:
        return True
    current = session.get(Snapshot, release.current_snapshot_id)
    if current is None:
        return True
    if kind == KIND_PAGE and record.extraction != EXTRACTION_FAILED:
        return True
    # a feed item replaces only another feed item, or a page whose extraction failed
    return current.kind == KIND_FEED_ITEM or current.extraction == EXTRACTION_FAILED


def _mark_seen(release: Release, kind: str, at: datetime, guid: str | None) -> None:
    if kind == KIND_PAGE and release.page_first_seen_at is None:
        release.page_first_seen_at = at
    if kind == KIND_FEED_ITEM:
        if release.feed_first_seen_at is None:
            release.feed_first_seen_at = at
        if guid:
            release.guid = fit(guid, Release.guid)


def store_snapshot(
    session: Session,
    fetched: Fetched,
    record: ReleaseRecord,
    *,
    kind: str = KIND_PAGE,
    release_url: str | None = None,
    guid: str | None = None,
    baseline: bool = False,
    history: bool = False,
    revision_interval: timedelta | None = None,
) -> StoreResult:
    """Store one fetched page or feed item of a release and write the events it implies.

    ``new_release`` is written once per release ever (its dedupe key is the release id); a
    ``revision`` once per snapshot whose figures differ from what was last known, and with
    ``revision_interval`` at most once per interval per release (db/revisions.py).
    """
    url = release_url or record.url or fetched.url
    release, created = _get_or_create_release(session, url, record.title or url, history=history)
    _mark_seen(release, kind, fetched.fetched_at, guid)
    snapshot_id, new_snapshot = _insert_snapshot(session, release.id, kind, fetched, record)
    result = StoreResult(release.id, snapshot_id, new_release=created, new_snapshot=new_snapshot)
    if not new_snapshot:
        if kind == KIND_PAGE and release.current_snapshot_id not in (None, snapshot_id):
            # BEA's edge caches can serve an older copy for a while: the newest version we
            # read stays current (flipping back and forth would alert each flip)
            logger.warning("%s served an older version again (snapshot %d, current %d); "
                           "keeping the newest as current", url, snapshot_id,
                           release.current_snapshot_id)
        return result
    _insert_figures(session, release.id, snapshot_id, record, fetched)
    _update_release_metadata(release, record, kind)
    if not _should_become_current(session, release, kind, record):
        return result
    result.revisions = compute_revisions(session, release.id, record.figures)
    release.current_snapshot_id = snapshot_id
    release.extraction = record.extraction
    release.updated_at = utcnow()
    session.flush()
    quiet = baseline or release.history
    held = False
    if result.revisions and revision_interval is not None and not quiet:
        result.revisions, held = since_last_alert(session, release.id, record.figures,
                                                  result.revisions, revision_interval,
                                                  utcnow())
        if held:
            logger.info("revision of %s held: its last revision alert is younger than "
                        "%g s; the next alert folds this vintage in", url,
                        revision_interval.total_seconds())
    if record.extraction != EXTRACTION_FAILED:
        event_id = append_event(
            session, EVENT_NEW_RELEASE, f"{EVENT_NEW_RELEASE}:{release.id}",
            release_id=release.id, snapshot_id=snapshot_id, baseline=quiet,
        )
        if event_id:
            result.event_ids.append(event_id)
    if result.revisions and not held:
        event_id = append_event(
            session, EVENT_REVISION, f"{EVENT_REVISION}:{snapshot_id}",
            release_id=release.id, snapshot_id=snapshot_id, baseline=quiet,
            payload={"revisions": [r.to_json() for r in result.revisions]},
        )
        if event_id:
            result.event_ids.append(event_id)
    logger.info(
        "stored %s snapshot of %s (%s, %d figures, %d revisions)",
        kind, url, record.extraction, len(record.figures), len(result.revisions),
    )
    return result


def raw_bytes(snapshot: Snapshot) -> bytes:
    """The page exactly as fetched, for re-parsing."""
    return zlib.decompress(snapshot.raw_zlib)
