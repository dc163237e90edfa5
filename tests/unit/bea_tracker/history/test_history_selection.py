"""Choosing what a backfill crawls: feed items (real BEA feed), URL files, the plan."""

from __future__ import annotations

from datetime import date

import pytest

from bea_tracker.history.backfill import (
    ALREADY_STORED,
    HOST_NOT_ALLOWED,
    Selection,
    Summary,
    UrlFileError,
    plan_pages,
    read_url_file,
    select_items,
)
from db.records import FeedItem
from scraper.feed_parse import parse_feed
from tests.support.paths import BEA_CAPTURES

FEED = BEA_CAPTURES / "rss-2026-09-13.xml"
BASE = "https://www.bea.gov"


@pytest.fixture(scope="module")
def items() -> list[FeedItem]:
    return list(parse_feed(FEED.read_bytes()).items)


def test_everything_by_default(items):
    assert len(items) == 48
    assert select_items(items, Selection()) == items


def test_since_keeps_items_published_that_day_or_later(items):
    chosen = select_items(items, Selection(since=date(2026, 8, 26)))

    assert [i.title for i in chosen] == [
        "U.S. International Trade in Goods and Services, July 2026",
        "GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026",
        "Personal Income and Outlays, July 2026",
    ]


def test_series_is_a_case_insensitive_substring(items):
    chosen = select_items(items, Selection(series="personal income and OUTLAYS"))

    assert len(chosen) == 6
    assert all(i.series == "Personal Income and Outlays" for i in chosen)


def test_limit_takes_the_newest_after_the_filters(items):
    chosen = select_items(items, Selection(series="GDP", since=date(2024, 1, 1), limit=2))

    assert [i.published.date() for i in chosen] == [date(2026, 8, 26), date(2026, 2, 20)]
    assert select_items(items, Selection(limit=0)) == []


def test_since_leaves_out_items_without_a_date():
    undated = FeedItem(guid="g", title="Some release", link=BASE + "/news/x")

    assert select_items([undated], Selection(since=date(2020, 1, 1))) == []
    assert select_items([undated], Selection()) == [undated]


def test_url_file_lines_comments_and_relative_paths():
    text = ("# GDP pages BEA no longer lists\n\n"
            "/news/2025/gdp-advance-estimate-2nd-quarter-2025\n"
            "https://apps.bea.gov/newsreleases/x.htm   # old layout\n"
            "  https://www.bea.gov/news/2024/a#section  \n")

    assert read_url_file(text, BASE) == [
        "https://www.bea.gov/news/2025/gdp-advance-estimate-2nd-quarter-2025",
        "https://apps.bea.gov/newsreleases/x.htm",
        "https://www.bea.gov/news/2024/a#section",
    ]


def test_url_file_names_the_bad_line():
    with pytest.raises(UrlFileError, match=r"line 2: not an http\(s\) URL: 'ftp://x/y'"):
        read_url_file("https://www.bea.gov/a\nftp://x/y\n", BASE)


def test_plan_dedupes_skips_stored_and_foreign_hosts(items):
    chosen = select_items(items, Selection(series="Personal Income and Outlays", limit=3))
    stored = {chosen[0].link}
    extra = [chosen[1].link, "https://example.org/news/1", BASE + "/news/2019/x"]

    plan = plan_pages(chosen, extra, lambda url: "bea.gov" in url, stored)

    assert [p.url for p in plan.pages] == [chosen[1].link, chosen[2].link,
                                           BASE + "/news/2019/x"]
    assert plan.pages[0].guid == chosen[1].guid and plan.pages[0].title == chosen[1].title
    assert [(s.url, s.reason) for s in plan.skipped] == [
        (chosen[0].link, ALREADY_STORED), ("https://example.org/news/1", HOST_NOT_ALLOWED)]


class _Outcome:
    def __init__(self, url: str, ok: bool, new: bool = True, error: str | None = None,
                 status: int | None = 200) -> None:
        self.url, self.ok, self.new_snapshot, self.error = url, ok, new, error
        self.status, self.extraction = status, "ok" if ok else None


def test_summary_counts_and_json_shape():
    summary = Summary("https://apps.bea.gov/rss/rss.xml", feed_items=48, selected=2,
                      from_file=1, to_fetch=3)
    summary.add(_Outcome("a", True))
    summary.add(_Outcome("b", False, error="HTTP 404", status=404))
    summary.add(_Outcome("c", True, new=False))

    assert summary.line() == "backfill: 3/3 pages fetched: 1 stored, 1 failed; 0 skipped"
    shape = summary.to_json()
    assert shape["stored"] == [{"url": "a", "extraction": "ok"}]
    assert shape["failed"] == [{"url": "b", "reason": "HTTP 404", "status": 404}]
    assert shape["unchanged"] == ["c"] and shape["interrupted"] is False
    summary.interrupted, summary.not_fetched = True, ["d"]
    assert summary.line().endswith("interrupted, 1 not fetched (run again to resume)")
