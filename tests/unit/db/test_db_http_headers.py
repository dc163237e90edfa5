"""Retry-After, read once for Scrapy's retries and the notifier's."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from db.http_headers import parse_retry_after

NOW = datetime(2026, 9, 3, 12, 30, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("Thu, 03 Sep 2026 12:30:30 GMT", 30.0),
        ("Thu, 03 Sep 2026 12:00:00 GMT", 0.0),  # already past
        ("Thu, 03 Sep 2026 12:30:30", 30.0),  # no zone: read as UTC
        ("soon", None),
        ("-5", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_retry_after(header, expected):
    assert parse_retry_after(header, now=NOW) == expected
