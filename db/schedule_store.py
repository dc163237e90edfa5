"""Storing BEA's release schedule; a moved, added or cancelled release becomes a
schedule_change.

A release is *cancelled* when a schedule that still covers its date (BEA's list runs
from before it to after it) no longer lists it, and its time has not come yet: its time
is cleared (no burst is planned for it) and the event says "cancelled". A release BEA
moved keeps its (title, period) and gets a new time: "moved to ...". A release the
schedule marks "To Be Rescheduled" is postponed: its time is cleared the same way and the
event says "postponed, to be rescheduled", whether or not another source still lists it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.events import append_event
from db.models import ScheduleRow
from db.records import EVENT_SCHEDULE_CHANGE, ScheduledRelease, ScheduleRecord
from db.types import fit, utcnow

logger = logging.getLogger(__name__)

NEW_YORK = ZoneInfo("America/New_York")


@dataclass
class ScheduleUpdate:
    added: int = 0
    moved: int = 0
    unchanged: int = 0
    cancelled: int = 0
    postponed: int = 0
    event_ids: list[int] = field(default_factory=list)


def _same_time(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs((a - b).total_seconds()) < 1


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def schedule_key(
    title: str, period: str | None, starts_at: datetime | None
) -> tuple[str, str, int]:
    """(title, period, key_year) identifies a scheduled release; a period that names no
    year ("Annual Update") is keyed with the year of its date, so two years stay apart."""
    title = fit(title, ScheduleRow.title) or ""
    period = fit(period or "", ScheduleRow.period) or ""
    key_year = starts_at.year if starts_at is not None and not _YEAR.search(period) else 0
    return title, period, key_year


def store_schedule(
    session: Session, schedule: ScheduleRecord, *, baseline: bool = False
) -> ScheduleUpdate:
    """Upsert scheduled events by (title, period); write a schedule_change for each change.

    The first schedule ever stored is a baseline: its events are recorded, not alerted.
    """
    update = ScheduleUpdate()
    now = utcnow()
    existing = {
        (r.title, r.period, r.key_year): r for r in session.scalars(select(ScheduleRow))
    }
    first_time = not existing
    postponed = _note_postponed(session, schedule, existing, now, baseline or first_time,
                                update)
    for ev in schedule.events:
        key = schedule_key(ev.title, ev.period, ev.starts_at)
        if (key[0], key[1]) in postponed:
            continue  # the table says "To Be Rescheduled": the old time is void
        row = existing.get(key)
        if row is not None and _same_time(row.starts_at, ev.starts_at):
            update.unchanged += 1
            continue
        previous = row.starts_at if row is not None else None
        if row is None:
            row = ScheduleRow(
                title=key[0], period=key[1], key_year=key[2], starts_at=ev.starts_at,
                category=ev.category, first_seen_at=now, updated_at=now,
            )
            session.add(row)
            existing[key] = row
            update.added += 1
        else:
            row.starts_at = ev.starts_at
            row.updated_at = now
            update.moved += 1
        session.flush()
        payload = {
            "starts_at": ev.starts_at.isoformat(),
            "previous_starts_at": previous.isoformat() if previous else None,
            "change": "moved" if previous else "added",
        }
        event_id = append_event(
            session, EVENT_SCHEDULE_CHANGE,
            f"{EVENT_SCHEDULE_CHANGE}:{row.id}:{ev.starts_at.isoformat()}",
            schedule_event_id=row.id, baseline=baseline or first_time, payload=payload,
        )
        if event_id:
            update.event_ids.append(event_id)
    seen = {schedule_key(ev.title, ev.period, ev.starts_at) for ev in schedule.events}
    seen |= {k for k in existing if (k[0], k[1]) in postponed}
    _note_cancelled(session, schedule, existing, seen, now, baseline or first_time, update)
    for item in schedule.unscheduled:
        if item.postponed:
            continue
        key = (fit(item.title, ScheduleRow.title) or "", "", 0)
        if key not in existing:
            row = ScheduleRow(
                title=key[0], period="", key_year=0, starts_at=None,
                note=fit(item.note, ScheduleRow.note),
                first_seen_at=now, updated_at=now,
            )
            session.add(row)
            existing[key] = row
    return update


def _said(when: datetime) -> str:
    """``July 30, 2026, 8:30 AM EDT``."""
    local = when.astimezone(NEW_YORK)
    return f"{local:%B} {local.day}, {local.year}, {local:%I:%M %p %Z}".replace(" 0", " ")


def _note_postponed(session: Session, schedule: ScheduleRecord,
                    existing: dict[tuple[str, str, int], ScheduleRow], now: datetime,
                    quiet: bool, update: ScheduleUpdate) -> set[tuple[str, str]]:
    """Clear the time of each future release the schedule marks "To Be Rescheduled" and
    say so once; return the (title, period) of every postponed row."""
    marked = {(fit(i.title, ScheduleRow.title) or "", fit(i.period or "", ScheduleRow.period)
               or ""): i for i in schedule.unscheduled if i.postponed}
    for key, row in existing.items():
        item = marked.get((key[0], key[1]))
        when = row.starts_at
        if item is None or when is None or when <= now:
            continue
        update.postponed += 1
        _unschedule(session, row, when, now, quiet, update, "postponed",
                    f"postponed: was scheduled for {when.isoformat()}; {item.note}",
                    f"postponed, to be rescheduled (it was scheduled for {_said(when)}; "
                    f"BEA's schedule says {item.note!r})")
    return set(marked)


def _note_cancelled(session: Session, schedule: ScheduleRecord,
                    existing: dict[tuple[str, str, int], ScheduleRow],
                    seen: set[tuple[str, str, int]], now: datetime, quiet: bool,
                    update: ScheduleUpdate) -> None:
    """Future releases inside the span the new schedule covers that it no longer lists."""
    times = [ev.starts_at for ev in schedule.events if ev.starts_at is not None]
    if not times:
        return  # an empty or unreadable schedule cancels nothing
    first, last = min(times), max(times)
    for key, row in existing.items():
        when = row.starts_at
        if key in seen or when is None or when <= now or not first <= when <= last:
            continue
        update.cancelled += 1
        _unschedule(session, row, when, now, quiet, update, "cancelled",
                    f"cancelled: was scheduled for {when.isoformat()}",
                    f"cancelled (it was scheduled for {_said(when)}; BEA's schedule no "
                    "longer lists it)")


def _unschedule(session: Session, row: ScheduleRow, when: datetime, now: datetime,
                quiet: bool, update: ScheduleUpdate, change: str, note: str,
                said: str) -> None:
    """Clear a future release's time (no burst for it) and write one schedule_change."""
    row.starts_at = None
    row.note = fit(note, ScheduleRow.note)
    row.updated_at = now
    session.flush()
    name = f"{row.title}, {row.period}" if row.period else row.title
    event_id = append_event(
        session, EVENT_SCHEDULE_CHANGE,
        f"{EVENT_SCHEDULE_CHANGE}:{row.id}:{change}:{when.isoformat()}",
        schedule_event_id=row.id, baseline=quiet,
        payload={"change": change, "starts_at": None, "previous_starts_at": when.isoformat(),
                 "message": f"{name}: {said}"},
    )
    if event_id:
        update.event_ids.append(event_id)
    logger.info("schedule: %s %s (was %s)", name, change, when.isoformat())


def upcoming_events(
    session: Session, after: datetime, before: datetime | None = None
) -> list[ScheduledRelease]:
    """Scheduled releases from ``after`` on (and before ``before``), soonest first."""
    stmt = select(ScheduleRow).where(ScheduleRow.starts_at >= after)
    if before is not None:
        stmt = stmt.where(ScheduleRow.starts_at < before)
    return [
        ScheduledRelease(title=row.title, period=row.period or None, starts_at=row.starts_at,
                         category=row.category, schedule_id=row.id)
        for row in session.scalars(stmt.order_by(ScheduleRow.starts_at))
        if row.starts_at is not None
    ]
