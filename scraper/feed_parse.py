"""BEA's RSS feed: standard fields by feedparser, BEA's own elements by defusedxml.

feedparser reads title, link, guid and pubDate (EDT/EST understood) and copes with broken
XML. BEA also puts figures in each ``<item>``: a ``name`` attribute (the series),
``<data><main><current>/<previous>`` with ``infoDate`` and ``percentChange``, optional
``<supplemental>`` blocks, ``<vintage>`` and ``<NextReleaseDate>``. Those are read from the
same bytes, one ``<item>`` at a time with defusedxml (no DTDs or external entities), so a
truncated or malformed feed still yields every complete item. Nothing here raises: each
problem becomes a readable line in ``FeedRecord.problems``.
"""

from __future__ import annotations

import calendar
import html
import io
import logging
import re
import time
from datetime import UTC, datetime

import feedparser

from db.records import FeedItem, FeedRecord
from scraper.extract.feed_data import ItemExtras, feed_figures, read_item_extras
from scraper.extract.generic import NEW_YORK
from scraper.extract.numbers import clean_text
from scraper.extract.periods import parse_date
from scraper.extract.titles import canonical_series

logger = logging.getLogger(__name__)

_TAGS = re.compile(r"<!--.*?-->|<[^>]+>", re.S)
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body)", re.I)
_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
_BASE = "https://www.bea.gov"


def _aware(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time -> aware datetime in America/New_York."""
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).astimezone(NEW_YORK)


def _repair_url(url: str) -> tuple[str, bool]:
    """Give a scheme-less BEA link ('www.bea.gov/news/...') its https:// back."""
    url = url.strip()
    if re.match(r"^(www\.|apps\.)?bea\.gov/", url, re.I) or url.lower().startswith("www."):
        return "https://" + url, True
    if url.startswith("//"):
        return "https:" + url, True
    if url.startswith("/"):
        return _BASE + url, True
    return url, False


def _looks_like_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s/]+\.[^\s]+$", value))


def _parse_next_release(raw: str | None) -> str | None:
    """'October 6, 2026' -> '2026-10-06'; 'xx' or '' -> None; 'Spring 2027' kept as text."""
    text = clean_text(raw)
    if not text or re.fullmatch(r"x+|n/?a|tbd|none", text, re.I):
        return None
    day = parse_date(text)
    return day.isoformat() if day else text


def _plain(description: str | None) -> str | None:
    """An item description as plain text (tags and the 'Full Text' link comment removed)."""
    if not description:
        return None
    text = html.unescape(_TAGS.sub(" ", description))
    text = clean_text(_TAGS.sub(" ", text))  # again: some items escape their HTML twice
    return clean_text(re.sub(r"\bFull Text$", "", text)) or None


def _identity(entry: dict, label: str, permalink: bool,
              problems: list[str]) -> tuple[str, str] | None:
    """(guid, link) for an entry: scheme-less links repaired, bad guids replaced by the link.

    A guid is malformed when it is blank, holds whitespace, or claims to be a permalink
    (BEA's always do) without being a URL.
    """
    link, fixed = _repair_url(entry.get("link") or "")
    if fixed:
        problems.append(f"{label}: link had no scheme; read as {link}")
    raw_guid = (entry.get("id") or "").strip()
    guid, _ = _repair_url(raw_guid) if raw_guid else ("", False)
    malformed = bool(guid) and (any(c.isspace() for c in guid)
                                or (permalink and not _looks_like_url(guid)))
    if malformed or not guid:
        if link:
            problems.append(f"{label}: malformed guid {raw_guid!r}; using the link instead"
                            if malformed else f"{label}: no guid; using the link instead")
        guid = link if link else ("" if malformed else guid)
    if not guid:
        return None
    return guid, link or guid


def _item(entry: dict, index: int, extras: dict[str, ItemExtras],
          problems: list[str]) -> FeedItem | None:
    """One FeedItem from a feedparser entry plus BEA's extra elements for it."""
    title = clean_text(entry.get("title"))
    label = f"item {index + 1} ({title or 'untitled'})"
    extra = extras.get(title) or extras.get(clean_text(entry.get("link"))) or ItemExtras()
    ids = _identity(entry, label, extra.guid_is_permalink, problems)
    if ids is None:
        problems.append(f"{label}: no usable link or guid; skipped")
        return None
    guid, link = ids
    published = _aware(entry.get("published_parsed") or entry.get("updated_parsed"))
    if published is None and entry.get("published"):
        problems.append(f"{label}: pubDate {entry.get('published')!r} not understood")
    series = canonical_series(extra.name) or canonical_series(title)
    figures = feed_figures(extra, series or "", title, problems, label)
    return FeedItem(
        guid=guid,
        title=title,
        link=link,
        published=published,
        series=series,
        next_release=_parse_next_release(extra.next_release),
        figures=figures,
        description=_plain(entry.get("summary")),
        vintage=clean_text(extra.vintage) or None,
    )


def _bozo_note(parsed: dict) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    where = ""
    if exc is not None and hasattr(exc, "getLineNumber"):
        where = f" at line {exc.getLineNumber()}"
    return f"feed is not well-formed XML{where} ({exc}); read what could be read"


def _not_a_feed_note(data: bytes, parsed: dict) -> str | None:
    if parsed.get("version") or parsed.get("entries"):
        return None
    if _HTML_START.search(data[:2048]):
        m = _HTML_TITLE.search(data[:8192])
        title = clean_text(html.unescape(m.group(1).decode("utf-8", "replace"))) if m else ""
        return f"not a feed: the document is an HTML page ({title or 'untitled'!r})"
    return "not a feed: no RSS or Atom structure found"


def parse_feed(data: bytes) -> FeedRecord:
    """Parse BEA's RSS bytes into a FeedRecord; never raises, never touches the network."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        return FeedRecord(title=None, updated=None, problems=("empty feed document",))
    problems: list[str] = []
    try:
        parsed = feedparser.parse(io.BytesIO(bytes(data)))  # a stream: never a URL or path
    except Exception as exc:  # feedparser is tolerant, but a crash must not stop the poll
        logger.warning("feedparser failed", exc_info=True)
        return FeedRecord(title=None, updated=None, problems=(f"feed unreadable: {exc!r}",))
    for note in (_bozo_note(parsed), _not_a_feed_note(data, parsed)):
        if note:
            problems.append(note)
    extras = read_item_extras(data, problems)
    items = []
    for index, entry in enumerate(parsed.get("entries", [])):
        item = _item(entry, index, extras, problems)
        if item is not None:
            items.append(item)
    feed = parsed.get("feed", {})
    return FeedRecord(
        title=clean_text(feed.get("title")) or None,
        updated=_aware(feed.get("updated_parsed") or feed.get("published_parsed")),
        items=tuple(items),
        problems=tuple(problems),
    )
