"""Release pages that arrive (HTTP 200) but are not what they should be: truncated HTML,
a headline paragraph that moved, a non-BEA page, an empty body. Every bad page is made by
editing the bytes of BEA's real GDP advance page (or is an empty or error body); none
invents a layout.

One poll crawls them all (module fixture ``bad``). For each: a clear log line, the raw
bytes kept in the snapshot, an ``extraction`` status, and the release still stored.
"""

from __future__ import annotations

import pytest
from scraper_live import module_tracker, publish_gdp
from sqlalchemy import select

from db.models import Snapshot
from db.store import raw_bytes

NOT_BEA = b"<!DOCTYPE html>\n<html><body><h1>404 Not Found</h1></body></html>\n"


def _headline(page: bytes) -> tuple[int, int]:
    """Start and end of the first paragraph of the page's body (the headline paragraph)."""
    start = page.index(b"<p>", page.index(b"field--name-body"))
    return start, page.index(b"</p>", start) + len(b"</p>")


def truncated(page: bytes) -> bytes:
    """The page cut right after its headline paragraph (a connection that dropped)."""
    return page[: _headline(page)[1]]


def headline_moved(page: bytes) -> bytes:
    """The headline paragraph taken out of the body and put, as a highlight box, above
    the title (the kind of change a redesign brings)."""
    start, end = _headline(page)
    box = b'<div class="release-highlight">' + page[start + 3: end - 4] + b"</div>"
    page = page[:start] + page[end:]
    title = page.index(b"<h1")
    return page[:title] + box + page[title:]


CASES = {
    "truncated": truncated,
    "moved": headline_moved,
    "not_bea": lambda page: NOT_BEA,
    "empty": lambda page: b"",
}


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory):
    with module_tracker(tmp_path_factory, "bad") as tracker:
        assert tracker.poll().code == 0  # baseline
        tracker.paths, tracker.bodies = {}, {}
        for seq, (case, edit) in enumerate(CASES.items(), 1):
            release = publish_gdp(tracker.bea, seq=seq)
            tracker.paths[case], tracker.bodies[case] = release.path, edit(release.page)
            tracker.bea.put(release.path, tracker.bodies[case])
        tracker.first = tracker.poll()
        yield tracker


def page_snapshot(tracker, case: str) -> Snapshot:  # noqa: ANN001 - Tracker
    release = tracker.release(tracker.paths[case])
    with tracker.db.session() as session:
        return session.scalars(select(Snapshot).where(
            Snapshot.release_id == release.id, Snapshot.kind == "page")).one()


def test_the_poll_stores_every_bad_page(bad):
    assert bad.first.code == 0, bad.first.output
    assert "pages crawled 4 (0 failed)" in bad.first.stdout


@pytest.mark.parametrize("case", CASES)
def test_the_raw_bytes_are_kept(bad, case):
    assert raw_bytes(page_snapshot(bad, case)) == bad.bodies[case]


@pytest.mark.parametrize("case", CASES)
def test_a_clear_log_line_names_the_page(bad, case):
    url = bad.bea.url(bad.paths[case])
    lines = [line for line in bad.first.stderr.splitlines() if url in line]
    assert any("WARNING scraper.page_store: extraction" in line for line in lines), lines


def test_a_truncated_page_is_partial_with_what_it_still_says(bad):
    snapshot = page_snapshot(bad, "truncated")
    assert snapshot.extraction == "partial"
    assert any("headline figures not found" in p for p in snapshot.problems)
    release = bad.show(bad.paths["truncated"])
    assert release["extraction"] == "partial"
    assert release["release_number"] == "BEA 26-35"
    assert bad.figure(bad.paths["truncated"], "real_gdp", "2026Q2")["value"] == 1.5


def test_a_moved_headline_is_noted(bad):
    snapshot = page_snapshot(bad, "moved")
    assert any("headline paragraph not found" in p for p in snapshot.problems)


@pytest.mark.xfail(strict=True, reason="scraper/extract says 'ok' after its whole-page "
                   "fallback, though the lead it returns is the wrong paragraph (reported)")
def test_a_moved_headline_is_not_ok(bad):
    assert page_snapshot(bad, "moved").extraction in ("partial", "failed")


@pytest.mark.parametrize("case", ["not_bea", "empty"])
def test_a_page_that_is_no_release_fails_and_the_feed_item_stays(bad, case):
    path = bad.paths[case]
    assert page_snapshot(bad, case).extraction == "failed"
    release = bad.show(path)
    assert release["extraction"] == "ok"  # the feed item's record is still current
    current = [v["kind"] for v in release["vintages"] if v["current"]]
    assert current == ["feed_item"]
    assert bad.figure(path, "real_gdp", "2026Q2")["value"] == 1.5
    assert release["title"] == f"GDP (Advance Estimate) Synthetic {list(CASES).index(case) + 1}" \
        ", 2nd Quarter 2026"
