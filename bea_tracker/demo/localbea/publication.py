"""Releases to publish on the local BEA, built from real pages and real feed items.

Nothing here invents a page layout: a :class:`SyntheticRelease` is a real BEA page's bytes
(optionally with its title renamed) at a release path, plus a feed item made by editing a
real item of BEA's feed. "Synthetic" is in every name because the *event* is simulated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bea_tracker.demo.localbea import data, feed
from bea_tracker.demo.localbea.home import HomeEntry
from bea_tracker.demo.localbea.schedule_gen import CalendarEntry

_LEAD = re.compile(rb'field--name-body[^>]*><p>(.*?)</p>', re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class SyntheticRelease:
    """A release page and its feed item, ready for :meth:`LocalBea.publish`.

    ``item_xml`` is one ``<item>...</item>`` with links on ``https://www.bea.gov`` (the
    server rewrites them to itself, as it does for the real feed); its ``<pubDate>`` is
    set to the publication time when the item enters the feed. ``series`` and ``period``
    split ``title`` the way BEA's calendar does, for :meth:`event`.
    """

    path: str
    title: str
    page: bytes
    item_xml: bytes
    series: str = ""
    period: str = ""
    content_type: str = data.CONTENT_TYPES["html"]
    home: HomeEntry | None = None  # its line on BEA's home page once it is live

    @property
    def guid(self) -> str:
        """The item's guid/link as BEA writes it (before rewriting)."""
        return data.BEA_BASE_URL + self.path

    def event(self, starts_at: datetime, category: str = "news") -> CalendarEntry:
        """The schedule entry announcing this release at ``starts_at``."""
        return CalendarEntry(self.series or self.title, self.period, starts_at, category)


@dataclass(frozen=True)
class Publication:
    """When a published release goes live: page at ``page_at``, feed item at ``feed_at``."""

    release: SyntheticRelease
    page_at: datetime
    feed_at: datetime
    item_xml: bytes = field(repr=False)


def synthetic_item(template_title: str, *, title: str, path: str,
                   description: str | None = None, vintage: str | None = None,
                   current: tuple[str, str] | None = None,
                   previous: tuple[str, str] | None = None,
                   next_release: str | None = None, pdf: str | None = None,
                   db_id: str | None = None) -> bytes:
    """A feed item made from the real item titled ``template_title`` in the bundled feed.

    Fields left as None keep the template's value. ``current`` and ``previous`` are
    ``(infoDate, percentChange)`` pairs for BEA's ``<data>`` element, e.g.
    ``("Q2 2026", "+1.5")``.
    """
    item = feed.find_item(data.load(data.FEED_FILE), template_title)
    link = data.BEA_BASE_URL + path
    item = feed.set_element(item, "title", title)
    item = feed.set_element(item, "link", link)
    item = feed.set_element(item, "guid", link)
    edits = {"vintage": vintage, "NextReleaseDate": next_release, "pdf": pdf, "dbId": db_id}
    for tag, value in edits.items():
        if value is not None:
            item = feed.set_element(item, tag, value)
    if description is not None:
        item = feed.set_element(item, "description", f"<p>{description}</p>", cdata=True)
    for block, pair in (("current", current), ("previous", previous)):
        if pair is not None:
            item = _set_data(item, block, *pair)
    return item


def _set_data(item: bytes, block: str, info_date: str, change: str) -> bytes:
    pattern = re.compile(rb"<%s>.*?</%s>" % (block.encode(), block.encode()), re.DOTALL)
    match = pattern.search(item)
    if match is None:
        raise KeyError(f"template item has no <{block}> in <data>")
    part = feed.set_element(match.group(0), "infoDate", info_date)
    part = feed.set_element(part, "percentChange", change)
    return item[: match.start()] + part + item[match.end() :]


def page_lead(page: bytes) -> str:
    """The first paragraph of a release page's body, as text (BEA's feed description)."""
    match = _LEAD.search(page)
    if match is None:
        raise ValueError("no body paragraph on the page")
    text = _TAGS.sub("", match.group(1).decode("utf-8"))
    return " ".join(text.replace("&amp;", "&").split())


GDP_SERIES = "GDP (Advance Estimate)"
GDP_PERIOD = "2nd Quarter 2026"


def synthetic_gdp_release(starts_at: datetime, *, seq: int | None = None,
                          path: str | None = None) -> SyntheticRelease:
    """The next GDP release, simulated with BEA's real GDP advance page for Q2 2026.

    The page is the real capture (a real layout and real figures: real GDP +1.5%, Q1
    +2.1%, next release August 26, 2026). Its path follows BEA's rule for the year of
    ``starts_at`` in Eastern time, so for a 2026 start it is BEA's real path and the page
    is byte for byte the capture; at any other path its canonical link follows. The feed
    item is BEA's real "GDP" item (Second Estimate) with the advance page's title, link,
    lead paragraph, figures and next release date; ``<vintage>`` and ``<dbId>`` are left
    empty, as in BEA's feed item for its last advance estimate (so the feed does not
    hold two items with dbId 101).

    ``seq`` makes a distinct release for repeated runs (benchmarks): the series becomes
    "GDP (Advance Estimate) Synthetic <seq>", renamed in the page title too, and the path
    is what BEA's slug rule gives for that title. Figures stay those of the real page.

    ``path`` overrides the path (page, link and guid), e.g. a slug BEA cut short, so
    that predicting the URL from the title misses and only the feed finds the release.
    """
    series = GDP_SERIES if seq is None else f"{GDP_SERIES} Synthetic {seq}"
    title = f"{series}, {GDP_PERIOD}"
    page = data.load(data.GDP_ADVANCE_FILE)
    slug = "gdp-advance-estimate" + ("" if seq is None else f"-synthetic-{seq}")
    year = starts_at.astimezone(feed.EASTERN).year
    path = path or f"/news/{year}/{slug}-2nd-quarter-2026"
    if seq is not None or path != data.GDP_ADVANCE_PATH:
        real_title = f"{GDP_SERIES}, {GDP_PERIOD}".encode()
        page = page.replace(real_title, title.encode())
        page = page.replace(data.GDP_ADVANCE_PATH.encode(), path.encode())
    item = synthetic_item(
        "GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026",
        title=title, path=path, description=page_lead(page), vintage="", db_id="",
        current=("Q2 2026", "+1.5"), previous=("Q1 2026", "+2.1"),
        next_release="August 26, 2026",
        pdf="https://www.bea.gov/sites/default/files/2026-07/gdp2q26-adv.pdf",
    )
    return SyntheticRelease(path=path, title=title, page=page, item_xml=item,
                            series=series, period=GDP_PERIOD,
                            home=HomeEntry("Gross Domestic Product", "Q2 2026 (Adv)", "+1.5%"))
