"""Junk in, a record with problems out: nothing here may raise (or warn: warnings are errors)."""

from __future__ import annotations

import pytest

from db.records import EXTRACTION_FAILED, EXTRACTION_PARTIAL
from scraper.extract import extract_release
from scraper.feed_parse import parse_feed
from tests.support.captures import find_figure, fixture_bytes

GDP = fixture_bytes("release-gdp-2026q2-advance.html")
GDP_URL = "https://www.bea.gov/news/2026/gdp-advance-estimate-2nd-quarter-2026"
FEED = fixture_bytes("rss-2026-09-13.xml")
ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head>"
              b"<body><h1>Service Unavailable</h1><p>Please try again later.</p></body></html>")
BEA_404 = (b"<!DOCTYPE html><html><head><title>Page not found | U.S. Bureau of Economic "
           b"Analysis (BEA)</title></head><body><h1>Page not found</h1><p>The requested page "
           b"could not be found.</p></body></html>")


# ------------------------------------------------------------------ release pages

@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"\x00\xff\xfe garbage", "plain text, no markup".encode(), ERROR_PAGE,
     BEA_404, b"<html><body><p>Example Domain</p></body></html>", b"<<<>>>", b"<?xml ?>",
     FEED, GDP[:300]],
    ids=["empty", "blank", "binary", "text", "error-page", "bea-404", "non-bea", "brackets",
         "xml-decl", "feed-as-page", "cut-in-head"],
)
def test_junk_page_fails_cleanly(data: bytes) -> None:
    record = extract_release(data, "https://www.bea.gov/news/2026/x")
    assert record.extraction == EXTRACTION_FAILED
    assert record.figures == ()
    assert record.problems[0] == "not a BEA release page (no title or release date)"


def test_page_truncated_after_the_title_is_partial() -> None:
    cut = GDP.index(b'<div class="col-md-12 release-body">')
    record = extract_release(GDP[:cut], GDP_URL)
    assert record.extraction == EXTRACTION_PARTIAL
    assert record.title == "GDP (Advance Estimate), 2nd Quarter 2026"
    assert record.released_at is not None and record.release_number == "BEA 26-35"
    assert any("headline figures not found: real_gdp" in p for p in record.problems)


def test_page_truncated_mid_body_keeps_what_it_has() -> None:
    cut = GDP.index(b"The <strong>personal consumption expenditures")
    record = extract_release(GDP[:cut], GDP_URL)
    assert record.extraction == EXTRACTION_PARTIAL
    assert find_figure(record.figures, "real_gdp", "percent_saar").value == 1.5
    assert any("core_pce_price_index" in p for p in record.problems)


def test_headline_paragraph_moved_out_of_the_body() -> None:
    """BEA moves the lead above the title (outside its container): the fallback finds it."""
    start = GDP.index(b'<div class="field field--name-body')
    p_start = GDP.index(b"<p>", start)
    p_end = GDP.index(b"</p>", p_start) + len(b"</p>")
    lead = GDP[p_start:p_end]
    moved = GDP[:p_start] + GDP[p_end:]
    h1 = moved.index(b"<h1>GDP")
    moved = moved[:h1] + b'<div class="headline-box">' + lead + b"</div>" + moved[h1:]
    record = extract_release(moved, GDP_URL)
    # everything is found, but only by searching the whole page: flagged as partial
    assert record.extraction == EXTRACTION_PARTIAL
    assert record.lead.startswith("Real gross domestic product (GDP) increased at an annual")
    fig = find_figure(record.figures, "real_gdp", "percent_saar")
    assert (fig.value, fig.prior_value) == (1.5, 2.1)
    assert any("searched the whole page" in p for p in record.problems)


def test_body_container_renamed() -> None:
    """A Drupal theme change drops the 'field--name-body' class: the fallback still works."""
    renamed = GDP.replace(b"field--name-body", b"field--name-content")
    record = extract_release(renamed, GDP_URL)
    assert record.extraction == EXTRACTION_PARTIAL
    assert len(record.figures) == 6
    assert any("release body container missing" in p for p in record.problems)


def test_embargo_line_in_the_other_order() -> None:
    html = GDP.replace(b"EMBARGOED UNTIL RELEASE AT 8:30 a.m. EDT, Thursday, July 30, 2026",
                       b"Thursday, July 30, 2026, 8:30 a.m. EDT")
    assert extract_release(html, GDP_URL).released_at.isoformat() == "2026-07-30T08:30:00-04:00"


