"""The append-only event log: writing events, reading them back as records, cursors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.dialect import insert_ignoring_duplicates
from db.models import Cursor, Event, Figure, Release, ScheduleEventRow, Snapshot
from db.records import (
    EventRecord,
    FigureRecord,
    ReleaseRecord,
    Revision,
    ScheduleEvent,
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
    """
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
    if chosen is not None:
        snap = session.get(Snapshot, chosen)
        if snap is not None:
            extraction = snap.extraction
            problems = tuple(snap.problems or ())
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
    )


def _schedule_record(row: ScheduleEventRow) -> ScheduleEvent | None:
    if row.starts_at is None:
        return None
    return ScheduleEvent(
        title=row.title, period=row.period or None, starts_at=row.starts_at, category=row.category
    )


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def event_record(session: Session, event: Event) -> EventRecord:
    """Everything a notifier needs to render one event."""
    release = session.get(Release, event.release_id) if event.release_id else None
    schedule = (
        session.get(ScheduleEventRow, event.schedule_event_id)
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
        sched_record = ScheduleEvent(
            title=schedule.title,
            period=schedule.period or None,
            starts_at=datetime.fromisoformat(payload["starts_at"]),
            category=schedule.category,
        )
    return EventRecord(
        id=event.id,
        kind=event.kind,
        created_at=event.created_at,
        release=release_record(session, release, event.snapshot_id) if release else None,
        revisions=revisions,
        schedule=sched_record,
        previous_starts_at=_parse_dt(payload.get("previous_starts_at")),
        message=payload.get("message"),
        baseline=event.baseline,
        source=payload.get("source"),
    )


def events_after(session: Session, position: int, limit: int = 500) -> list[Event]:
    return list(
        session.scalars(select(Event).where(Event.id > position).order_by(Event.id).limit(limit))
    )


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
