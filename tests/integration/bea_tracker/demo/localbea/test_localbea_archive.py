"""The local BEA's news archive: real listing captures, synthetic further pages and pages."""

from __future__ import annotations

import hashlib

from bea_tracker.demo.localbea import LocalBea
from bea_tracker.demo.localbea.archive import gdp_estimates
from scraper.archive import archive_url, parse_archive

GDP0_SHA256 = "7569ee28c1ec103a4872ee844ed7bcbecff0343454e52c41a33b8664aeaa4f11"
PIO5_SHA256 = "c865e80a2d02050e9407a71797696ffd5d4b58cb4f67ccb7a6a9b2ba8e86c325"


def test_page_zero_is_the_real_capture_byte_for_byte(bea, client):
    gdp0 = client.get(archive_url(bea.base_url, 451, 0))
    pio5 = client.get(archive_url(bea.base_url, 476, 5))
    assert hashlib.sha256(gdp0.content).hexdigest() == GDP0_SHA256
    assert hashlib.sha256(pio5.content).hexdigest() == PIO5_SHA256


def test_synthetic_pages_continue_the_listing_and_say_so(bea, client):
    url = archive_url(bea.base_url, 451, 3)
    response = client.get(url)
    page = parse_archive(response.content, url)
    assert response.content.startswith(b"<!-- synthetic listing page 3 of product 451")
    assert len(page.entries) == 20 and all(e.url.endswith("-synthetic") for e in page.entries)
    assert page.next_url == archive_url(bea.base_url, 451, 4) and page.last_page == 17
    assert [e.url for e in page.entries] == [
        e.url for e in bea.archive.entries(451, bea.base_url)[60:80]]


def test_listing_pages_answer_conditional_gets(bea, client):
    url = archive_url(bea.base_url, 476, 2)
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    other = client.get(archive_url(bea.base_url, 476, 3),
                       headers={"If-None-Match": first.headers["etag"]})
    assert (first.status_code, again.status_code, other.status_code) == (200, 304, 200)


def test_listed_release_pages_are_served_synthetic_pages_marked(bea, client):
    entry = bea.archive.entries(451, bea.base_url)[30]
    response = client.get(entry.url)
    assert response.status_code == 200
    assert b"<!-- synthetic release page built by the local BEA" in response.content
    assert entry.title.encode() in response.content


def test_real_paths_get_pages_only_when_asked(bea, client):
    path = "/news/2026/gdp-second-estimate-and-corporate-profits-1st-quarter-2026"
    assert client.get(bea.url(path)).status_code == 404  # the feed-poll tests rely on it
    with LocalBea(archive_pages=True) as full:
        page = client.get(full.url(path))
    assert page.status_code == 200
    second = gdp_estimates("2026Q1")["second"]
    assert f"increased at an annual rate of {second} percent".encode() in page.content or \
        f"decreased at an annual rate of {abs(second)} percent".encode() in page.content


def test_unknown_product_or_page_is_404(bea, client):
    assert client.get(archive_url(bea.base_url, 999, 0)).status_code == 404
    assert client.get(archive_url(bea.base_url, 451, 18)).status_code == 404
    assert client.get(bea.url("/news/2019/not-listed-synthetic")).status_code == 404
