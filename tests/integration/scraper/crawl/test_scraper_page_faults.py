"""Release pages that answer badly: 429 with Retry-After, 500s, a huge body, a 404, a slow
answer. The poll exits 0, each page's fate is in poll_log, and the release stays stored
from its feed item when its page could not be had.

Most cases share the two polls of the session fixture ``crawled`` (conftest.py): after a
baseline, poll A crawls nine newly published releases, five of them with the faults
here; then the 404 page goes live and poll B (the feed unchanged, a 304) asks again for
the pages still missing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from scraper.fetch import MAX_BODY_BYTES
from tests.support.live import publish_gdp


def kinds(release: dict) -> list[str]:  # the ``show --json`` of a release
    return sorted(v["kind"] for v in release["vintages"])


def requests_a(crawled, case: str) -> list:
    return [r for r in crawled.requests_a if r.path == crawled.paths[case]]


def test_poll_a_survives_every_fault(crawled):
    assert crawled.first.code == 0, crawled.first.output
    assert "57 items, 9 new or changed; pages crawled 9 (4 failed)" in crawled.first.stdout


def test_429_is_retried_after_retry_after_then_stored(crawled):
    answers = requests_a(crawled, "429")
    assert [r.status for r in answers] == [429, 200]
    assert answers[1].at - answers[0].at >= timedelta(seconds=0.9)  # waited as asked
    assert "answered 429; waiting 1.0 s as Retry-After asks" in crawled.first.stderr
    path = crawled.paths["429"]
    logged = crawled.poll_log(path)
    assert [(p.status, p.error) for p in logged] == [(200, None)]
    assert logged[0].duration_ms > 0 and logged[0].etag  # the download's own facts
    assert kinds(crawled.after_a["429"]) == ["feed_item", "page"]
    assert crawled.figure(path, "current_dollar_gdp", "2026Q2")["value"] == 7.9  # page only


def test_a_new_release_is_alerted_once(crawled):
    alerted = [e for e in crawled.events() if not e.baseline and e.kind == "new_release"]
    assert sorted(e.release_id for e in alerted) == sorted(
        crawled.release(path).id for path in crawled.paths.values())


@pytest.mark.parametrize("case", ["huge", "huge_streamed"])
def test_a_huge_page_is_refused_and_logged(crawled, case):
    path = crawled.paths[case]
    first = crawled.poll_log(path)[0]
    assert first.status is None
    assert f"download max size ({MAX_BODY_BYTES}" in first.error
    assert f"could not fetch {crawled.bea.url(path)}" in crawled.first.stderr
    assert kinds(crawled.after_a[case]) == ["feed_item"]
    assert crawled.figure(path, "real_gdp", "2026Q2")["value"] == 1.5  # from the feed


def test_a_404_leaves_the_release_stored_from_its_feed_item(crawled):
    release = crawled.after_a["404"]
    assert release["title"] == "GDP (Advance Estimate) Synthetic 4, 2nd Quarter 2026"
    assert release["extraction"] == "ok"
    assert kinds(release) == ["feed_item"]
    assert pytest.approx(1.5) == next(
        f["value"] for f in release["figures"] if f["indicator"] == "real_gdp")
    assert "could not fetch" in crawled.first.stderr


def test_500s_are_retried_then_logged_as_a_failure(crawled):
    assert [r.status for r in requests_a(crawled, "500")] == [500, 500, 500]
    first = crawled.poll_log(crawled.paths["500"])[0]
    assert (first.status, first.error) == (500, "HTTP 500")
    assert kinds(crawled.after_a["500"]) == ["feed_item"]


def test_one_failed_poll_is_not_yet_a_source_problem(crawled):
    assert crawled.problems_after_a == []  # failure_threshold is 2


def test_poll_b_finds_the_feed_unchanged_and_asks_again_for_missing_pages(crawled):
    assert crawled.second.code == 0, crawled.second.output
    # missing: huge, huge_streamed, 404 (live now), 500; unusable: not_bea, empty
    assert "feed: 304 not modified; pages retried 6 (3 failed)" in crawled.second.stdout
    asked = {r.path for r in crawled.bea.log.records()} - {"/rss/rss.xml", "/robots.txt", "/"}
    assert asked == {crawled.paths[c] for c in
                     ("huge", "huge_streamed", "404", "500", "not_bea", "empty")}
    # BEA's home page once, for the GDP page that went live (its cross-check)
    assert len(crawled.bea.log.records("/")) == 1


def test_a_page_that_was_404_is_stored_once_it_is_live(crawled):
    path = crawled.paths["404"]
    assert [p.status for p in crawled.poll_log(path)] == [404, 200]
    release = crawled.show(path)
    assert [v["kind"] for v in release["vintages"] if v["current"]] == ["page"]
    assert crawled.figure(path, "current_dollar_gdp", "2026Q2")["value"] == 7.9
    events = [e for e in crawled.events() if e.release_id == crawled.release(path).id]
    assert [e.kind for e in events] == ["new_release"]  # the page adds no second alert


def test_a_page_failing_twice_in_a_row_is_one_source_problem(crawled):
    problems = crawled.events("source_problem")
    sources = sorted(e.payload["source"] for e in problems)
    assert sources == sorted(crawled.bea.url(crawled.paths[c])
                             for c in ("huge", "huge_streamed", "500"))


def test_a_slow_page_past_the_timeout_is_a_logged_failure(after_baseline):
    tracker = after_baseline
    tracker.configure(timeout=2)  # a bound: the local pages answer in milliseconds
    release = publish_gdp(tracker.bea)
    tracker.bea.fault(release.path, delay=60, times=None)  # cut short when the test ends

    result = tracker.poll()

    assert result.code == 0, result.output
    assert "pages crawled 1 (1 failed)" in result.stdout
    logged = tracker.poll_log(release.path)
    assert len(logged) == 1
    assert logged[0].status is None
    assert "took longer than 2.0 seconds" in logged[0].error
    assert tracker.figure(release.path, "real_gdp", "2026Q2")["value"] == 1.5  # from feed
