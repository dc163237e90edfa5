"""parse_document picks the parser from the bytes, never from a file name."""

from __future__ import annotations

import pytest

from db.records import FeedRecord, ReleaseRecord, ScheduleRecord
from scraper.detect import detect_kind, parse_document
from scraper.errors import UnrecognisedDocument
from tests.support.captures import fixture_bytes


@pytest.mark.parametrize(
    "name,kind,cls",
    [
        ("rss-2026-09-13.xml", "feed", FeedRecord),
        ("release-gdp-2026q2-advance.html", "release", ReleaseRecord),
        ("release-ita-2026q1-annual-update.html", "release", ReleaseRecord),
        ("release-pio-2026-07-ws-normalized.html", "release", ReleaseRecord),
        ("schedule-table-excerpt-2026-07-16.html", "schedule", ScheduleRecord),
        ("schedule-ics-2026-09-19-normalized.ics", "ics", ScheduleRecord),
        ("schedule-synthetic-folded-crlf.ics", "ics", ScheduleRecord),
    ],
)
def test_detects_each_saved_kind(name: str, kind: str, cls: type) -> None:
    data = fixture_bytes(name)
    assert detect_kind(data) == kind
    assert isinstance(parse_document(data, "https://www.bea.gov/x"), cls)


def test_release_keeps_the_given_url() -> None:
    url = "https://www.bea.gov/news/2026/gdp-advance-estimate-2nd-quarter-2026"
    record = parse_document(fixture_bytes("release-gdp-2026q2-advance.html"), url)
    assert record.url == url and record.figures


def test_bom_and_leading_whitespace() -> None:
    data = b"\xef\xbb\xbf\r\n  " + fixture_bytes("schedule-ics-2026-09-19-normalized.ics")
    assert detect_kind(data) == "ics"


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b"<html><head><title>Example</title></head><body>hi</body></html>",
     b'{"kind": "feed"}', b"\x00\x01\x02"],
)
def test_unrecognised_raises(data: bytes) -> None:
    with pytest.raises(UnrecognisedDocument):
        parse_document(data, "file:///tmp/x")


def test_unrecognised_names_the_url() -> None:
    assert "file:///tmp/x" in str(UnrecognisedDocument("nope", "file:///tmp/x"))
