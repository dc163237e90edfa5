"""Cross-checks stored with a page vintage (``snapshots.checks``), read and updated.

A feed item can arrive after its page (the burst probe found the page first): the page's
feed check is then done late, against the vintage users were alerted about.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.events import snapshot_figures
from db.models import Event, Release, Snapshot
from db.records import (
    CHECK_AGREE,
    CHECK_DISAGREE,
    EVENT_NEW_RELEASE,
    CheckRecord,
    FigureRecord,
    checks_from_json,
)
from db.store import KIND_PAGE

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageVintage:
    """A release's current page vintage: what it said and what it was checked against."""

    release_id: int
    snapshot_id: int
    title: str
    figures: tuple[FigureRecord, ...]
    checks: tuple[CheckRecord, ...]

    def compared(self, source: str) -> bool:
        """True when ``source`` was already compared with it (agreed or not)."""
        return any(c.source == source and c.status in (CHECK_AGREE, CHECK_DISAGREE)
                   for c in self.checks)


def current_page(session: Session, release_id: int) -> PageVintage | None:
    """The release's current vintage if it is a page (None before its page is stored)."""
    release = session.get(Release, release_id)
    if release is None or release.current_snapshot_id is None:
        return None
    snap = session.get(Snapshot, release.current_snapshot_id)
    if snap is None or snap.kind != KIND_PAGE:
        return None
    return PageVintage(release.id, snap.id, release.title,
                       snapshot_figures(session, snap.id), checks_from_json(snap.checks))


def set_check(session: Session, snapshot_id: int, check: CheckRecord) -> None:
    """Store (or replace) one source's check of a page vintage."""
    snap = session.get(Snapshot, snapshot_id)
    if snap is None:
        return
    checks = {c.source: c.to_json() for c in checks_from_json(snap.checks)}
    checks[check.source] = check.to_json()
    snap.checks = checks  # a new dict, so the JSON column is written
    session.flush()


def release_alerted(session: Session, release_id: int) -> bool:
    """True when the release's figures went out in an alert (a non-baseline new_release)."""
    return session.scalar(
        select(Event.id).where(Event.release_id == release_id,
                               Event.kind == EVENT_NEW_RELEASE,
                               Event.baseline.is_(False)).limit(1)) is not None
