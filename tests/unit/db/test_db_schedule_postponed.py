"""A release the schedule marks "To Be Rescheduled": its time is cleared (no burst) and one
schedule_change says "postponed, to be rescheduled", even if the calendar still lists it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from db.models import ScheduleRow
from db.records import ScheduledRelease, ScheduleRecord, UnscheduledRelease
from db.schedule_store import store_schedule, upcoming_events
from tests.unit.db.test_db_schedule_cancelled import NOW, ev, store, views

PIO = "Personal Income and Outlays"


def postponed(title: str) -> UnscheduledRelease:
    return UnscheduledRelease(title, "To Be Rescheduled (Orig. Nov. 26)", "3rd Quarter 2026",
                              postponed=True)


def test_postponed_clears_the_time_and_says_so_once(database):
    gdp, pio = ev("GDP (Advance Estimate)", 5), ev(PIO, 8)
    store(database, gdp, pio, ev("Far Release", 30))  # baseline
    for _ in range(2):  # the calendar still lists it; the table says "To Be Rescheduled"
        with database.unit_of_work() as session:
            update = store_schedule(session, ScheduleRecord(
                events=(gdp, pio, ev("Far Release", 30)), unscheduled=(postponed(PIO),)))
    assert update.postponed == 0 and update.cancelled == 0  # said once, never "cancelled"
    changes = [(e.payload, v) for e, v in views(database) if not e.baseline]
    assert len(changes) == 1
    payload, view = changes[0]
    assert payload["change"] == "postponed"
    assert payload["previous_starts_at"] == pio.starts_at.isoformat()
    assert view.headline.startswith(f"{PIO}, 3rd Quarter 2026: postponed, to be rescheduled")
    assert "To Be Rescheduled (Orig. Nov. 26)" in view.headline or \
        "To Be Rescheduled (Orig. Nov. 26)" in " ".join(view.summary)
    with database.session() as session:
        row = session.scalars(select(ScheduleRow).where(ScheduleRow.title == PIO)).one()
        assert row.starts_at is None and row.note.startswith("postponed: was scheduled")
        upcoming = [e.title for e in upcoming_events(session, NOW)]
    assert PIO not in upcoming and "GDP (Advance Estimate)" in upcoming  # no burst for it


def test_a_past_release_is_not_postponed(database):
    store(database, ev(PIO, -2), ev("GDP (Advance Estimate)", 5))
    with database.unit_of_work() as session:
        update = store_schedule(session, ScheduleRecord(
            events=(ev("GDP (Advance Estimate)", 5),), unscheduled=(postponed(PIO),)))
    assert update.postponed == 0


def test_a_new_date_after_postponement_is_scheduled_again(database):
    store(database, ev(PIO, 8), ev("Far Release", 30))
    with database.unit_of_work() as session:
        store_schedule(session, ScheduleRecord(events=(ev("Far Release", 30),),
                                               unscheduled=(postponed(PIO),)))
    later = ScheduledRelease(PIO, "3rd Quarter 2026", NOW + timedelta(days=12), "news")
    update = store(database, later, ev("Far Release", 30))
    assert update.moved == 1
    with database.session() as session:
        assert PIO in [e.title for e in upcoming_events(session, datetime.now(timezone.utc))]
