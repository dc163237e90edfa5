"""Publication: the page goes live at its time, the feed gains the item feed_delay later."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import feedparser
import pytest

from bea_tracker.demo.localbea import data, synthetic_gdp_release

HOUR = timedelta(hours=1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _feed_titles(client, bea) -> list[str]:
    root = ET.fromstring(client.get(bea.feed_url).content)
    return [item.findtext("title") for item in root.iter("item")]


def test_synthetic_release_reuses_the_real_page():
    release = synthetic_gdp_release(datetime(2026, 11, 25, 13, 30, tzinfo=timezone.utc))
    assert release.page == data.load(data.GDP_ADVANCE_FILE)
    assert release.path == data.GDP_ADVANCE_PATH
    assert release.title == "GDP (Advance Estimate), 2nd Quarter 2026"
    event = release.event(datetime(2026, 11, 25, 13, 30, tzinfo=timezone.utc))
    assert event.summary == release.title


def test_synthetic_item_is_the_real_gdp_item_edited():
    release = synthetic_gdp_release(_now())
    item = ET.fromstring(release.item_xml)
    assert item.get("name") == "GDP"
    assert item.findtext("title") == "GDP (Advance Estimate), 2nd Quarter 2026"
    assert item.findtext("guid") == "https://www.bea.gov" + data.GDP_ADVANCE_PATH
    assert item.findtext("data/main/current/percentChange") == "+1.5"
    assert item.findtext("data/main/previous/infoDate") == "Q1 2026"
    assert item.findtext("NextReleaseDate") == "August 26, 2026"
    assert "according to the advance estimate" in item.findtext("description")


def test_seq_gives_a_distinct_release_with_a_predictable_path():
    release = synthetic_gdp_release(datetime(2027, 1, 5, 13, 30, tzinfo=timezone.utc), seq=3)
    assert release.title == "GDP (Advance Estimate) Synthetic 3, 2nd Quarter 2026"
    assert release.path == "/news/2027/gdp-advance-estimate-synthetic-3-2nd-quarter-2026"
    assert b"<h1>GDP (Advance Estimate) Synthetic 3, 2nd Quarter 2026" in release.page
    assert b"<h1>GDP (Advance Estimate), 2nd Quarter 2026" not in release.page


def test_page_is_404_before_its_time(bea, client):
    release = synthetic_gdp_release(_now() + HOUR)
    bea.publish(release, at=_now() + HOUR)
    assert client.get(bea.url(release.path)).status_code == 404
    assert release.title not in _feed_titles(client, bea)


def test_page_live_but_feed_not_yet(bea, client):
    release = synthetic_gdp_release(_now())
    bea.publish(release, at=_now() - timedelta(seconds=1), feed_delay=3600)
    page = client.get(bea.url(release.path))
    assert (page.status_code, page.content) == (200, release.page)
    assert release.title not in _feed_titles(client, bea)


def test_feed_gains_item_on_top_after_delay(bea, client):
    before = client.get(bea.feed_url)
    at = _now() - timedelta(seconds=5)
    release = synthetic_gdp_release(at)
    bea.publish(release, at=at, feed_delay=1)
    after = client.get(bea.feed_url)
    assert after.headers["etag"] != before.headers["etag"]
    assert after.headers["last-modified"] != before.headers["last-modified"]
    changed = client.get(bea.feed_url, headers={"If-None-Match": before.headers["etag"]})
    assert changed.status_code == 200
    parsed = feedparser.parse(after.content)
    assert not parsed.bozo
    assert len(parsed.entries) == 49
    top = parsed.entries[0]
    assert top.title == release.title
    assert top.link == bea.url(release.path)
    published = datetime(*top.published_parsed[:6], tzinfo=timezone.utc)
    assert published == at.replace(microsecond=0)
    assert parsed.feed.published_parsed == top.published_parsed


def test_publication_times_are_exact_in_real_time(bea, client):
    """Page at T, feed at T + 1.5 s; checked from each fetch's own time window, so a
    slow machine cannot make it flaky."""
    at = _now() + timedelta(seconds=1)
    release = synthetic_gdp_release(at)
    publication = bea.publish(release, at=at, feed_delay=1.5)
    page_seen = feed_seen = None
    observations = []
    deadline = time.monotonic() + 30
    while (page_seen is None or feed_seen is None) and time.monotonic() < deadline:
        sent = _now()
        page = client.get(bea.url(release.path)).status_code
        in_feed = release.title in _feed_titles(client, bea)
        observations.append((sent, _now(), page, in_feed))
        page_seen = page_seen or (sent if page == 200 else None)
        feed_seen = feed_seen or (sent if in_feed else None)
        time.sleep(0.1)
    assert page_seen and feed_seen
    for sent, answered, page, in_feed in observations:
        assert (page == 200) or sent < publication.page_at
        assert (page == 404) or answered >= publication.page_at
        assert (not in_feed) or answered >= publication.feed_at
        assert in_feed or sent < publication.feed_at


def test_feed_poller_sees_one_change_with_conditional_get(bea, client):
    at = _now() - timedelta(seconds=2)
    release = synthetic_gdp_release(at)
    etag = client.get(bea.feed_url).headers["etag"]
    assert client.get(bea.feed_url, headers={"If-None-Match": etag}).status_code == 304
    bea.publish(release, at=at)
    changed = client.get(bea.feed_url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    new_etag = changed.headers["etag"]
    assert client.get(bea.feed_url, headers={"If-None-Match": new_etag}).status_code == 304


def test_republishing_replaces_page_and_item(bea, client):
    at = _now() - timedelta(seconds=10)
    first = synthetic_gdp_release(at)
    bea.publish(first, at=at)
    revised_page = first.page.replace(b"1.5 percent", b"1.6 percent")
    from dataclasses import replace

    revised = replace(first, page=revised_page)
    bea.publish(revised, at=at + timedelta(seconds=5))
    assert client.get(bea.url(first.path)).content == revised_page
    titles = _feed_titles(client, bea)
    assert titles.count(first.title) == 1
    assert titles[0] == first.title


def test_several_synthetic_releases_stack_newest_first(bea, client):
    at = _now() - timedelta(seconds=30)
    for seq in (1, 2):
        bea.publish(synthetic_gdp_release(at, seq=seq), at=at + timedelta(seconds=seq))
    titles = _feed_titles(client, bea)
    assert titles[:2] == [
        "GDP (Advance Estimate) Synthetic 2, 2nd Quarter 2026",
        "GDP (Advance Estimate) Synthetic 1, 2nd Quarter 2026",
    ]
    assert len(titles) == 50
    assert len(bea.publications) == 2


def test_publish_needs_an_aware_time(bea):
    with pytest.raises(ValueError):
        bea.publish(synthetic_gdp_release(_now()), at=datetime(2026, 11, 25, 9, 30))


def test_path_override_makes_url_prediction_miss(bea, client):
    at = _now() - timedelta(seconds=1)
    release = synthetic_gdp_release(at, path="/news/2026/gdp-advance-estimate-2nd-quarter")
    bea.remove(data.GDP_ADVANCE_PATH)  # else the bundled real page answers the prediction
    bea.publish(release, at=at)
    assert client.get(bea.url("/news/2026/gdp-advance-estimate-2nd-quarter")).status_code == 200
    assert client.get(bea.url(data.GDP_ADVANCE_PATH)).status_code == 404
    top = feedparser.parse(client.get(bea.feed_url).content).entries[0]
    assert top.link == bea.url("/news/2026/gdp-advance-estimate-2nd-quarter")
    assert b'href="https://www.bea.gov/news/2026/gdp-advance-estimate-2nd-quarter"' in (
        release.page)
