"""The outbound Atom feed: releases and revisions as the tracker saw them.

Each entry's title is the one-line alert (headline figure first), its content every figure
and revision, and when the page went live and when BEA's own feed caught up. Built with
feedgen; a release link appears only when its host is on ``bea.allowed_hosts``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from db.records import EVENT_REVISION, PublishedEvent
from notifier.render.formatting import format_when
from notifier.render.views import event_view

FEED_ID = "urn:bea-tracker:releases"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def allowed_link(url: str | None, allowed_hosts: Iterable[str]) -> str | None:
    """``url`` when it is http(s) on an allowed host, else None (never link off BEA)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    return url if (parts.hostname or "").lower() in {h.lower() for h in allowed_hosts} else None


def entry_html(item: PublishedEvent) -> str:
    """The entry's body: figures, revisions, and the times the tracker saw the release."""
    view = event_view(item.event)
    parts: list[Markup] = []
    if view.lead:
        parts.append(Markup("<p>{}</p>").format(view.lead))
    if view.figures:
        rows = Markup("").join(
            Markup("<li>{}, {}: {}{}</li>").format(
                f.label, f.caption, f.value,
                Markup(" (prior {})").format(f.prior) if f.prior else "")
            for f in view.figures)
        parts.append(Markup("<ul>{}</ul>").format(rows))
    if view.revisions:
        rows = Markup("").join(Markup("<li>{}: {} -> {} ({})</li>").format(
            r.label + " " + r.period, r.old, r.new, r.change) for r in view.revisions)
        parts.append(Markup("<p>Revisions:</p><ul>{}</ul>").format(rows))
        if item.event.release is not None:
            parts.append(Markup("<p>In: {}</p>").format(item.event.release.title))
    if item.event.release is not None and item.event.release.problems:
        parts.append(Markup("<p>Not extracted: {}</p>").format(
            "; ".join(item.event.release.problems)))
    seen = [("Page live", item.page_first_seen_at), ("In BEA's feed", item.feed_first_seen_at)]
    rows = Markup("").join(Markup("<li>{}: {}</li>").format(Markup(name),
                                                            format_when(_aware(at)))
                           for name, at in seen if at is not None)
    if rows:
        parts.append(Markup("<ul>{}</ul>").format(rows))
    return str(Markup("").join(parts))


def atom_feed(items: Sequence[PublishedEvent], allowed_hosts: Iterable[str],
              self_url: str | None = None, now: datetime | None = None) -> bytes:
    """The feed document (UTF-8 XML), entries newest first."""
    hosts = tuple(allowed_hosts)
    feed = FeedGenerator()
    feed.id(FEED_ID)
    feed.title("BEA releases, as bea-tracker saw them")
    feed.author({"name": "bea-tracker"})
    feed.subtitle("Headline figures in every title; when each page went live and when "
                  "BEA's own feed caught up.")
    if self_url:
        feed.link(href=self_url, rel="self")
    newest = max((_aware(i.event.created_at) for i in items), default=None)
    feed.updated(newest or now or datetime.now(timezone.utc))
    for item in items:
        event, release = item.event, item.event.release
        entry = feed.add_entry(order="append")
        entry.id(f"urn:bea-tracker:event:{event.id}")
        entry.title(event_view(event).short)
        entry.updated(_aware(event.created_at))
        when = item.page_first_seen_at or (release.released_at if release else None)
        if event.kind == EVENT_REVISION:
            when = event.created_at
        entry.published(_aware(when or event.created_at))
        entry.category(term="revision" if event.kind == EVENT_REVISION else "release")
        link = allowed_link(release.url if release else None, hosts)
        if link:
            entry.link(href=link, rel="alternate")
        entry.content(entry_html(item), type="html")
    return feed.atom_str(pretty=True)
