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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from db.models import Event, PollLog, Release, Snapshot
from db.records import (
    EVENT_NEW_RELEASE,
    EXTRACTION_FAILED,
    EXTRACTION_OK,
    EXTRACTION_PARTIAL,
    FeedItem,
    FigureRecord,
    ReleaseRecord,
)
from db.store import KIND_FEED_ITEM, KIND_PAGE
from scraper.extract import figures_from_text

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


def is_recent(item: FeedItem, now: datetime, hours: float = RECENT_HOURS) -> bool:
    """Items this fresh are retried when their page was not yet fetched (e.g. a 404)."""
    return item.published is not None and (now - item.published).total_seconds() < hours * 3600


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
    work = []
    for item in items:
        known = session.scalar(
            select(Snapshot.id).join(Release, Release.id == Snapshot.release_id).where(
                Release.url == item.link, Snapshot.kind == KIND_FEED_ITEM,
                Snapshot.sha256 == item_hash(item)).limit(1))
        if known is None:
            work.append(item)
    return work


@dataclass(frozen=True)
class PendingPage:
    """A recent release whose page we still lack."""

    url: str
    guid: str | None
    title: str


def retry_delay(attempts: int) -> timedelta:
    """How long after the last of ``attempts`` failed fetches to ask again."""
    if attempts <= 1:
        return timedelta(0)
    return min(timedelta(minutes=2 ** (attempts - 2)), RETRY_MAX_DELAY)


def pending_pages(session: Session, now: datetime,
                  hours: float = RECENT_HOURS) -> list[PendingPage]:
    """Recent, alerted releases with no usable page yet, whose retry is due.

    Baseline and history releases are left alone: they were recorded, not alerted, and
    asking for their pages again and again would only cost BEA requests.
    """
    usable_page = exists().where(
        Snapshot.release_id == Release.id, Snapshot.kind == KIND_PAGE,
        Snapshot.extraction != EXTRACTION_FAILED)
    quiet = exists().where(
        Event.release_id == Release.id, Event.kind == EVENT_NEW_RELEASE,
        Event.baseline.is_(True))
    candidates = session.scalars(select(Release).where(
        Release.released_at >= now - timedelta(hours=hours), Release.history.is_(False),
        ~usable_page, ~quiet).order_by(Release.id))
    due = []
    for release in candidates:
        attempts, last = session.execute(
            select(func.count(), func.max(PollLog.started_at)).where(
                PollLog.url == release.url, PollLog.kind == PAGE_POLL_KIND)).one()
        if last is None or now - last >= retry_delay(attempts):
            due.append(PendingPage(release.url, release.guid, release.title))
    return due
