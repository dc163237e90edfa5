"""HTTP bookkeeping: conditional-GET validators, the poll log, and source health."""

from __future__ import annotations

import zlib
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.events import append_event
from db.models import HttpValidator, PollLog, SourceHealth
from db.records import EVENT_SOURCE_PROBLEM, HttpValidators, PollRecord
from db.session import Database
from db.types import fit, utcnow

# what a failed poll keeps of its body, for diagnosis: the start of it, for the newest few
FAILED_BODY_CAP = 64 * 1024
FAILED_BODIES_KEPT = 5


def get_validators(session: Session, url: str) -> HttpValidators | None:
    """The validators kept for ``url``; None if it was never read in full."""
    row = session.get(HttpValidator, url)
    return HttpValidators(row.etag, row.last_modified) if row is not None else None


def read_validators(database: Database, url: str) -> HttpValidators:
    """What a conditional GET of ``url`` sends (empty when nothing is kept), read in a
    session of its own: the one ETag lookup of every poll and probe."""
    with database.session() as session:
        return get_validators(session, url) or HttpValidators()


def save_validators(
    session: Session, url: str, etag: str | None, last_modified: str | None, sha256: str | None
) -> None:
    etag = fit(etag, HttpValidator.etag)
    last_modified = fit(last_modified, HttpValidator.last_modified)
    row = session.get(HttpValidator, url)
    if row is None:
        session.add(
            HttpValidator(
                url=url, etag=etag, last_modified=last_modified, sha256=sha256,
                updated_at=utcnow(),
            )
        )
        return
    row.etag, row.last_modified, row.sha256, row.updated_at = (
        etag, last_modified, sha256, utcnow(),
    )


def log_poll(
    session: Session,
    *,
    url: str,
    kind: str,
    started_at: datetime,
    duration_ms: float,
    status: int | None,
    not_modified: bool = False,
    etag: str | None = None,
    last_modified: str | None = None,
    size: int | None = None,
    error: str | None = None,
    unusable_body: bytes | None = None,
    body_cap: int = FAILED_BODY_CAP,
    bodies_kept: int = FAILED_BODIES_KEPT,
) -> None:
    """Log one HTTP poll; a body that could not be used is kept, compressed.

    Only its first ``body_cap`` bytes (``size`` says how big it was), and only for the
    newest ``bodies_kept`` failed polls of ``url``: a 2 MB error page every few seconds
    must not fill the disk, yet the raw page of a recent failure is there to read.
    """
    if unusable_body is not None:
        unusable_body = unusable_body[:body_cap] if bodies_kept > 0 else None
    session.add(
        PollLog(
            url=fit(url, PollLog.url), kind=kind, started_at=started_at,
            duration_ms=duration_ms, status=status, not_modified=not_modified,
            etag=fit(etag, PollLog.etag), last_modified=fit(last_modified, PollLog.last_modified),
            size=size,
            error=error,
            raw_zlib=zlib.compress(unusable_body) if unusable_body is not None else None,
        )
    )
    if unusable_body is not None:
        prune_failed_bodies(session, url, bodies_kept)


def prune_failed_bodies(session: Session, url: str, keep: int) -> int:
    """Drop the kept bodies of ``url``'s failed polls but the newest ``keep`` (the log
    rows stay); how many were dropped."""
    session.flush()
    older = select(PollLog.id).where(PollLog.url == fit(url, PollLog.url),
                                     PollLog.raw_zlib.is_not(None)) \
        .order_by(PollLog.id.desc()).offset(keep)
    ids = list(session.scalars(older))
    if ids:
        session.execute(update(PollLog).where(PollLog.id.in_(ids)).values(raw_zlib=None))
    return len(ids)


def last_poll(session: Session, kind: str | None = None) -> PollRecord | None:
    stmt = select(PollLog).order_by(PollLog.id.desc()).limit(1)
    if kind:
        stmt = stmt.where(PollLog.kind == kind)
    row = session.scalars(stmt).first()
    if row is None:
        return None
    return PollRecord(url=row.url, kind=row.kind, started_at=row.started_at,
                      status=row.status, not_modified=row.not_modified, error=row.error)


def note_source_result(
    session: Session, source: str, *, ok: bool, error: str | None, threshold: int
) -> int | None:
    """Count consecutive failures of a source; at ``threshold`` write one source_problem.

    One event per failure episode (not per poll); a success closes the episode.
    """
    row = session.get(SourceHealth, source)
    if row is None:
        row = SourceHealth(source=source, consecutive_failures=0, problem_open=False,
                           episode=0, updated_at=utcnow())
        session.add(row)
    row.updated_at = utcnow()
    if ok:
        row.consecutive_failures = 0
        row.problem_open = False
        return None
    row.consecutive_failures += 1
    row.last_error = error
    if row.problem_open or row.consecutive_failures < threshold:
        return None
    row.problem_open = True
    row.episode += 1
    session.flush()
    return append_event(
        session, EVENT_SOURCE_PROBLEM, f"{EVENT_SOURCE_PROBLEM}:{source}:{row.episode}",
        payload={
            "source": source,
            "message": f"{source} failed {row.consecutive_failures} times in a row: {error}",
        },
    )
