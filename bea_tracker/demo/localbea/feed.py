"""Edit BEA's RSS feed as bytes: insert items at the top, set channel dates, edit one item.

Text edits on the real bytes (CRLF, us-ascii, BEA's indentation) rather than re-serialising
with an XML library, so everything not touched stays byte-for-byte what BEA served.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

EASTERN = ZoneInfo("America/New_York")

_ITEM = re.compile(rb"[ \t]*<item\b.*?</item>[ \t]*\r?\n", re.DOTALL)
_GUID = re.compile(rb"<guid\b[^>]*>(.*?)</guid>", re.DOTALL)
_TITLE = re.compile(rb"<title>(.*?)</title>", re.DOTALL)


def rfc822_eastern(moment: datetime) -> str:
    """Format like BEA's feed: ``Thu, 03 Sep 2026 08:30:00 EDT`` (Eastern, EDT/EST)."""
    local = moment.astimezone(EASTERN)
    return local.strftime("%a, %d %b %Y %H:%M:%S ") + (local.tzname() or "ET")


def items(feed: bytes) -> list[bytes]:
    """Every ``<item>`` block of the feed, with its indentation and line ending."""
    return [match.group(0) for match in _ITEM.finditer(feed)]


def item_guid(item: bytes) -> bytes:
    """The guid text of one item (empty if it has none)."""
    match = _GUID.search(item)
    return match.group(1).strip() if match else b""


def find_item(feed: bytes, title: str) -> bytes:
    """The real item whose ``<title>`` is ``title``; KeyError names the titles present."""
    wanted = escape(title).encode("ascii", "xmlcharrefreplace")
    for item in items(feed):
        match = _TITLE.search(item)
        if match and match.group(1).strip() == wanted:
            return item
    titles = [m.group(1).decode("ascii") for i in items(feed) if (m := _TITLE.search(i))]
    raise KeyError(f"no feed item titled {title!r}; titles: {titles}")


def set_element(xml: bytes, tag: str, text: str, *, cdata: bool = False) -> bytes:
    """Replace the content of the first ``<tag ...>...</tag>`` (attributes kept)."""
    value = f"<![CDATA[{text}]]>" if cdata else escape(text)
    encoded = value.encode("ascii", "xmlcharrefreplace")
    pattern = re.compile(rb"(<%s\b[^>]*>).*?(</%s>)" % (tag.encode(), tag.encode()), re.DOTALL)
    new, count = pattern.subn(lambda m: m.group(1) + encoded + m.group(2), xml, count=1)
    if not count:
        raise KeyError(f"no <{tag}> element to set")
    return new


def with_items(feed: bytes, new_items: Sequence[bytes], published: datetime) -> bytes:
    """The feed with ``new_items`` on top (first = newest) and channel dates set.

    An existing item with the same guid as a new one is dropped (a re-published release
    replaces its old item, as BEA's feed does). Channel ``<pubDate>`` and
    ``<lastBuildDate>`` both become ``published``, which is what BEA's feed shows
    (the release time, not the minute the feed was rebuilt).
    """
    if not new_items:
        return feed
    first = _ITEM.search(feed)
    if first is None:
        raise ValueError("feed has no <item> to insert before")
    guids = {item_guid(item) for item in new_items}
    head, tail = feed[: first.start()], feed[first.start() :]
    kept = _ITEM.sub(lambda m: b"" if item_guid(m.group(0)) in guids else m.group(0), tail)
    stamp = rfc822_eastern(published)
    head = set_element(head, "pubDate", stamp)
    head = set_element(head, "lastBuildDate", stamp)
    newline = b"\r\n" if b"\r\n" in feed else b"\n"
    body = b"".join(_fit_newlines(item, newline) for item in new_items)
    return head + body + kept


def _fit_newlines(item: bytes, newline: bytes) -> bytes:
    """Give an item the feed's line endings, so an inserted item looks like BEA's."""
    lines = item.replace(b"\r\n", b"\n").split(b"\n")
    text = newline.join(lines)
    return text if text.endswith(newline) else text + newline
