"""The local BEA serves the bundled real captures at BEA's paths, feed links rewritten."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import pytest

from bea_tracker.demo.localbea import data

# SHA-256 recorded in bea_tracker/demo/data/PROVENANCE.md: the pages must arrive byte for byte.
PAGE_HASHES = {
    data.GDP_ADVANCE_PATH: "4636dc341d7cd1a53196fdf0ad529143b0e8b2d0db874f6086ca9b8ebf23cf5d",
    data.ITA_PATH: "617c9229ac39ded608b64a71bc30c3c10d713cb1885ee53344d6fb3bc4dd227d",
    data.PIO_PATH: "77d0bde3c95e0ea8892a19e3a340cfd7e03c988a3e1655cb15bee5481ff764a7",
}


def test_urls_derive_from_one_local_base(bea):
    assert bea.base_url.startswith("http://127.0.0.1:")
    assert bea.feed_url == bea.base_url + "/rss/rss.xml"
    assert bea.schedule_url == bea.base_url + "/news/schedule"
    assert bea.schedule_ics_url.endswith("/news/schedule/ics/online-calendar-subscription.ics")
    assert bea.config()["allowed_hosts"] == ["127.0.0.1"]


def test_feed_links_point_at_local_server(bea, client):
    response = client.get(bea.feed_url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml"
    assert b"https://www.bea.gov" not in response.content
    links = [e.text for e in ET.fromstring(response.content).iter("link")]
    assert f"{bea.base_url}/news/2026/personal-income-and-outlays-july-2026" in links


def test_feed_keeps_every_real_item_and_quirk(bea, client):
    body = client.get(bea.feed_url).content
    root = ET.fromstring(body)
    assert len(root.findall("./channel/item")) == 48
    assert body.count(b"\r\n") == 1383  # BEA's CRLF line endings survive
    assert b"<link>www.bea.gov/news/2026/gdp-advance-estimate-4th-quarter" in body
    assert b"https://apps.bea.gov/histdata/" in body


def test_feed_links_lead_to_served_pages(bea, client):
    root = ET.fromstring(client.get(bea.feed_url).content)
    guid = f"{bea.base_url}/news/2026/personal-income-and-outlays-july-2026"
    assert guid in [g.text for g in root.iter("guid")]
    assert client.get(guid).status_code == 200


@pytest.mark.parametrize("path", sorted(PAGE_HASHES))
def test_release_pages_are_the_real_bytes(bea, client, path):
    response = client.get(bea.url(path))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=UTF-8"
    assert hashlib.sha256(response.content).hexdigest() == PAGE_HASHES[path]


def test_schedule_html_and_ics(bea, client):
    html = client.get(bea.schedule_url)
    assert html.status_code == 200
    assert b'id="release-schedule-table"' in html.content
    ics = client.get(bea.schedule_ics_url)
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert ics.content == data.load(data.SCHEDULE_ICS_FILE)


def test_unknown_path_is_404_and_logged(bea, client):
    response = client.get(bea.url("/news/2026/no-such-release"))
    assert response.status_code == 404
    assert bea.log.count("/news/2026/no-such-release", status=404) == 1


def test_head_has_headers_without_body(bea, client):
    response = client.head(bea.feed_url)
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 80_000


def test_query_string_is_ignored_for_routing_but_logged(bea, client):
    assert client.get(bea.feed_url, params={"x": "1"}).status_code == 200
    record = bea.log.records(data.FEED_PATH)[-1]
    assert record.query == "x=1"


def test_post_is_not_allowed(bea, client):
    response = client.post(bea.feed_url, content=b"x")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


def test_put_and_remove_change_what_a_path_serves(bea, client):
    bea.put(data.PIO_PATH, b"<html>revised</html>")
    assert client.get(bea.url(data.PIO_PATH)).content == b"<html>revised</html>"
    bea.remove(data.PIO_PATH)
    assert client.get(bea.url(data.PIO_PATH)).status_code == 404
    bea.restore(data.PIO_PATH)
    assert client.get(bea.url(data.PIO_PATH)).status_code == 200


def test_urls_need_a_started_server():
    from bea_tracker.demo.localbea import LocalBea

    with pytest.raises(RuntimeError, match="not started"):
        _ = LocalBea().base_url


def test_stop_is_idempotent_and_frees_the_port(client):
    from bea_tracker.demo.localbea import LocalBea

    server = LocalBea().start()
    url = server.feed_url
    server.stop()
    server.stop()
    with pytest.raises(Exception):  # noqa: B017 (connection refused, whichever class)
        client.get(url)
