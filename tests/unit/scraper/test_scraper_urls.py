"""BEA's release-URL rule, measured on the links of the saved feed."""

from __future__ import annotations

import pytest

from scraper.feed_parse import parse_feed
from scraper.urls import predict_release_url, release_slug, slug_matches
from tests.support.captures import fixture_bytes

BASE = "https://www.bea.gov"
ITEMS = [i for i in parse_feed(fixture_bytes("rss-2026-09-13.xml")).items
         if i.published is not None and i.published.year >= 2019]


def test_rule_reproduces_at_least_39_feed_links() -> None:
    hits = [i for i in ITEMS if predict_release_url(i.title, BASE, i.published.year) == i.link]
    misses = sorted(i.title for i in ITEMS if i not in hits)
    assert len(ITEMS) == 42
    assert len(hits) >= 39, misses
    assert len(hits) == 40  # the measured figure; update with care
    assert misses == [
        "Real Personal Consumption Expenditures and Personal Income by State, 2020",
        "State Quarterly Personal Income, 3rd quarter 2019",
    ]


def test_slug_matches_agrees_with_prediction() -> None:
    assert sum(slug_matches(i.title, i.link) for i in ITEMS) == 40


@pytest.mark.parametrize(
    "title,year,slug",
    [
        ("GDP (Advance Estimate), 2nd Quarter 2026", 2026, "gdp-advance-estimate-2nd-quarter-2026"),
        ("U.S. International Trade in Goods and Services, July 2026", 2026,
         "us-international-trade-goods-and-services-july-2026"),
        ("Gross Domestic Product for the U.S. Virgin Islands, 2022", 2024,
         "gross-domestic-product-us-virgin-islands-2022"),
        # cut at a word boundary so that "news/2024/<slug>" fits in 100 characters
        ("Real Personal Consumption Expenditures by State and Real Personal Income by State "
         "and Metropolitan Area, 2023", 2024,
         "real-personal-consumption-expenditures-state-and-real-personal-income-state-and"),
    ],
)
def test_release_slug(title: str, year: int, slug: str) -> None:
    assert release_slug(title, year) == slug


def test_base_url_trailing_slash() -> None:
    assert predict_release_url("Personal Income and Outlays, July 2026", BASE + "/", 2026) == (
        "https://www.bea.gov/news/2026/personal-income-and-outlays-july-2026")


@pytest.mark.parametrize("title", ["", "   ", "The, of, a"])
def test_no_slug_gives_none(title: str) -> None:
    assert predict_release_url(title, BASE, 2026) is None


@pytest.mark.parametrize("url", ["https://www.bea.gov/data/gdp", "not a url", ""])
def test_slug_matches_rejects_other_urls(url: str) -> None:
    assert not slug_matches("GDP (Advance Estimate), 2nd Quarter 2026", url)
