"""Storing snapshots: idempotent, one new_release per release, revisions when values move."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from db.events import event_record
from db.models import Event, Figure, Release, Snapshot
from db.records import EXTRACTION_FAILED, FigureRecord
from db.store import KIND_FEED_ITEM, raw_bytes, store_snapshot


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_same_snapshot_twice_leaves_one_row_each(database, advance):
    fetched, record = advance
    with database.unit_of_work() as s:
        first = store_snapshot(s, fetched, record)
    with database.unit_of_work() as s:
        again = store_snapshot(s, fetched, record)
    assert first.new_release and first.new_snapshot
    assert not again.new_release and not again.new_snapshot
    with database.session() as s:
        assert count(s, Release) == 1
        assert count(s, Snapshot) == 1
        assert count(s, Figure) == 3  # two headline figures + Q1 restated by real GDP
        assert count(s, Event) == 1


def test_raw_page_is_kept_and_round_trips(database, advance):
    fetched, record = advance
    with database.unit_of_work() as s:
        result = store_snapshot(s, fetched, record)
    with database.session() as s:
        assert raw_bytes(s.get(Snapshot, result.snapshot_id)) == fetched.body


def test_changed_page_is_a_new_vintage_and_a_revision(database, advance):
    fetched, record = advance
    with database.unit_of_work() as s:
        store_snapshot(s, fetched, record)
    changed = dataclasses.replace(
        record, figures=(dataclasses.replace(record.figures[0], value=1.6), record.figures[1])
    )
    with database.unit_of_work() as s:
        result = store_snapshot(s, dataclasses.replace(fetched, body=b"<html>v2</html>"), changed)
    assert result.new_snapshot and not result.new_release
    assert [(r.indicator, r.old_value, r.new_value) for r in result.revisions] == [
        ("real_gdp", 1.5, 1.6)
    ]
    with database.session() as s:
        kinds = [e.kind for e in s.scalars(select(Event).order_by(Event.id))]
        assert kinds == ["new_release", "revision"]
        rev = s.scalars(select(Event).where(Event.kind == "revision")).one()
        rendered = event_record(s, rev.id)
        assert rendered.revisions[0].change == 0.1
        assert rendered.release.figures[0].value == 1.6


def test_a_page_served_in_an_older_version_again_leaves_the_newest_current(
        database, advance, caplog):
    """A stale cache copy (the first body again after a correction) is not a new vintage
    nor a flip back: the corrected figures stay current, one warning says so."""
    fetched, record = advance
    changed = dataclasses.replace(
        record, figures=(dataclasses.replace(record.figures[0], value=1.6), record.figures[1])
    )
    corrected = dataclasses.replace(fetched, body=b"<html>v2</html>")
    with database.unit_of_work() as s:
        store_snapshot(s, fetched, record)
    with database.unit_of_work() as s:
        newest = store_snapshot(s, corrected, changed).snapshot_id
    with database.unit_of_work() as s:
        again = store_snapshot(s, fetched, record)
    assert not again.new_snapshot and not again.revisions
    with database.session() as s:
        assert s.scalars(select(Release)).one().current_snapshot_id == newest
        assert [e.kind for e in s.scalars(select(Event).order_by(Event.id))] == [
            "new_release", "revision"]
    assert any("served an older version again" in r.getMessage() for r in caplog.records)


def test_next_estimate_revises_previous_release(database, advance, second):
    with database.unit_of_work() as s:
        store_snapshot(s, *advance)
    fetched, record = second
    third_like = dataclasses.replace(
        record, figures=(dataclasses.replace(record.figures[0], value=1.7),)
    )
    with database.unit_of_work() as s:
        result = store_snapshot(s, fetched, third_like)
    assert result.new_release
    assert [(r.old_estimate, r.new_estimate, r.new_value) for r in result.revisions] == [
        ("advance", "second", 1.7)
    ]


def test_unchanged_second_estimate_is_no_revision(database, advance, second):
    with database.unit_of_work() as s:
        store_snapshot(s, *advance)
    with database.unit_of_work() as s:
        result = store_snapshot(s, *second)
    assert result.new_release and result.revisions == []


def test_baseline_events_are_marked(database, advance):
    with database.unit_of_work() as s:
        store_snapshot(s, *advance, baseline=True)
    with database.session() as s:
        assert s.scalars(select(Event.baseline)).one() is True


def test_failed_extraction_stores_raw_page_but_no_alert(database, advance):
    fetched, record = advance
    failed = dataclasses.replace(record, figures=(), extraction=EXTRACTION_FAILED,
                                 problems=("no release date",))
    with database.unit_of_work() as s:
        result = store_snapshot(s, fetched, failed)
    with database.session() as s:
        assert count(s, Event) == 0
        assert s.get(Snapshot, result.snapshot_id).problems == ["no release date"]


def test_feed_item_then_page_merge_into_one_release(database, advance):
    fetched, record = advance
    feed_record = dataclasses.replace(record, figures=(
        FigureRecord("real_gdp", "Real GDP", "2026Q2", "advance", 1.5, "percent_saar"),
    ))
    with database.unit_of_work() as s:
        store_snapshot(s, dataclasses.replace(fetched, body=b"<item/>"), feed_record,
                       kind=KIND_FEED_ITEM, guid=record.url)
    with database.unit_of_work() as s:
        page = store_snapshot(s, fetched, record)
    with database.session() as s:
        assert count(s, Release) == 1
        assert count(s, Event) == 1
        release = s.scalars(select(Release)).one()
        assert release.current_snapshot_id == page.snapshot_id
        assert release.feed_first_seen_at is not None and release.page_first_seen_at is not None
