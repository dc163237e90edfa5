"""Only hosts in ``bea.allowed_hosts`` are ever fetched, redirects included.

Here "BEA" is a pytest-httpserver on ``localhost`` (the one allowed host), which redirects
to the local BEA on 127.0.0.1 (not allowed): the feed in the first poll, a release page in
the second. The local BEA's request log proves nothing reached it.
"""

from __future__ import annotations

from bea_tracker.demo.localbea import data, feed
from tests.support.live import publish_gdp


def one_item_feed(bea, base_url: str) -> bytes:
    """The local BEA's feed (BEA's real feed plus the published GDP item on top), with
    every item but the first removed and links pointing at ``base_url``."""
    import httpx

    body = httpx.get(bea.feed_url, timeout=10).content
    for item in feed.items(body)[1:]:
        body = body.replace(item, b"", 1)
    return body.replace(bea.base_url.encode(), base_url.encode())


def test_redirects_to_other_hosts_are_refused(tracker, httpserver):
    bea = tracker.bea
    release = publish_gdp(bea)
    base = httpserver.url_for("").rstrip("/")
    tracker.bea_section = {"feed_url": base + data.FEED_PATH, "base_url": base,
                           "allowed_hosts": ["localhost"]}
    tracker.configure()
    httpserver.expect_oneshot_request(data.FEED_PATH).respond_with_data(
        "", status=302, headers={"Location": bea.feed_url})

    feed_redirected = tracker.poll()

    assert feed_redirected.code == 0, feed_redirected.output
    assert "host not in bea.allowed_hosts" in feed_redirected.stdout
    assert bea.log.count(data.FEED_PATH) == 0
    assert tracker.releases() == {}

    httpserver.expect_request(data.FEED_PATH).respond_with_data(
        one_item_feed(bea, base), content_type=data.CONTENT_TYPES["feed"])
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request(release.path).respond_with_data(
        "", status=301, headers={"Location": bea.url(release.path)})

    page_redirected = tracker.poll("--notify-existing")

    assert page_redirected.code == 0, page_redirected.output
    assert "pages crawled 1 (1 failed)" in page_redirected.stdout
    assert f"refusing {bea.url(release.path)}: host not in bea.allowed_hosts" \
        in page_redirected.stderr
    assert bea.log.count() == 1  # the test's own read of the feed, nothing else
    stored = tracker.releases()[base + release.path]
    assert stored.title == "GDP (Advance Estimate), 2nd Quarter 2026"  # from the feed item
    logged = [p for p in tracker.poll_log() if p.kind == "page"]
    assert len(logged) == 1 and "host not in bea.allowed_hosts" in logged[0].error
