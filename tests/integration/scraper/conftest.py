"""Fixtures for the scraper's integration tests (helpers: tests/support/live.py; the
local BEA ``bea``: tests/support/servers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bea_tracker.demo.localbea import LocalBea
from tests.support.live import BAD_PAGES, Tracker, module_tracker, publish_gdp


@pytest.fixture
def tracker(bea: LocalBea, tmp_path: Path) -> Iterator[Tracker]:
    tracker = Tracker(bea, tmp_path)
    yield tracker
    tracker.db.dispose()


@pytest.fixture(scope="module")
def baseline_done(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    """A baseline poll (feed and schedule) of an empty database, then a second poll of
    the unchanged BEA; the database and requests after each are kept for the tests."""
    with module_tracker(tmp_path_factory, "baseline") as tracker:
        tracker.first = tracker.poll("--schedule")
        tracker.first_requests = tracker.bea.log.records()
        tracker.first_counts = (len(tracker.releases()), len(tracker.events()))
        tracker.bea.log.clear()
        tracker.second = tracker.poll("--schedule")
        yield tracker


FAULTS = ("429", "huge", "huge_streamed", "404", "500")
HUGE = 12_000_000  # bytes; every fetch refuses anything over 8 MB (scraper.fetch.MAX_BODY_BYTES)


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    """Release pages that answer badly, crawled by two polls after a baseline.

    Nine releases are published at once (BEA's real GDP advance page, renamed per
    release): five answer with a transport fault (``FAULTS``), four with a bad body
    (``BAD_PAGES``). Poll A crawls them; ``after_a`` keeps what ``show`` said then. Then
    the 404 page goes live and poll B runs: the feed is unchanged (304) and the pages still
    missing or unusable are asked for again.
    """
    with module_tracker(tmp_path_factory, "crawled") as tracker:
        assert tracker.poll().code == 0  # baseline
        bea = tracker.bea
        tracker.paths, tracker.bodies, tracker.titles = {}, {}, {}
        for seq, case in enumerate([*FAULTS, *BAD_PAGES], 1):
            release = publish_gdp(bea, seq=seq)
            tracker.paths[case], tracker.titles[case] = release.path, release.title
            if case in BAD_PAGES:
                tracker.bodies[case] = BAD_PAGES[case](release.page)
                bea.put(release.path, tracker.bodies[case])
        bea.fault(tracker.paths["429"], status=429, retry_after=1)
        bea.huge(tracker.paths["huge"], HUGE, times=None)
        bea.huge(tracker.paths["huge_streamed"], HUGE, announce_length=False, times=None)
        bea.remove(tracker.paths["404"])
        bea.fault(tracker.paths["500"], status=500, times=None)
        bea.log.clear()
        tracker.first = tracker.poll()
        tracker.after_a = {case: tracker.show(path) for case, path in tracker.paths.items()}
        tracker.problems_after_a = tracker.events("source_problem")
        tracker.requests_a = bea.log.records()
        bea.restore(tracker.paths["404"])
        bea.log.clear()
        tracker.second = tracker.poll()
        yield tracker


@pytest.fixture
def after_baseline(tracker: Tracker) -> Tracker:
    """A tracker whose first (baseline) poll of the real feed is done."""
    first = tracker.poll()
    assert first.code == 0, first.output
    tracker.bea.log.clear()
    return tracker
