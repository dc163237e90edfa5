"""``poll --once`` (with the schedule) against a local BEA whose table marks a release
"To Be Rescheduled" with BEA's row-update script while its calendar still lists it: one
schedule_change says "postponed", the release leaves the upcoming schedule (no burst)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from db.events import event_record
from db.schedule_store import upcoming_events
from notifier.render.views import event_view

PIO = ("Personal Income and Outlays", "December 2026")


def test_to_be_rescheduled_is_a_postponement(tracker):
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    gdp = ("GDP (Advance Estimate)", "4th Quarter 2026", now + timedelta(days=3))
    pio = (*PIO, now + timedelta(days=4))
    tracker.bea.schedule_with([gdp, pio])
    first = tracker.poll("--schedule")
    assert first.code == 0, first.output
    tracker.bea.schedule_with([gdp], postponed=[pio])
    second = tracker.poll("--schedule")
    assert second.code == 0, second.output
    assert "1 postponed" in second.output
    changes = [e for e in tracker.events("schedule_change") if not e.baseline]
    assert [e.payload["change"] for e in changes] == ["postponed"]
    with tracker.db.session() as session:
        view = event_view(event_record(session, changes[0].id))
        upcoming = {(e.title, e.period) for e in upcoming_events(session, now)}
    assert view.headline.startswith(
        "Personal Income and Outlays, December 2026: postponed, to be rescheduled")
    assert "To Be Rescheduled (Orig. " in view.headline + " ".join(view.summary)
    assert PIO not in upcoming and gdp[:2] in upcoming
    third = tracker.poll("--schedule")  # unchanged: nothing more is said
    assert third.code == 0, third.output
    assert [e.payload["change"] for e in tracker.events("schedule_change")
            if not e.baseline] == ["postponed"]
