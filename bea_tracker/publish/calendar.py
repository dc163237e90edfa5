"""The release calendar (iCalendar, with ``icalendar``): BEA's upcoming schedule, and each
past release's outcome: published on time or late with its headline figure, moved,
cancelled, or not seen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event

from bea_tracker.publish.atom import allowed_link
from db.records import (
    OUTCOME_CANCELLED,
    OUTCOME_NOT_SEEN,
    OUTCOME_PUBLISHED,
    CalendarEntry,
)
from notifier.render.formatting import format_period, format_value, format_when

#: a page live within this long of its scheduled time was "on time"
ON_TIME = timedelta(minutes=5)
LENGTH = timedelta(minutes=30)
PAST_DAYS = 90


def outcome_line(entry: CalendarEntry) -> str:
    """``Published on time: Trade balance July 2026 -$88.6 billion``, ``Cancelled``, ..."""
    moved = (f"Moved from {format_when(entry.moved_from)}. "
             if entry.moved_from is not None else "")
    if entry.outcome == OUTCOME_CANCELLED:
        return "Cancelled: BEA's schedule no longer lists it"
    if entry.outcome == OUTCOME_NOT_SEEN:
        return moved + "No release seen for this time"
    if entry.outcome != OUTCOME_PUBLISHED:
        return moved + "Scheduled"
    late = None
    if entry.page_first_seen_at is not None:
        late = entry.page_first_seen_at - entry.starts_at
    when = ("on time" if late is None or late <= ON_TIME
            else f"{int(late.total_seconds() // 60)} min late")
    figure = entry.headline
    said = (f": {figure.label} {format_period(figure.period)} "
            f"{format_value(figure.value, figure.unit)}" if figure else
            " (no headline figure extracted)")
    return f"{moved}Published {when}{said}"


def _summary(entry: CalendarEntry) -> str:
    name = f"{entry.title}, {entry.period}" if entry.period else entry.title
    if entry.outcome == OUTCOME_CANCELLED:
        return f"Cancelled: {name}"
    if entry.outcome == OUTCOME_PUBLISHED and entry.headline is not None:
        figure = entry.headline
        return f"{name}: {figure.label} {format_value(figure.value, figure.unit)}"
    return name


def ics_calendar(entries: Sequence[CalendarEntry], allowed_hosts: Iterable[str],
                 now: datetime | None = None) -> bytes:
    """The calendar document; one VEVENT per scheduled release."""
    hosts = tuple(allowed_hosts)
    stamp = now or datetime.now(timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", "-//bea-tracker//BEA release calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "BEA releases (bea-tracker)")
    for entry in entries:
        event = Event()
        event.add("uid", f"schedule-{entry.schedule_id}@bea-tracker")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.starts_at.astimezone(timezone.utc))
        event.add("dtend", entry.starts_at.astimezone(timezone.utc) + LENGTH)
        event.add("summary", _summary(entry))
        lines = [outcome_line(entry)]
        if entry.release_title:
            lines.append(f"Release: {entry.release_title}")
        link = allowed_link(entry.release_url, hosts)
        if link:
            lines.append(link)
            event.add("url", link)
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if entry.outcome == OUTCOME_CANCELLED else "CONFIRMED")
        if entry.category:
            event.add("categories", [entry.category])
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_since(now: datetime) -> datetime:
    """How far back the calendar shows past releases and their outcomes."""
    return now - timedelta(days=PAST_DAYS)