def test_wrong_zone_label_is_reported_not_trusted() -> None:
    html = GDP.replace(b"8:30 a.m. EDT, Thursday", b"8:30 a.m. EST, Thursday")
    record = extract_release(html, GDP_URL)
    assert record.released_at.isoformat() == "2026-07-30T08:30:00-04:00"
    assert any("says EST" in p for p in record.problems)


def test_missing_release_number_is_a_problem_not_a_failure() -> None:
    record = extract_release(GDP.replace("BEA 26—35".encode(), b""), GDP_URL)
    assert record.release_number is None and record.figures
    assert any("release number" in p for p in record.problems)


def test_cp1252_bytes_do_not_raise() -> None:
    record = extract_release(GDP.replace("—".encode(), b"\x97"), GDP_URL)
    assert record.title.startswith("GDP")


# ------------------------------------------------------------------ feeds

def test_html_error_page_served_as_the_feed() -> None:
    record = parse_feed(ERROR_PAGE)
    assert record.items == ()
    assert record.problems == (
        "not a feed: the document is an HTML page ('503 Service Unavailable')",)


@pytest.mark.parametrize("data", [b"", b"  \n", b"\x00\x01", b"just text", b"{}"])
def test_junk_feed(data: bytes) -> None:
    record = parse_feed(data)
    assert record.items == () and record.problems


def test_truncated_feed_keeps_every_complete_item() -> None:
    cut = FEED.index(b"<item", FEED.index(b"Direct Investment by Country")) - 1
    record = parse_feed(FEED[: cut + 200])
    assert len(record.items) >= 5
    assert record.items[0].figures[0].value == -88.6
    assert any("not well-formed" in p for p in record.problems)


def test_malformed_item_keeps_the_others() -> None:
    broken = FEED.replace(b"<percentChange>-$88.6 billion</percentChange>",
                          b"<percentChange>-$88.6 billion</percentChang>", 1)
    record = parse_feed(broken)
    assert record.problems
    assert any(i.title == "Personal Income and Outlays, July 2026" and i.figures
               for i in record.items)


def test_malformed_and_missing_guids_fall_back_to_the_link() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>BEA</title>
<item name="GDP"><title>GDP (Third Estimate), 1st Quarter 2026</title>
<link>https://www.bea.gov/news/2026/a</link><guid isPermaLink="true">not a url</guid>
<pubDate>Thu, 25 Jun 2026 08:30:00 EDT</pubDate></item>
<item name="GDP"><title>GDP (Second Estimate), 1st Quarter 2026</title>
<link>https://www.bea.gov/news/2026/b</link><guid></guid></item>
<item><title>Opaque guid</title><link>https://www.bea.gov/news/2026/c</link>
<guid isPermaLink="false">bea-2026-0042</guid></item>
</channel></rss>"""
    record = parse_feed(feed)
    assert [i.guid for i in record.items] == [
        "https://www.bea.gov/news/2026/a", "https://www.bea.gov/news/2026/b", "bea-2026-0042"]
    assert sum("using the link instead" in p for p in record.problems) == 2
    assert record.items[0].published.isoformat() == "2026-06-25T08:30:00-04:00"


@pytest.mark.parametrize(
    "raw,value,period",
    [("+1.5", 1.5, "2026Q2"), ("+0.2%", 0.2, "2026Q2"), ("Q2 2026 -0.7%", -0.7, "2026Q2"),
     ("\u2212$1.2 billion", None, None), ("n/a", None, None)],
)
def test_feed_value_formats(raw: str, value: float | None, period: str | None) -> None:
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>BEA</title>
<item name="GDP"><title>GDP (Advance Estimate), 2nd Quarter 2026</title>
<link>https://www.bea.gov/news/2026/gdp</link><guid>https://www.bea.gov/news/2026/gdp</guid>
<data><main><current><infoDate>Q2 2026</infoDate><percentChange>{raw}</percentChange>
</current></main></data><NextReleaseDate>xx</NextReleaseDate></item>
</channel></rss>""".encode()
    item = parse_feed(feed).items[0]
    assert item.next_release is None
    if value is None:
        assert item.figures == ()
    else:
        assert (item.figures[0].value, item.figures[0].period) == (value, period)
        assert item.figures[0].estimate == "advance"


def test_external_entities_are_not_resolved() -> None:
    feed = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>BEA</title><item name="GDP"><title>GDP, Q1 2026</title>
<link>https://www.bea.gov/news/2026/x</link><NextReleaseDate>&x;</NextReleaseDate></item>
</channel></rss>"""
    record = parse_feed(feed)
    assert all("root:" not in (i.next_release or "") for i in record.items)
