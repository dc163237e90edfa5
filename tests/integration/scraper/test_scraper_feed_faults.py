"""The feed misbehaves: server errors, a malformed feed, an HTML page served as the feed,
an empty 200, a slow answer. Each poll exits 0, says what went wrong in one clear line,
keeps the raw body, and repeated failures become exactly one source_problem event."""

from __future__ import annotations

from bea_tracker.demo.localbea import data, feed
from tests.support.live import raw

REAL_FEED = data.load(data.FEED_FILE)
HTML_ERROR_PAGE = (  # what a CMS or proxy answers with a 200 when the feed is broken
    b"<!DOCTYPE html>\n<html><head><title>Service Unavailable | U.S. Bureau of Economic "
    b"Analysis (BEA)</title></head><body><h1>The website is down for maintenance</h1>"
    b"</body></html>\n"
)


def truncated_feed(bea) -> bytes:
    """BEA's real feed (links rewritten to the local server) cut just inside its third
    item, so two items are complete and the third has nothing usable."""
    body = data.rewrite_links(REAL_FEED, bea.base_url)
    third = body.index(feed.items(body)[2])
    return body[: body.index(b">", third) + 1]


def test_a_slow_feed_then_a_500_then_200(tracker):
    """An outage: the feed answers past polling.timeout (2 s), then with a 500, then
    normally. Each failed poll exits 0 with one line and is logged; the first good read
    is the baseline. failure_threshold is 3 here, so two failures raise no problem."""
    tracker.configure(timeout=2, failure_threshold=3)
    tracker.bea.fault(data.FEED_PATH, delay=60)  # cut short when the test ends
    tracker.bea.fault(data.FEED_PATH, status=500)

    slow, failed = tracker.poll(), tracker.poll()

    assert slow.code == 0, slow.output
    assert "feed: error (DeadlineExceeded: no complete answer within 2 s)" in slow.stdout
    assert failed.code == 0, failed.output
    assert "feed: error (HTTP 500)" in failed.stdout
    assert tracker.releases() == {}
    logged = tracker.poll_log(data.FEED_PATH)
    assert [(p.status, (p.error or "").split(":")[0]) for p in logged] == [
        (None, "DeadlineExceeded"), (500, "HTTP 500")]
    assert b"500 Internal Server Error" in raw(logged[1])

    recovered = tracker.poll()

    assert recovered.code == 0, recovered.output
    assert "48 items, 48 new or changed (baseline" in recovered.stdout
    # (the slow answer is logged by the server only once its delay ends)
    answered = tracker.bea.log.records(data.FEED_PATH)
    assert [(r.status, r.conditional) for r in answered[-2:]] == [(500, False), (200, False)]
    assert len(tracker.releases()) == 48
    assert tracker.events("source_problem") == []


def test_a_malformed_feed_keeps_its_usable_items_and_its_raw_body(tracker):
    """A first poll of a malformed feed keeps its complete items and its raw body; its
    validators are not kept, so the next poll reads the whole feed again, and, the first
    complete read being the baseline, alerts none of the old items."""
    body = truncated_feed(tracker.bea)
    tracker.bea.set_body(data.FEED_PATH, body, data.CONTENT_TYPES["feed"])

    result = tracker.poll()

    assert result.code == 0, result.output
    assert "feed is not well-formed XML" in result.stderr
    assert "feed: 200, 2 items, 2 new or changed (baseline" in result.stdout
    assert len(tracker.releases()) == 2  # the two complete items before the cut
    logged = tracker.poll_log(data.FEED_PATH)[-1]
    assert raw(logged) == body
    assert "not well-formed" in (logged.error or "")

    fixed = tracker.poll()

    assert fixed.code == 0, fixed.output
    assert [(r.status, r.conditional) for r in tracker.bea.log.records(data.FEED_PATH)] == [
        (200, False), (200, False)]
    assert "48 items, 46 new or changed (baseline" in fixed.stdout
    assert len(tracker.releases()) == 48
    assert all(e.baseline for e in tracker.events())


GARBAGE_XML = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>BEA'


def test_unusable_feeds_in_a_row_are_one_source_problem(tracker):
    """An HTML error page, garbage XML, then an empty 200, each served as the feed: each
    poll says so in one line, keeps the body and exits 0; failure_threshold is 2, so the
    second failure opens one source_problem and the third adds none."""
    bodies = [HTML_ERROR_PAGE, GARBAGE_XML, b""]
    for body in bodies:
        tracker.bea.set_body(data.FEED_PATH, body, data.CONTENT_TYPES["feed"])

    polls = [tracker.poll() for _ in bodies]

    for result in polls:
        assert result.code == 0, result.output
        assert "WARNING scraper.poller: feed " in result.stderr  # the log line
    assert "feed: error (no usable items: not a feed: the document is an HTML page" \
        in polls[0].stdout
    assert "Service Unavailable" in polls[0].stdout
    assert "feed: error (no usable items:" in polls[1].stdout
    assert "feed: error (no usable items: empty feed document)" in polls[2].stdout
    assert tracker.releases() == {}
    logged = tracker.poll_log(data.FEED_PATH)
    assert [raw(row) for row in logged[:2]] == bodies[:2]
    assert logged[2].raw_zlib is None and logged[2].size is None  # nothing to keep
    assert all(row.status == 200 and row.error for row in logged)
    problems = tracker.events("source_problem")
    assert len(problems) == 1
    assert problems[0].payload["source"] == f"feed:{tracker.bea.feed_url}"
    assert "failed 2 times in a row" in problems[0].payload["message"]
