"""The one-line format from stored data: a second estimate names the advance one."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from db.events import event_record, latest_release_event
from db.models import Event
from db.store import store_snapshot
from notifier.render.messages import render_events

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def _new_release_events(session):
    rows = session.scalars(select(Event).where(Event.kind == "new_release").order_by(Event.id))
    return [event_record(session, row.id) for row in rows]


def test_second_estimate_short_line_names_the_advance_estimate(database, advance, second):
    with database.unit_of_work() as s:
        store_snapshot(s, *advance)
        store_snapshot(s, *second)
    with database.session() as s:
        adv_event, second_event = _new_release_events(s)
        latest = latest_release_event(s, NOW)
    assert adv_event.earlier == ()  # nothing came before the advance estimate
    short = render_events([second_event], format="short")
    assert short.subject == "BEA: GDP Q2 2026 (second) +1.5% (adv +1.5%)"
    assert short.text == short.subject + "\n"
    assert "(adv +1.5%)" in short.html and "<a href=" in short.html
    assert render_events([adv_event], format="short").subject == "BEA: GDP Q2 2026 (advance) +1.5%"
    full = render_events([second_event])
    assert full.subject == "BEA: GDP Q2 2026 (second) +1.5%" and "PCE price index" in full.text
    assert latest is not None and latest.release.url == second[1].url
    assert render_events([latest], format="short").subject == short.subject


def test_short_digest_is_one_line_per_event(database, advance, second):
    with database.unit_of_work() as s:
        store_snapshot(s, *advance)
        store_snapshot(s, *second)
    with database.session() as s:
        events = _new_release_events(s)
    digest = render_events(events, digest=True, format="short")
    assert digest.subject.startswith("BEA daily digest")
    assert digest.text.splitlines() == [
        "BEA: GDP Q2 2026 (advance) +1.5%",
        "BEA: GDP Q2 2026 (second) +1.5% (adv +1.5%)",
    ]


def test_empty_database_has_no_latest_release(database):
    with database.session() as s:
        assert latest_release_event(s, NOW) is None
