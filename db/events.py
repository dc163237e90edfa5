"""The append-only event log: writing events, reading them back as records, cursors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.dialect import insert_ignoring_duplicates, serialize
from db.models import Cursor, Event, Figure, Release, ScheduleRow, Snapshot
from db.records import (
    EVENT_DELIVERY_DEAD,
    EVENT_NEW_RELEASE,
    CheckRecord,
    DeadAlert,
    EarlierEstimate,
    EventRecord,
    FigureRecord,
    ReleaseRecord,
    Revision,
    ScheduledRelease,
    checks_from_json,
)
from db.types import utcnow


def append_event(
    session: Session,
    kind: str,
    dedupe_key: str,
    *,
    release_id: int | None = None,
    snapshot_id: int | None = None,
    schedule_event_id: int | None = None,
    baseline: bool = False,
    payload: dict[str, Any] | None = None,
) -> int | None:
    """Append an event unless one with the same ``dedupe_key`` exists; returns the new id.

    Runs inside the caller's transaction, so the event commits with the data it describes.
    On PostgreSQL the transaction then holds the event lock until it commits, so event ids
    become visible in order (a consumer's cursor never skips one).
    """
    serialize(session, "events")
    inserted = insert_ignoring_duplicates(
        session,
        Event.__table__,
        [
            {
                "kind": kind,
                "dedupe_key": dedupe_key,
                "created_at": utcnow(),
                "release_id": release_id,
                "snapshot_id": snapshot_id,
                "schedule_event_id": schedule_event_id,
                "baseline": baseline,
                "payload": payload or {},
            }
        ],
    )
    if not inserted:
        return None
    return session.scalar(select(Event.id).where(Event.dedupe_key == dedupe_key))


def figure_record(row: Figure) -> FigureRecord:
    return FigureRecord(
        indicator=row.indicator,
        label=row.label,
        period=row.period,
        estimate=row.estimate,
        value=row.value,
        unit=row.unit,
        prior_value=row.prior_value,
        prior_period=row.prior_period,
    )


def snapshot_figures(session: Session, snapshot_id: int | None) -> tuple[FigureRecord, ...]:
    if snapshot_id is None:
        return ()
    rows = session.scalars(
        select(Figure).where(Figure.snapshot_id == snapshot_id, Figure.restated.is_(False))
        .order_by(Figure.id)
    )
    return tuple(figure_record(r) for r in rows)


def release_record(
    session: Session, release: Release, snapshot_id: int | None = None
) -> ReleaseRecord:
    """A release as a record, with the figures of ``snapshot_id`` (default: its current)."""
    chosen = snapshot_id or release.current_snapshot_id
    extraction = release.extraction
    problems: tuple[str, ...] = ()
    checks: tuple[CheckRecord, ...] = ()
    if chosen is not None:
        snap = session.get(Snapshot, chosen)
        if snap is not None:
            extraction = snap.extraction
            problems = tuple(snap.problems or ())
            checks = checks_from_json(snap.checks)
    return ReleaseRecord(
        url=release.url,
        title=release.title,
        released_at=release.released_at,
        release_number=release.release_number,
        lead=release.lead,
        next_release=release.next_release,
        figures=snapshot_figures(session, chosen),
        series=release.series,
        extraction=extraction,
        problems=problems,
        checks=checks,
    )


def earlier_estimates(
    session: Session, release: Release, figures: tuple[FigureRecord, ...]
) -> tuple[EarlierEstimate, ...]:
    """For each figure, the same (indicator, period, unit) as the latest *other* release
    stated it before this one (its current snapshot: what users last saw)."""
    keys = {(f.indicator, f.period, f.unit) for f in figures}
    if not keys:
        return ()
    rows = session.scalars(
        select(Figure)
        .join(Release, Release.id == Figure.release_id)
        .where(Figure.indicator.in_({k[0] for k in keys}))
        .where(Figure.period.in_({k[1] for k in keys}))
        .where(Release.current_snapshot_id == Figure.snapshot_id)
        .where(Release.id != release.id)
    ).all()
    before = release.released_at
    best: dict[tuple[str, str, str], Figure] = {}
    for row in rows:
        key = (row.indicator, row.period, row.unit)
        if key not in keys or (before is not None and row.stated_at >= before):
            continue
        if key not in best or (row.stated_at, row.id) > (best[key].stated_at, best[key].id):
            best[key] = row
    return tuple(
        EarlierEstimate(r.indicator, r.period, r.unit, r.value, r.estimate)
        for r in best.values()
    )


def _schedule_record(row: ScheduleRow) -> ScheduledRelease | None:
    if row.starts_at is None:
        return None
    return ScheduledRelease(
        title=row.title, period=row.period or None, starts_at=row.starts_at, category=row.category
    )


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _event_record(session: Session, event: Event) -> EventRecord:
    """Everything a notifier needs to render one event."""
    release = session.get(Release, event.release_id) if event.release_id else None
    schedule = (
        session.get(ScheduleRow, event.schedule_event_id)
        if event.schedule_event_id
        else None
    )
    payload = event.payload or {}
    revisions = tuple(
        Revision(**{k: v for k, v in r.items() if k != "change"})
        for r in payload.get("revisions", [])
    )
    sched_record = _schedule_record(schedule) if schedule else None
    if schedule is not None and payload.get("starts_at"):
        sched_record = ScheduledRelease(
            title=schedule.title,
            period=schedule.period or None,
            starts_at=datetime.fromisoformat(payload["starts_at"]),
            category=schedule.category,
        )
    record = release_record(session, release, event.snapshot_id) if release else None
    earlier: tuple[EarlierEstimate, ...] = ()
    if release is not None and record is not None and event.kind == EVENT_NEW_RELEASE:
        earlier = earlier_estimates(session, release, record.figures)
    return EventRecord(
        id=event.id,
        kind=event.kind,
        created_at=event.created_at,
        release=record,
        revisions=revisions,
        schedule=sched_record,
        previous_starts_at=_parse_dt(payload.get("previous_starts_at")),
        message=payload.get("message"),
        baseline=event.baseline,
        source=payload.get("source"),
        earlier=earlier,
        correction=bool(payload.get("correction")),
    )


def latest_release_event(session: Session, now: datetime) -> EventRecord | None:
    """The newest release that has figures, as a new_release event (id 0: not in the log),
    for ``subscribe test`` to render like a real alert; None in an empty database."""
    has_figures = select(Figure.id).where(Figure.snapshot_id == Release.current_snapshot_id)
    release = session.scalars(
        select(Release)
        .where(Release.current_snapshot_id.is_not(None), has_figures.exists())
        .order_by(Release.released_at.desc().nulls_last(), Release.id.desc())
        .limit(1)
    ).first()
    if release is None:
        return None
    record = release_record(session, release)
    return EventRecord(id=0, kind=EVENT_NEW_RELEASE, created_at=now, release=record,
                       earlier=earlier_estimates(session, release, record.figures))


def event_record(session: Session, event_id: int) -> EventRecord | None:
    """One event as a record; None if there is no such event."""
    event = session.get(Event, event_id)
    return _event_record(session, event) if event is not None else None


def events_to_alert(
    session: Session, position: int, limit: int = 500
) -> tuple[list[EventRecord], int | None]:
    """The next ``limit`` events after ``position``: the records of those to alert (not
    baseline), and the id of the last one read (None when there is none), for the cursor.

    Baseline events were recorded, not alerted: they only move the cursor; so are the
    operator's ``delivery_dead`` events (a dead alert about a dead alert would never end).
    """
    events = list(
        session.scalars(select(Event).where(Event.id > position).order_by(Event.id).limit(limit))
    )
    if not events:
        return [], None
    alert = [_event_record(session, event) for event in events
             if not event.baseline and event.kind != EVENT_DELIVERY_DEAD]
    return alert, events[-1].id


def append_dead_alert(session: Session, alert: DeadAlert) -> int | None:
    """Record that an alert was given up (once per row and attempt count)."""
    payload = alert.to_json()
    payload["source"] = "delivery"
    return append_event(session, EVENT_DELIVERY_DEAD,
                        f"delivery_dead:{alert.outbox_id}:{alert.attempts}", payload=payload)


def dead_alerts(session: Session, limit: int = 5) -> list[DeadAlert]:
    """The newest alerts given up, newest first."""
    rows = session.scalars(select(Event).where(Event.kind == EVENT_DELIVERY_DEAD)
                           .order_by(Event.id.desc()).limit(limit))
    found = []
    for row in rows:
        p = row.payload or {}
        try:
            found.append(DeadAlert(
                outbox_id=int(p["outbox"]), subscription_id=int(p["subscription"]),
                channel=str(p.get("channel", "")), event_id=int(p.get("event", 0)),
                event_kind=str(p.get("event_kind", "")), about=str(p.get("about", "")),
                reason=str(p.get("reason", "")), attempts=int(p.get("attempts", 0)),
                queued_at=_parse_dt(p.get("queued_at")), died_at=row.created_at))
        except (KeyError, TypeError, ValueError):
            continue  # a payload this version cannot read is left out, not a crash
    return found


def cursor_position(session: Session, name: str) -> int:
    row = session.get(Cursor, name)
    return row.position if row else 0


def move_cursor(session: Session, name: str, position: int) -> None:
    row = session.get(Cursor, name)
    if row is None:
        session.add(Cursor(name=name, position=position, updated_at=utcnow()))
    else:
        row.position = max(row.position, position)
        row.updated_at = utcnow()
