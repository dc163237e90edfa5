"""Revision alerts rate-limited per release: every vintage stored, one alert per interval,
the next alert measured from what the last one said (db/revisions.py)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import func, select

from db.models import Event, Snapshot
from db.revisions import release_held_revisions
from db.store import store_snapshot
from db.types import TEST_CLOCK_ENV, utcnow

INTERVAL = timedelta(minutes=15)


def vintage(database, advance, value: float, page: bytes = b"") -> None:
    fetched, record = advance
    changed = dataclasses.replace(
        record, figures=(dataclasses.replace(record.figures[0], value=value),
                         record.figures[1]))
    with database.unit_of_work() as s:
        store_snapshot(s, dataclasses.replace(fetched, body=b"v%g" % value + page), changed,
                       revision_interval=INTERVAL)


def revisions(database) -> list[list[tuple[float, float]]]:
    with database.session() as s:
        return [[(r["old_value"], r["new_value"]) for r in e.payload["revisions"]
                 if r["period"] == "2026Q2"]
                for e in s.scalars(select(Event).where(Event.kind == "revision")
                                   .order_by(Event.id))]


def test_changes_within_the_interval_are_held_and_folded_into_the_next_alert(
        database, advance, tmp_path, monkeypatch) -> None:
    vintage(database, advance, 1.5)  # new_release
    vintage(database, advance, 1.6)  # the first revision: alerted
    vintage(database, advance, 1.7)
    vintage(database, advance, 1.8)  # both held
    assert revisions(database) == [[(1.5, 1.6)]]

    offset = tmp_path / "offset"
    offset.write_text(str((INTERVAL + timedelta(minutes=1)).total_seconds()))
    monkeypatch.setenv(TEST_CLOCK_ENV, str(offset))
    vintage(database, advance, 1.9)  # after the interval: from what was alerted (1.6)
    assert revisions(database) == [[(1.5, 1.6)], [(1.6, 1.9)]]
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Snapshot)) == 5  # nothing lost


def test_held_changes_are_released_once_the_interval_has_passed(database, advance) -> None:
    for value in (1.5, 1.6, 1.7, 1.8):
        vintage(database, advance, value)
    with database.unit_of_work() as s:
        assert release_held_revisions(s, INTERVAL, utcnow()) == []  # too soon
    with database.unit_of_work() as s:
        assert len(release_held_revisions(s, INTERVAL, utcnow() + INTERVAL)) == 1
    with database.unit_of_work() as s:  # once
        assert release_held_revisions(s, INTERVAL, utcnow() + INTERVAL) == []
    assert revisions(database) == [[(1.5, 1.6)], [(1.6, 1.8)]]


def test_a_change_back_to_what_was_alerted_is_no_alert(database, advance) -> None:
    for value in (1.5, 1.6, 1.7):
        vintage(database, advance, value)
    vintage(database, advance, 1.6, page=b" (another page saying 1.6 again)")
    with database.unit_of_work() as s:
        assert release_held_revisions(s, INTERVAL, utcnow() + INTERVAL) == []
    assert revisions(database) == [[(1.5, 1.6)]]
