"""Tell a saved BEA document's kind from its bytes, and parse it with the right parser.

Used by ``bea-tracker parse PATH``: the file name is not trusted, only the content.
Checks run cheapest-first on the start of the document (BOM and whitespace skipped):
iCalendar (``BEGIN:VCALENDAR``), RSS/Atom (``<rss``/``<feed``/``<rdf:RDF`` before any
``<html``), the schedule page (``id="release-schedule-table"``), then a release page
(the embargo line, its CSS class, or a "BEA 26-35" release number).
"""

from __future__ import annotations

import logging
import re

from db.records import FeedRecord, ReleaseRecord, ScheduleRecord
from scraper.errors import UnrecognisedDocument
from scraper.extract import extract_release
from scraper.feed_parse import parse_feed
from scraper.schedule import parse_schedule_html, parse_schedule_ics

logger = logging.getLogger(__name__)

_FEED_RE = re.compile(rb"<(rss|feed|rdf:rdf)\b", re.I)
_HTML_RE = re.compile(rb"<(!doctype html|html|head|body)\b", re.I)
_SCHEDULE_RE = re.compile(rb"""id\s*=\s*["']release-schedule-table["']""", re.I)
_RELEASE_RE = re.compile(
    rb"field--name-field-release-date|EMBARGOED\s+UNTIL\s+RELEASE|release-embargo"
    rb"|\bBEA\s*\d{2}\s*(?:-|\xe2\x80[\x90-\x95])\s*\d{1,3}\b",
    re.I,
)

Document = ReleaseRecord | FeedRecord | ScheduleRecord


def detect_kind(data: bytes) -> str | None:
    """'ics', 'feed', 'schedule' or 'release' from the bytes; None when it is none of them."""
    body = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if body[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        return "ics"
    head = body[:4096]
    feed, page = _FEED_RE.search(head), _HTML_RE.search(head)
    if feed and (page is None or feed.start() < page.start()):
        return "feed"
    if _SCHEDULE_RE.search(body):
        return "schedule"
    if _RELEASE_RE.search(body):
        return "release"
    return None


def parse_document(data: bytes, url: str | None = None) -> Document:
    """Parse a feed, release page, schedule page or ICS file, whichever ``data`` is.

    Raises UnrecognisedDocument only when the bytes are none of those.
    """
    kind = detect_kind(data or b"")
    logger.debug("document %s detected as %s", url, kind)
    if kind == "ics":
        return parse_schedule_ics(data)
    if kind == "feed":
        return parse_feed(data)
    if kind == "schedule":
        return parse_schedule_html(data.decode("utf-8", errors="replace"))
    if kind == "release":
        return extract_release(data, url or "")
    raise UnrecognisedDocument(
        "not a BEA feed, release page, schedule page or iCalendar file", url
    )
