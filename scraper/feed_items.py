"""Turning feed items into what the database stores, and telling new items from known."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from db.records import EXTRACTION_OK, EXTRACTION_PARTIAL, FeedItem, ReleaseRecord


def item_bytes(item: FeedItem) -> bytes:
    """A canonical serialization of one feed item: its snapshot body and content hash.

    Two polls that see the same item produce the same bytes, so the same hash.
    """
    data = item.to_json() | {"description": item.description, "vintage": item.vintage}
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")


def item_hash(item: FeedItem) -> str:
    return hashlib.sha256(item_bytes(item)).hexdigest()


def _date_or_none(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None  # BEA's "Spring 2027": not a date


def item_record(item: FeedItem) -> ReleaseRecord:
    """What the feed alone says about a release (used until, or if never, a page arrives)."""
    return ReleaseRecord(
        url=item.link,
        title=item.title,
        released_at=item.published,
        lead=item.description,
        next_release=_date_or_none(item.next_release),
        figures=item.figures,
        series=item.series,
        extraction=EXTRACTION_OK if item.figures else EXTRACTION_PARTIAL,
        problems=() if item.figures else ("feed item carries no figures",),
    )


def is_recent(item: FeedItem, now: datetime, hours: float = 36) -> bool:
    """Items this fresh are retried when their page was not yet fetched (e.g. a 404)."""
    return item.published is not None and (now - item.published).total_seconds() < hours * 3600
