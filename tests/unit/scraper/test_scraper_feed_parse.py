"""parse_feed on the saved BEA feed: standard fields, BEA's <data> figures (table-driven)."""

from __future__ import annotations

from datetime import datetime

import pytest

from db.records import FeedItem, FeedRecord
from scraper.extract import figures_from_text
from scraper.feed_parse import parse_feed
from tests.support.captures import assert_figure, expected, fixture_bytes

_CASES = expected("rss-2026-09-13.xml")
FEED: FeedRecord = parse_feed(fixture_bytes("rss-2026-09-13.xml"))  # parsed once per module


def item(title: str) -> FeedItem:
    matches = [i for i in FEED.items if i.title == title]
    assert len(matches) == 1, title
    return matches[0]


def test_channel_fields() -> None:
    assert FEED.title == "U.S. Bureau of Economic Analysis"
    assert FEED.updated.isoformat() == "2026-09-03T08:30:00-04:00"


def test_every_item_is_kept() -> None:
    assert len(FEED.items) == 48


def test_only_problem_is_the_schemeless_link() -> None:
    assert len(FEED.problems) == 1
    assert "link had no scheme" in FEED.problems[0]


def test_schemeless_guid_and_link_are_repaired() -> None:
    it = item("GDP (Advance Estimate), 4th Quarter and Year 2025")
    url = "https://www.bea.gov/news/2026/gdp-advance-estimate-4th-quarter-and-year-2025"
    assert (it.guid, it.link) == (url, url)


def test_guids_are_unique() -> None:
    assert len({i.guid for i in FEED.items}) == len(FEED.items)


@pytest.mark.parametrize(
    "title,when",
    [("U.S. International Trade in Goods and Services, July 2026", "2026-09-03T08:30:00-04:00"),
     ("Outdoor Recreation Economic Statistics, U.S. and States, 2024",
      "2026-03-05T10:00:00-05:00"),
     ("Summary Estimates for Multinational Companies, 2011", "2013-04-18T08:30:00-04:00")],
)
def test_pubdate_edt_est_is_aware_new_york_time(title: str, when: str) -> None:
    published = item(title).published
    assert isinstance(published, datetime)
    assert published.isoformat() == when
    assert str(published.tzinfo) == "America/New_York"


@pytest.mark.parametrize("case", _CASES, ids=[c["title"][:40] for c in _CASES])
def test_item_fields(case: dict) -> None:
    it = item(case["title"])
    for key in ("series", "next_release", "vintage"):
        if key in case:
            assert getattr(it, key) == case[key], key
    if "figures" in case:
        assert len(it.figures) == len(case["figures"])


@pytest.mark.parametrize(
    "case,figure",
    [(c, f) for c in _CASES for f in c.get("figures", [])],
    ids=[f"{c['title'][:30]}-{f['indicator']}" for c in _CASES for f in c.get("figures", [])],
)
def test_item_figure(case: dict, figure: dict) -> None:
    assert_figure(item(case["title"]).figures, figure)


@pytest.mark.parametrize(
    "case,figure",
    [(c, f) for c in _CASES for f in c.get("description_figures", [])],
    ids=lambda v: v.get("indicator", "") if isinstance(v, dict) else "",
)
def test_description_figure(case: dict, figure: dict) -> None:
    it = item(case["title"])
    assert_figure(figures_from_text(it.title, it.description), figure)


def test_cdata_description_is_plain_text() -> None:
    desc = item("U.S. International Trade in Goods and Services, July 2026").description
    assert desc.startswith("The U.S. goods and services trade deficit increased in July 2026")
    assert "<" not in desc


def test_escaped_description_loses_full_text_link() -> None:
    desc = item("Personal Income and Outlays, June 2026").description
    assert desc.endswith("was 2.7 percent.")
    assert "Full Text" not in desc and "<" not in desc


def test_unnamed_series_falls_back_to_the_title() -> None:
    assert item("Benchmark Input-Output Account of the U.S. Economy, 2007").series == (
        "Benchmark Input-Output Account of the U.S. Economy")


def test_to_json_shape() -> None:
    out = FEED.to_json()
    assert out["kind"] == "feed"
    first = out["items"][0]
    assert set(first) == {"guid", "title", "link", "published", "series", "next_release",
                          "figures"}
    assert first["figures"][0]["value"] == -88.6
