"""The feed misbehaves: server errors, a malformed feed, an HTML page served as the feed,
an empty 200, a slow answer. Each poll exits 0, says what went wrong in one clear line,
keeps the raw body, and repeated failures become exactly one source_problem event."""

from __future__ import annotations

from scraper_live import raw

from bea_tracker.localbea import data, feed

REAL_FEED = data.load(data.FEED_FILE)
HTML_ERROR_PAGE = (  # what a CMS or proxy answers with a 200 when the feed is broken
    b"<!DOCTYPE html>\n<html><head><title>Service Unavailable | U.S. Bureau of Economic "
    b"Analysis (BEA)</title></head><body><h1>The website is down for maintenance</h1>"
    b"</body></html>\n"
)


def truncated_feed(bea) -> bytes:  # noqa: ANN001 - LocalBea
    """BEA's real feed (links rewritten to the local server) cut just inside its third
    item, so two items are complete and the third has nothing usable."""
    body = data.rewrite_links(REAL_FEED, bea.base_url)
    third = body.index(feed.items(body)[2])
    return body[: body.index(b">", third) + 1]


def test_feed_500_then_200_on_the_next_poll(tracker):
    tracker.bea.fault(data.FEED_PATH, status=500)

    failed = tracker.poll()

    assert failed.code == 0, failed.output
    assert "feed: error (HTTP 500)" in failed.stdout
    assert tracker.releases() == {}
    logged = tracker.poll_log(data.FEED_PATH)
    assert [(p.status, p.error) for p in logged] == [(500, "HTTP 500")]
    assert b"500 Internal Server Error" in raw(logged[0])

    recovered = tracker.poll()

    assert recovered.code == 0, recovered.output
    assert "48 items, 48 new or changed (baseline" in recovered.stdout
    assert [r.status for r in tracker.bea.log.records(data.FEED_PATH)] == [500, 200]
    assert not tracker.bea.log.records(data.FEED_PATH)[1].conditional  # no validators kept
    assert len(tracker.releases()) == 48
    assert tracker.events("source_problem") == []


def test_a_malformed_feed_keeps_its_usable_items_and_its_raw_body(tracker):
    body = truncated_feed(tracker.bea)
    tracker.bea.set_body(data.FEED_PATH, body, data.CONTENT_TYPES["feed"])

    result = tracker.poll()

    assert result.code == 0, result.output
    assert "feed is not well-formed XML" in result.stderr
    assert "2 items" in result.stdout
    assert len(tracker.releases()) == 2  # the two complete items before the cut
    logged = tracker.poll_log(data.FEED_PATH)[-1]
    assert raw(logged) == body
    assert "not well-formed" in (logged.error or "")


def test_a_malformed_first_feed_does_not_end_the_baseline(tracker):
    """Validators of a malformed body are not kept: the next poll reads the whole feed,
    and, the first complete read being the baseline, alerts none of its old items."""
    tracker.bea.set_body(data.FEED_PATH, truncated_feed(tracker.bea),
                         data.CONTENT_TYPES["feed"])
    assert tracker.poll().code == 0

    fixed = tracker.poll()

    assert fixed.code == 0, fixed.output
    assert tracker.bea.log.count(data.FEED_PATH, status=200) == 2
    assert not tracker.bea.log.records(data.FEED_PATH)[1].conditional
    assert "48 items, 46 new or changed (baseline" in fixed.stdout
    assert len(tracker.releases()) == 48
    assert all(e.baseline for e in tracker.events())


def test_garbage_xml_as_the_feed_is_a_failure_with_the_body_kept(tracker):
    garbage = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>BEA'
    tracker.bea.set_body(data.FEED_PATH, garbage, data.CONTENT_TYPES["feed"])

    result = tracker.poll()

    assert result.code == 0, result.output
    assert "feed: error (no usable items" in result.stdout
    assert tracker.releases() == {}
    assert raw(tracker.poll_log(data.FEED_PATH)[-1]) == garbage


def test_an_html_page_as_the_feed_repeated_is_one_source_problem(tracker):
    """failure_threshold is 2: the second failure opens the problem, the third adds none."""
    tracker.bea.set_body(data.FEED_PATH, HTML_ERROR_PAGE, times=3)

    polls = [tracker.poll() for _ in range(3)]

    for result in polls:
        assert result.code == 0, result.output
        assert "not a feed: the document is an HTML page" in result.stdout
    assert "Service Unavailable" in polls[0].stdout
    assert tracker.releases() == {}
    logged = tracker.poll_log(data.FEED_PATH)
    assert len(logged) == 3
    assert all(raw(row) == HTML_ERROR_PAGE for row in logged)
    problems = tracker.events("source_problem")
    assert len(problems) == 1
    assert problems[0].payload["source"] == f"feed:{tracker.bea.feed_url}"
    assert "failed 2 times in a row" in problems[0].payload["message"]


def test_an_empty_200_feed_is_a_failure(tracker):
    tracker.bea.set_body(data.FEED_PATH, b"", data.CONTENT_TYPES["feed"])

    result = tracker.poll()

    assert result.code == 0, result.output
    assert "feed: error (no usable items: empty feed document)" in result.stdout
    assert [p.error for p in tracker.poll_log(data.FEED_PATH)] == [
        "no usable items: empty feed document"]


def test_a_slow_feed_past_the_timeout_is_logged_not_fatal(tracker):
    tracker.configure(timeout=1)
    tracker.bea.fault(data.FEED_PATH, delay=30)

    result = tracker.poll()

    assert result.code == 0, result.output
    assert "feed: error (ReadTimeout" in result.stdout
    logged = tracker.poll_log(data.FEED_PATH)
    assert [(p.status, p.error.split(":")[0]) for p in logged] == [(None, "ReadTimeout")]
