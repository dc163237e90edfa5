"""Scripted faults: a queue of answers per path, consumed in order, then normal again."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import httpx
import pytest

from bea_tracker.demo.localbea import data
from tests.support.waiting import wait_until


def test_500_then_200(bea, client):
    bea.fault(bea.feed_url, status=500)
    assert client.get(bea.feed_url).status_code == 500
    assert client.get(bea.feed_url).status_code == 200
    assert [r.status for r in bea.log.records(data.FEED_PATH)] == [500, 200]


def test_faults_queue_in_order(bea, client):
    bea.fault(bea.feed_url, status=503)
    bea.fault(bea.feed_url, status=502, times=2)
    statuses = [client.get(bea.feed_url).status_code for _ in range(4)]
    assert statuses == [503, 502, 502, 200]


def test_429_carries_retry_after(bea, client):
    bea.fault(data.FEED_PATH, status=429, retry_after=2)
    response = client.get(bea.feed_url)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert "etag" not in response.headers


def test_fault_with_custom_body(bea, client):
    bea.fault(data.ITA_PATH, status=500, body=b"<html>Drupal error</html>")
    assert client.get(bea.url(data.ITA_PATH)).content == b"<html>Drupal error</html>"


def test_faults_are_per_path(bea, client):
    bea.fault(data.ITA_PATH, status=500)
    assert client.get(bea.feed_url).status_code == 200
    assert client.get(bea.url(data.ITA_PATH)).status_code == 500


def test_slow_response_passes_client_timeout_then_recovers(bea):
    bea.fault(bea.feed_url, delay=5.0)
    with httpx.Client(timeout=0.3) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.get(bea.feed_url)
        assert impatient.get(bea.feed_url).status_code == 200


def test_slow_response_still_arrives_for_a_patient_client(bea, client):
    bea.fault(bea.feed_url, delay=0.3)
    response = client.get(bea.feed_url)
    assert response.status_code == 200
    assert ET.fromstring(response.content).find("channel") is not None


def test_stop_cuts_a_pending_delay_short():
    from bea_tracker.demo.localbea import LocalBea

    server = LocalBea().start()
    server.fault(server.feed_url, delay=600.0)
    errors: list[BaseException] = []

    def slow_get() -> None:
        try:
            with httpx.Client(timeout=30.0) as http:
                http.get(server.feed_url)
        except httpx.HTTPError as error:
            errors.append(error)

    thread = threading.Thread(target=slow_get)
    thread.start()
    wait_until(lambda: server.log.in_flight == 1)
    server.stop()  # must not wait 600 s: wakes the delayed handler, then joins it
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert errors  # the connection was closed without an answer
    assert server.log.records(data.FEED_PATH)[0].status == 0
    assert server.log.in_flight == 0


def test_huge_body_with_length(bea, client):
    bea.huge(data.PIO_PATH, 12_000_000)
    response = client.get(bea.url(data.PIO_PATH))
    assert response.status_code == 200
    assert response.headers["content-length"] == "12000000"
    assert len(response.content) == 12_000_000
    assert response.content.startswith(b"<!DOCTYPE html>")
    assert response.content.endswith(b"</body></html>\n")
    assert client.get(bea.url(data.PIO_PATH)).headers["content-length"] != "12000000"


def test_huge_body_without_length_can_be_abandoned(bea, client):
    bea.huge(data.PIO_PATH, 50_000_000, announce_length=False)
    received = 0
    with client.stream("GET", bea.url(data.PIO_PATH)) as response:
        assert "content-length" not in response.headers
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > 1_000_000:
                break  # like a client's maximum size: hang up mid-body
    assert received > 1_000_000
    assert client.get(bea.url(data.PIO_PATH)).status_code == 200


def test_set_body_serves_error_page_as_feed_once(bea, client):
    error_page = b"<!DOCTYPE html><html><body>Service Unavailable</body></html>"
    bea.set_body(bea.feed_url, error_page, "text/html; charset=UTF-8")
    first = client.get(bea.feed_url)
    assert (first.status_code, first.content) == (200, error_page)
    assert first.headers["content-type"] == "text/html; charset=UTF-8"
    assert first.headers["etag"]
    assert client.get(bea.feed_url).content.startswith(b"<?xml")


def test_set_body_truncated_page_and_malformed_feed(bea, client):
    real_page = data.load(data.GDP_ADVANCE_FILE)
    bea.set_body(data.GDP_ADVANCE_PATH, real_page[:5000])
    assert client.get(bea.url(data.GDP_ADVANCE_PATH)).content == real_page[:5000]
    malformed = data.load(data.FEED_FILE).replace(b"</channel>", b"")
    bea.set_body(bea.feed_url, malformed, "text/xml")
    with pytest.raises(ET.ParseError):
        ET.fromstring(client.get(bea.feed_url).content)


def test_set_body_honours_conditional_get(bea, client):
    bea.set_body(bea.feed_url, b"<rss/>", "text/xml", times=2)
    etag = client.get(bea.feed_url).headers["etag"]
    assert client.get(bea.feed_url, headers={"If-None-Match": etag}).status_code == 304


def test_forever_until_cleared(bea, client):
    bea.fault(bea.feed_url, status=500, times=None)
    assert {client.get(bea.feed_url).status_code for _ in range(3)} == {500}
    bea.clear_faults(bea.feed_url)
    assert client.get(bea.feed_url).status_code == 200


def test_remove_gives_404_until_restored(bea, client):
    bea.remove(bea.feed_url)
    assert client.get(bea.feed_url).status_code == 404
    assert client.get(bea.feed_url).status_code == 404
    bea.restore(bea.feed_url)
    assert client.get(bea.feed_url).status_code == 200


def test_fault_needs_something_to_do(bea):
    with pytest.raises(ValueError):
        bea.fault(bea.feed_url)
    with pytest.raises(ValueError):
        bea.fault(bea.feed_url, status=500, times=0)
