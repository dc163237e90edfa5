"""Every cut of every saved document parses without raising (or warning)."""

from __future__ import annotations

import ast

import pytest

from db.records import FeedRecord, ReleaseRecord, ScheduleRecord
from scraper.extract import extract_release
from scraper.feed_parse import parse_feed
from scraper.schedule import parse_schedule_html, parse_schedule_ics
from tests.support.captures import fixture_bytes
from tests.support.paths import ROOT

STEP = 3989  # a prime, so cuts land at many different places in the markup


@pytest.mark.parametrize("name", ["release-gdp-2026q2-advance.html",
                                  "release-ita-2026q1-annual-update.html",
                                  "release-pio-2026-07-ws-normalized.html"])
def test_release_page_cuts(name: str) -> None:
    data = fixture_bytes(name)
    for cut in range(0, len(data), STEP):
        assert isinstance(extract_release(data[:cut], "https://www.bea.gov/news/x"),
                          ReleaseRecord)


def test_feed_cuts_never_lose_complete_items() -> None:
    data = fixture_bytes("rss-2026-09-13.xml")
    previous = -1
    for cut in range(0, len(data), STEP):
        record = parse_feed(data[:cut])
        assert isinstance(record, FeedRecord)
        assert len(record.items) >= previous - 1  # feedparser may drop the half-read item
        previous = len(record.items)


def test_schedule_cuts() -> None:
    html = fixture_bytes("schedule-table-excerpt-2026-07-16.html").decode()
    ics = fixture_bytes("schedule-ics-2026-09-19-normalized.ics")
    for cut in range(0, len(html), STEP // 3):
        assert isinstance(parse_schedule_html(html[:cut]), ScheduleRecord)
    for cut in range(0, len(ics), STEP // 3):
        assert isinstance(parse_schedule_ics(ics[:cut]), ScheduleRecord)


def test_scraper_imports_neither_notifier_nor_bea_tracker() -> None:
    root = ROOT / "scraper"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("notifier", "bea_tracker")), (path, name)
