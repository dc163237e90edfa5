"""BEA's archive listing, read from the real captures of 2026-09-14 (PROVENANCE.md)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from scraper.archive import (
    ArchiveLayoutError,
    archive_url,
    page_number,
    parse_archive,
    product_for,
)
from tests.support.paths import FIXTURES

BEA = "https://www.bea.gov"
GDP0 = (FIXTURES / "bea" / "archive-gdp-page0-2026-09-14.html").read_text(encoding="utf-8")
PIO0 = (FIXTURES / "bea" / "archive-pio-page0-2026-09-14.html").read_text(encoding="utf-8")
PIO5 = (FIXTURES / "bea" / "archive-pio-page5-2026-09-14.html").read_text(encoding="utf-8")
GDP0_URL = archive_url(BEA, 451, 0)
EDT = timezone(timedelta(hours=-4))


@pytest.fixture(scope="module")
def gdp0():
    return parse_archive(GDP0, GDP0_URL)


def test_every_row_of_a_page_is_read(gdp0):
    assert len(gdp0.entries) == 20


def test_first_row_title_link_and_time(gdp0):
    first = gdp0.entries[0]
    assert first.title == "GDP (Advance Estimate), 2nd Quarter 2026"
    assert first.url == BEA + "/news/2026/gdp-advance-estimate-2nd-quarter-2026"
    assert first.published == datetime(2026, 7, 30, 8, 31, tzinfo=EDT)  # 08:31, as listed


def test_titles_are_whitespace_normalised(gdp0):
    titles = [e.title for e in gdp0.entries]
    assert ("Gross Domestic Product (Second Estimate), Corporate Profits (Preliminary "
            "Estimate), 1st Quarter 2025") in titles
    assert all(t == t.strip() and "  " not in t for t in titles)


def test_rows_are_newest_first(gdp0):
    dates = [e.published for e in gdp0.entries]
    assert dates == sorted(dates, reverse=True)
    assert dates[-1].date().isoformat() == "2024-11-27"


def test_pager_next_and_last(gdp0):
    assert gdp0.next_url == archive_url(BEA, 451, 1)  # BEA's own pager link, made absolute
    assert gdp0.last_page == 17


def test_a_middle_page_links_onwards():
    page = parse_archive(PIO5, archive_url(BEA, 476, 5))
    assert page.entries[0].title == "Personal Income and Outlays, January 2018"
    assert page.entries[-1].published.date().isoformat() == "2016-08-02"
    assert page_number(page.next_url) == 6 and page.last_page == 18


def test_pio_page0_reads_the_shutdown_era_rows():
    titles = [e.title for e in parse_archive(PIO0, archive_url(BEA, 476, 0)).entries]
    assert "Personal Income and Outlays, October and November 2025" in titles
    assert titles[0] == "Personal Income and Outlays, June 2026"


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace('class="release-row"', 'class="news-row"'), "not a release-row"),
    (lambda t: t.replace('<div class="view-content">', '<div class="view-rows">'),
     "no listing table"),
    (lambda t: t.replace('<time datetime="2026-06-25T08:30:00-04:00">', "<time>"),
     "row 2 ('GDP (Third Estimate)"),
    (lambda t: t.replace('hreflang="en">GDP (Advance Estimate), 2nd Quarter 2026</a>', ">"),
     "row 1 has no release link"),
    (lambda t: t.replace("2026-05-28T08:30:00-04:00", "May 28"), "unreadable date"),
])
def test_a_changed_layout_is_a_clear_error_not_fewer_rows(edit, message):
    with pytest.raises(ArchiveLayoutError) as caught:
        parse_archive(edit(GDP0), GDP0_URL)
    assert message in str(caught.value)
    assert "archive listing layout changed" in str(caught.value) and GDP0_URL in str(caught.value)


def test_an_error_page_is_not_an_empty_listing():
    with pytest.raises(ArchiveLayoutError):
        parse_archive("<html><body><h1>503 Service Unavailable</h1></body></html>", GDP0_URL)


@pytest.mark.parametrize("text, key", [
    ("GDP", "gdp"), ("gross domestic product", "gdp"), ("Personal Income", "pio"),
    ("PIO", "pio"), (" personal  income and outlays ", "pio"), ("Trade", None)])
def test_series_names_map_to_archive_products(text, key):
    product = product_for(text)
    assert (product.key if product else None) == key
