"""Release pages that arrive (HTTP 200) but are not what they should be: truncated HTML,
a headline paragraph that moved, a non-BEA page, an empty body. Every bad page is made by
editing the bytes of BEA's real GDP advance page (or is an empty or error body); none
invents a layout.

They are crawled in poll A of the session fixture ``crawled`` (conftest.py), with the
transport faults of test_scraper_page_faults.py. For each: a clear log line, the raw bytes
kept in the snapshot, an ``extraction`` status, and the release still stored.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Snapshot
from db.store import raw_bytes
from tests.support.live import BAD_PAGES


def page_snapshot(tracker, case: str) -> Snapshot:
    release = tracker.release(tracker.paths[case])
    with tracker.db.session() as session:
        return session.scalars(select(Snapshot).where(
            Snapshot.release_id == release.id, Snapshot.kind == "page")).one()


@pytest.mark.parametrize("case", BAD_PAGES)
def test_a_bad_page_is_a_fetch_that_worked(crawled, case):
    assert crawled.first.code == 0, crawled.first.output
    first = crawled.poll_log(crawled.paths[case])[0]
    assert (first.status, first.size) == (200, len(crawled.bodies[case]))


@pytest.mark.parametrize("case", BAD_PAGES)
def test_the_raw_bytes_are_kept(crawled, case):
    assert raw_bytes(page_snapshot(crawled, case)) == crawled.bodies[case]


@pytest.mark.parametrize("case", BAD_PAGES)
def test_a_clear_log_line_names_the_page(crawled, case):
    url = crawled.bea.url(crawled.paths[case])
    lines = [line for line in crawled.first.stderr.splitlines() if url in line]
    assert any("WARNING scraper.page_store: extraction" in line for line in lines), lines


def test_a_truncated_page_is_partial_with_what_it_still_says(crawled):
    snapshot = page_snapshot(crawled, "truncated")
    assert snapshot.extraction == "partial"
    assert any("headline figures not found" in p for p in snapshot.problems)
    release = crawled.show(crawled.paths["truncated"])
    assert release["extraction"] == "partial"
    assert release["release_number"] == "BEA 26-35"
    assert crawled.figure(crawled.paths["truncated"], "real_gdp", "2026Q2")["value"] == 1.5


def test_a_moved_headline_is_noted(crawled):
    snapshot = page_snapshot(crawled, "moved")
    assert any("headline paragraph not found" in p for p in snapshot.problems)


def test_a_moved_headline_is_not_ok(crawled):
    assert page_snapshot(crawled, "moved").extraction in ("partial", "failed")


@pytest.mark.parametrize("case", ["not_bea", "empty"])
def test_a_page_that_is_no_release_fails_and_the_feed_item_stays(crawled, case):
    path = crawled.paths[case]
    assert page_snapshot(crawled, case).extraction == "failed"
    release = crawled.show(path)
    assert release["extraction"] == "ok"  # the feed item's record is still current
    current = [v["kind"] for v in release["vintages"] if v["current"]]
    assert current == ["feed_item"]
    assert crawled.figure(path, "real_gdp", "2026Q2")["value"] == 1.5
    assert release["title"] == crawled.titles[case]  # not "404 Not Found", not the URL
