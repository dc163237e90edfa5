"""Conditional GET: strong ETag and Last-Modified on every 200, 304 without a body."""

from __future__ import annotations

import threading

from bea_tracker.demo.localbea import data


def test_every_200_has_strong_etag_and_last_modified(bea, client):
    for url in (bea.feed_url, bea.schedule_url, bea.schedule_ics_url, bea.url(data.ITA_PATH)):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["etag"].startswith('"')  # strong: no W/
        assert response.headers["last-modified"].endswith(" GMT")


def test_matching_etag_gives_304_without_body(bea, client):
    first = client.get(bea.feed_url)
    again = client.get(bea.feed_url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


def test_other_etag_gives_200(bea, client):
    response = client.get(bea.feed_url, headers={"If-None-Match": '"something-else"'})
    assert response.status_code == 200


def test_etag_list_and_weak_form_match(bea, client):
    etag = client.get(bea.feed_url).headers["etag"]
    listed = client.get(bea.feed_url, headers={"If-None-Match": f'"old", W/{etag}'})
    assert listed.status_code == 304


def test_if_modified_since_gives_304(bea, client):
    first = client.get(bea.schedule_ics_url)
    again = client.get(bea.schedule_ics_url,
                       headers={"If-Modified-Since": first.headers["last-modified"]})
    assert again.status_code == 304
    assert again.content == b""


def test_old_if_modified_since_gives_200(bea, client):
    response = client.get(bea.schedule_ics_url,
                          headers={"If-Modified-Since": "Thu, 03 Sep 2026 12:30:00 GMT"})
    assert response.status_code == 200


def test_unparseable_if_modified_since_gives_200(bea, client):
    response = client.get(bea.feed_url, headers={"If-Modified-Since": "yesterday"})
    assert response.status_code == 200


def test_if_none_match_wins_over_if_modified_since(bea, client):
    first = client.get(bea.feed_url)
    response = client.get(bea.feed_url, headers={
        "If-None-Match": '"stale"', "If-Modified-Since": first.headers["last-modified"]})
    assert response.status_code == 200


def test_changed_body_changes_both_validators_at_once(bea, client):
    first = client.get(bea.url(data.PIO_PATH))
    bea.put(data.PIO_PATH, b"<html>a new vintage</html>")
    by_etag = client.get(bea.url(data.PIO_PATH),
                         headers={"If-None-Match": first.headers["etag"]})
    by_date = client.get(bea.url(data.PIO_PATH),
                         headers={"If-Modified-Since": first.headers["last-modified"]})
    assert by_etag.status_code == by_date.status_code == 200
    assert by_etag.headers["etag"] != first.headers["etag"]
    # Even within the same second, Last-Modified moves forward so IMS sees the change.
    assert by_date.headers["last-modified"] != first.headers["last-modified"]


def test_log_tells_idle_conditional_polls_apart(bea, client):
    etag = client.get(bea.feed_url).headers["etag"]
    for _ in range(3):
        client.get(bea.feed_url, headers={"If-None-Match": etag})
    assert bea.log.count(data.FEED_PATH) == 4
    assert bea.log.count(data.FEED_PATH, status=304, conditional=True) == 3
    assert bea.log.count(data.FEED_PATH, status=200, conditional=False) == 1
    record = bea.log.records(data.FEED_PATH)[-1]
    assert (record.method, record.status, record.conditional) == ("GET", 304, True)
    assert record.user_agent.startswith("python-httpx/")
    assert record.at.tzinfo is not None


def test_log_counts_concurrent_requests_exactly(bea):
    import httpx

    def poll() -> None:
        with httpx.Client(timeout=10.0) as http:
            for _ in range(5):
                http.get(bea.feed_url)

    threads = [threading.Thread(target=poll) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert bea.log.wait_for(data.FEED_PATH, count=40, timeout=10, status=200)
    assert bea.log.count(data.FEED_PATH) == 40


def test_log_wait_for_times_out_with_a_count(bea):
    import pytest

    with pytest.raises(TimeoutError, match="0 of 1 requests"):
        bea.log.wait_for(data.FEED_PATH, timeout=0.1)


def test_log_clear(bea, client):
    client.get(bea.feed_url)
    bea.log.clear()
    assert bea.log.count() == 0
