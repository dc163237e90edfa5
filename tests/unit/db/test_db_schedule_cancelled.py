"""A release BEA takes off its schedule is a schedule_change that says "cancelled"; one it
moves says "moved to ..."; past releases and dates the new schedule does not cover are left
alone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from db.events import event_record
from db.models import Event, ScheduleRow
from db.records import ScheduledRelease, ScheduleRecord
from db.schedule_store import store_schedule
from notifier.render.views import event_view

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def ev(title: str, days: float, hour: int = 12, minute: int = 30) -> ScheduledRelease:
    day = (NOW + timedelta(days=days)).replace(hour=hour, minute=minute, second=0)
    return ScheduledRelease(title, "3rd Quarter 2026", day, "news")


def store(database, *events: ScheduledRelease):
    with database.unit_of_work() as session:
        return store_schedule(session, ScheduleRecord(events=events))


def views(database) -> list:
    with database.session() as session:
        rows = session.scalars(select(Event).order_by(Event.id)).all()
        return [(e, event_view(event_record(session, e.id))) for e in rows]


def test_cancelled_and_moved(database):
    past, gdp, trade, later = (ev("Past Release", -3), ev("GDP (Advance Estimate)", 5),
                               ev("U.S. International Trade", 8), ev("Far Release", 60))
    store(database, past, gdp, trade, later)  # the first schedule: a baseline
    # the next schedule drops the past release (as BEA's table does), drops the trade
    # release, moves GDP to 10:00 a.m. EDT (14:00 UTC), and ends before the far release
    update = store(database, ev("GDP (Advance Estimate)", 5, hour=14, minute=0),
                   ev("Personal Income and Outlays", 9))
    assert (update.moved, update.cancelled) == (1, 1)
    changes = [(e.payload.get("change"), v.headline) for e, v in views(database)
               if not e.baseline]
    assert changes[0][0] == "moved" and "moved to" in changes[0][1]
    assert changes[1][0] == "added"
    assert changes[2][0] == "cancelled"
    assert changes[2][1].startswith("U.S. International Trade, 3rd Quarter 2026: cancelled")
    with database.session() as session:
        rows = {r.title: r for r in session.scalars(select(ScheduleRow))}
    assert rows["U.S. International Trade"].starts_at is None  # no burst is planned for it
    assert rows["Past Release"].starts_at is not None
    assert rows["Far Release"].starts_at is not None

    again = store(database, ev("GDP (Advance Estimate)", 5, hour=14, minute=0),
                  ev("Personal Income and Outlays", 9))
    assert again.cancelled == 0  # said once


def test_an_empty_schedule_cancels_nothing(database):
    store(database, ev("GDP (Advance Estimate)", 5))
    assert store(database).cancelled == 0
