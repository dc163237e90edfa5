"""Fixtures for the scraper's integration tests (helpers live in scraper_live.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scraper_live import Tracker, module_tracker

from bea_tracker.localbea import LocalBea


@pytest.fixture
def bea() -> Iterator[LocalBea]:
    with LocalBea() as server:
        yield server


@pytest.fixture
def tracker(bea: LocalBea, tmp_path: Path) -> Iterator[Tracker]:
    tracker = Tracker(bea, tmp_path)
    yield tracker
    tracker.db.dispose()


@pytest.fixture(scope="module")
def baseline_done(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    """One baseline poll (feed and schedule) shared by a module's read-only tests."""
    with module_tracker(tmp_path_factory, "baseline") as tracker:
        tracker.first = tracker.poll("--schedule")
        yield tracker


@pytest.fixture
def after_baseline(tracker: Tracker) -> Tracker:
    """A tracker whose first (baseline) poll of the real feed is done."""
    first = tracker.poll()
    assert first.code == 0, first.output
    tracker.bea.log.clear()
    return tracker
