"""Turning feed items into what the database stores, telling new items from known, and
finding the release pages still worth asking for.

A poll crawls the page of every new or changed item. A page that could not be had then
(404 before it is live, a 5xx, a timeout, a body that was no release) is asked for again on
later polls, even when the feed is unchanged, while its release is recent: at once on the
next poll, then with a doubling delay capped at an hour.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from db.records import (
    EXTRACTION_OK,
    EXTRACTION_PARTIAL,
    FeedItem,
    FigureRecord,
    MissingPage,
    ReleaseRecord,
)
from db.releases import known_snapshots, releases_missing_page
from db.session import Session
from db.store import KIND_FEED_ITEM
from scraper.extract import figures_from_text
from scraper.extract.families import family_for

RECENT_HOURS = 36.0
RETRY_MAX_DELAY = timedelta(hours=1)
PAGE_POLL_KIND = "page"


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


def item_figures(item: FeedItem) -> tuple[FigureRecord, ...]:
    """The item's ``<data>`` figures, then those its description sentence states that
    ``<data>`` lacks (e.g. personal income's dollar change): what the feed says before the
    page is there."""
    stated = {(f.indicator, f.period, f.unit) for f in item.figures}
    extra = tuple(f for f in figures_from_text(item.title, item.description or "", item.link)
                  if (f.indicator, f.period, f.unit) not in stated) if item.description else ()
    return item.figures + extra


def item_record(item: FeedItem) -> ReleaseRecord:
    """What the feed alone says about a release (used until, or if never, a page arrives)."""
    figures = item_figures(item)
    return ReleaseRecord(
        url=item.link,
        title=item.title,
        released_at=item.published,
        lead=item.description,
        next_release=_date_or_none(item.next_release),
        figures=figures,
        series=item.series,
        extraction=EXTRACTION_OK if figures else EXTRACTION_PARTIAL,
        problems=() if figures else ("feed item carries no figures",),
    )


def reread_item(body: bytes) -> ReleaseRecord:
    """A stored feed item (``item_bytes``) read again with today's extractors: its
    ``<data>`` figures as stored, their estimate read again from the title, and the figures
    of its description sentence. For ``bea-tracker audit``."""
    data = json.loads(body)
    title = data.get("title") or ""
    family = family_for(data.get("series")) or family_for(title)
    estimate = family.estimate(title, data.get("vintage")) if family else None
    figures = tuple(replace(FigureRecord(**f), estimate=estimate) for f in data.get("figures", []))
    published = data.get("published")
    item = FeedItem(guid=data.get("guid") or "", title=title, link=data.get("link") or "",
                    published=datetime.fromisoformat(published) if published else None,
                    series=data.get("series"), next_release=data.get("next_release"),
                    figures=figures, description=data.get("description"),
                    vintage=data.get("vintage"))
    return item_record(item)


def well_formed(body: bytes) -> bool:
    """True if the feed is well-formed XML (read safely: no DTD entities)."""
    try:
        fromstring(body)
    except (ParseError, DefusedXmlException, ValueError):
        return False
    return True


def new_or_changed(session: Session, items: tuple[FeedItem, ...] | list[FeedItem],
                   ) -> list[FeedItem]:
    """Items whose release is unknown, or whose feed content differs from every stored one."""
    hashes = [(item.link, item_hash(item)) for item in items]
    known = known_snapshots(session, KIND_FEED_ITEM, hashes)
    return [item for item, key in zip(items, hashes, strict=True) if key not in known]


def retry_delay(attempts: int) -> timedelta:
    """How long after the last of ``attempts`` failed fetches to ask again."""
    if attempts <= 1:
        return timedelta(0)
    return min(timedelta(minutes=2 ** (attempts - 2)), RETRY_MAX_DELAY)


def pending_pages(session: Session, now: datetime,
                  hours: float = RECENT_HOURS) -> list[MissingPage]:
    """Recent, alerted releases with no usable page yet, whose retry is due.

    Baseline and history releases are left alone: they were recorded, not alerted, and
    asking for their pages again and again would only cost BEA requests.
    """
    missing = releases_missing_page(session, now - timedelta(hours=hours), PAGE_POLL_KIND)
    return [page for page in missing
            if page.last_attempt_at is None
            or now - page.last_attempt_at >= retry_delay(page.attempts)]
