"""Release pages that answer badly: 429 with Retry-After, 500s, a huge body, a 404, a slow
answer. The poll exits 0, each page's fate is in poll_log, and the release stays stored
from its feed item when its page could not be had.

Most cases share one poll (module fixture ``faulty``): after a baseline, five releases are
published at once (BEA's real GDP advance page, renamed per release), each with its fault.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from scraper_live import module_tracker, publish_gdp

HUGE = 12_000_000  # bytes; the crawl refuses anything over 5 MB


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory):
    with module_tracker(tmp_path_factory, "faulty") as tracker:
        assert tracker.poll().code == 0  # baseline
        bea = tracker.bea
        tracker.paths = {}
        for seq, case in enumerate(["429", "huge", "huge_streamed", "404", "500"], 1):
            tracker.paths[case] = publish_gdp(bea, seq=seq).path
        bea.fault(tracker.paths["429"], status=429, retry_after=1)
        bea.huge(tracker.paths["huge"], HUGE)
        bea.huge(tracker.paths["huge_streamed"], HUGE, announce_length=False)
        bea.remove(tracker.paths["404"])
        bea.fault(tracker.paths["500"], status=500, times=None)
        bea.log.clear()
        tracker.first = tracker.poll()
        yield tracker


def test_the_poll_survives_every_fault(faulty):
    assert faulty.first.code == 0, faulty.first.output
    assert "53 items, 5 new or changed; pages crawled 5 (4 failed)" in faulty.first.stdout


def test_429_is_retried_after_retry_after_then_stored(faulty):
    path = faulty.paths["429"]
    answers = faulty.bea.log.records(path)
    assert [r.status for r in answers] == [429, 200]
    assert answers[1].at - answers[0].at >= timedelta(seconds=0.9)  # waited as asked
    assert "answered 429; waiting 1.0 s as Retry-After asks" in faulty.first.stderr
    assert [(p.status, p.error) for p in faulty.poll_log(path)] == [(200, None)]
    assert faulty.figure(path, "real_gdp", "2026Q2")["value"] == 1.5
    assert sorted(v["kind"] for v in faulty.show(path)["vintages"]) == ["feed_item", "page"]


@pytest.mark.parametrize("case", ["huge", "huge_streamed"])
def test_a_huge_page_is_refused_and_logged(faulty, case):
    path = faulty.paths[case]
    logged = faulty.poll_log(path)
    assert len(logged) == 1
    assert logged[0].status is None
    assert "larger than download max size" in logged[0].error
    assert f"could not fetch {faulty.bea.url(path)}" in faulty.first.stderr
    release = faulty.show(path)
    assert [v["kind"] for v in release["vintages"]] == ["feed_item"]
    assert faulty.figure(path, "real_gdp", "2026Q2")["value"] == 1.5  # from the feed


def test_a_404_leaves_the_release_stored_from_its_feed_item(faulty):
    path = faulty.paths["404"]
    assert [(p.status, p.error) for p in faulty.poll_log(path)] == [(404, "HTTP 404")]
    release = faulty.show(path)
    assert release["title"] == "GDP (Advance Estimate) Synthetic 4, 2nd Quarter 2026"
    assert release["extraction"] == "ok"
    assert [v["kind"] for v in release["vintages"]] == ["feed_item"]
    assert faulty.figure(path, "real_gdp", "2026Q2")["value"] == 1.5
    new = [e for e in faulty.events("new_release") if not e.baseline]
    assert faulty.release(path).id in {e.release_id for e in new}


def test_500s_are_retried_then_logged_as_a_failure(faulty):
    path = faulty.paths["500"]
    assert [r.status for r in faulty.bea.log.records(path)] == [500, 500, 500]
    assert [(p.status, p.error) for p in faulty.poll_log(path)] == [(500, "HTTP 500")]
    assert faulty.figure(path, "real_gdp", "2026Q2")["value"] == 1.5


def test_one_failed_poll_is_not_yet_a_source_problem(faulty):
    assert faulty.events("source_problem") == []  # failure_threshold is 2


def test_a_slow_page_past_the_timeout_is_a_logged_failure(after_baseline):
    tracker = after_baseline
    tracker.configure(timeout=1)
    release = publish_gdp(tracker.bea)
    tracker.bea.fault(release.path, delay=60, times=None)  # cut short when the test ends

    result = tracker.poll()

    assert result.code == 0, result.output
    assert "pages crawled 1 (1 failed)" in result.stdout
    logged = tracker.poll_log(release.path)
    assert len(logged) == 1
    assert logged[0].status is None
    assert "took longer than 1.0 seconds" in logged[0].error
    assert tracker.figure(release.path, "real_gdp", "2026Q2")["value"] == 1.5  # from feed


def test_a_page_that_was_404_is_fetched_once_it_is_live(after_baseline):
    """The feed is unchanged (304), but a recent item whose page was missing is retried."""
    tracker = after_baseline
    release = publish_gdp(tracker.bea)
    tracker.bea.remove(release.path)
    assert "pages crawled 1 (1 failed)" in tracker.poll().stdout
    tracker.bea.restore(release.path)

    again = tracker.poll()

    assert again.code == 0, again.output
    assert "feed: 304 not modified" in again.stdout
    assert [r.status for r in tracker.bea.log.records(release.path)] == [404, 200]
    assert [p.status for p in tracker.poll_log(release.path)] == [404, 200]
    kinds = [v["kind"] for v in tracker.show(release.path)["vintages"] if v["current"]]
    assert kinds == ["page"]
    alerted = [e for e in tracker.events() if not e.baseline]
    assert [e.kind for e in alerted] == ["new_release"]  # the page adds no second alert
