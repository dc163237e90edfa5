"""Revision alerts rate-limited per release: at most one per interval, nothing lost.

A page that changes on every poll (a broken or hostile page, a counter in the figures)
would otherwise alert on every poll. Every vintage is still stored with its figures; only
the *event* is held back: while the release's last revision alert is younger than the
interval, a new vintage's revision writes no event. The next revision event (a change
after the interval, or :func:`release_held_revisions` on a later poll) compares the newest
vintage with what the last alert said, so the alert folds in every held change and the
newest vintage wins. It is decided here, where the event is written, because the event log
is append-only and is what the notifier matches: an event that should not be sent yet must
not be written yet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.events import append_event
from db.models import Event, Figure, Release
from db.records import ESTIMATE_REVISED, EVENT_REVISION, FigureRecord, Revision

logger = logging.getLogger(__name__)

# held changes older than this are not news any more: they are left as stored vintages
HELD_HORIZON = timedelta(days=7)

Key = tuple[str, str, str]  # indicator, period, unit
Stated = dict[Key, tuple[float, str | None, str]]  # value, estimate, label


@dataclass(frozen=True)
class LastRevision:
    snapshot_id: int
    created_at: datetime


def last_revision(session: Session, release_id: int) -> LastRevision | None:
    """The release's newest revision alert (not a baseline one)."""
    row = session.execute(
        select(Event.snapshot_id, Event.created_at)
        .where(Event.release_id == release_id, Event.kind == EVENT_REVISION,
               Event.baseline.is_(False), Event.snapshot_id.is_not(None))
        .order_by(Event.id.desc()).limit(1)).first()
    return LastRevision(row[0], row[1]) if row is not None and row[0] is not None else None


def stated_in(figures: tuple[FigureRecord, ...]) -> Stated:
    """What a record states, prior periods included (as compute_revisions reads it)."""
    stated: Stated = {}
    for fig in figures:
        stated[(fig.indicator, fig.period, fig.unit)] = (fig.value, fig.estimate, fig.label)
    for fig in figures:
        if fig.prior_value is not None and fig.prior_period:
            stated.setdefault((fig.indicator, fig.prior_period, fig.unit),
                              (fig.prior_value, ESTIMATE_REVISED, fig.label))
    return stated


def stated_by_snapshot(session: Session, snapshot_id: int) -> Stated:
    """What a stored vintage states (its own figures and its restatements)."""
    rows = session.scalars(select(Figure).where(Figure.snapshot_id == snapshot_id))
    return {(f.indicator, f.period, f.unit): (f.value, f.estimate, f.label) for f in rows}


def folded(alerted: Stated, newest: Stated) -> list[Revision]:
    """The changes from what the last alert said to the newest vintage."""
    revisions = []
    for key, (value, estimate, label) in newest.items():
        old = alerted.get(key)
        if old is None or abs(old[0] - value) < 1e-9:
            continue
        revisions.append(Revision(indicator=key[0], label=label, period=key[1], unit=key[2],
                                  old_value=old[0], new_value=value, old_estimate=old[1],
                                  new_estimate=estimate))
    return sorted(revisions, key=lambda r: (r.indicator, r.period))


def since_last_alert(session: Session, release_id: int, figures: tuple[FigureRecord, ...],
                     revisions: list[Revision], interval: timedelta, now: datetime,
                     ) -> tuple[list[Revision], bool]:
    """A new vintage's revisions measured from the release's last revision alert, and
    whether its event is held (that alert is younger than ``interval``)."""
    last = last_revision(session, release_id)
    if last is None:
        return revisions, False
    alerted = stated_by_snapshot(session, last.snapshot_id)
    merged = folded(alerted, stated_in(figures))
    merged += [r for r in revisions if (r.indicator, r.period, r.unit) not in alerted]
    merged.sort(key=lambda r: (r.indicator, r.period))
    return merged, bool(merged) and now - last.created_at < interval


def release_held_revisions(session: Session, interval: timedelta, now: datetime,
                           ) -> list[int]:
    """Write the revision events held back whose release's interval has passed: one per
    release, from its last alert to its current vintage. Returns the new event ids."""
    newest = (select(Event.release_id, func.max(Event.id).label("last_id"))
              .where(Event.kind == EVENT_REVISION, Event.baseline.is_(False),
                     Event.created_at >= now - HELD_HORIZON)
              .group_by(Event.release_id).subquery())
    rows = session.execute(
        select(Release.id, Release.current_snapshot_id, Event.snapshot_id)
        .join(newest, newest.c.release_id == Release.id)
        .join(Event, Event.id == newest.c.last_id)
        .where(Release.history.is_(False), Release.current_snapshot_id.is_not(None),
               Release.current_snapshot_id != Event.snapshot_id,
               Event.created_at <= now - interval)).all()
    written = []
    for release_id, current, alerted in rows:
        if current is None or alerted is None:
            continue
        revisions = folded(stated_by_snapshot(session, alerted),
                           stated_by_snapshot(session, current))
        if not revisions:
            continue  # the vintages since say what the last alert said
        event_id = append_event(
            session, EVENT_REVISION, f"{EVENT_REVISION}:{current}", release_id=release_id,
            snapshot_id=current, payload={"revisions": [r.to_json() for r in revisions]})
        if event_id:
            logger.info("held revision of release %d released: %d figures changed since "
                        "its last revision alert", release_id, len(revisions))
            written.append(event_id)
    return written
