"""Turn events into the words of an alert: a subject, a plain-text part and an HTML part.

Jinja templates live in ``notifier/render/templates``; HTML templates (``*.html.j2``) autoescape, so
text scraped from a page (a title with ``<script>``) arrives inert in the HTML part and
unchanged in the text part. StrictUndefined makes a template typo fail a test, not an alert.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from db.records import EVENT_KINDS, FORMAT_FULL, FORMAT_SHORT, EventRecord
from notifier.render.formatting import one_line
from notifier.render.views import EventView, chronological, event_view

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedAlert:
    """One message ready for any channel."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (built once; templates are package data)."""
    return Environment(
        loader=PackageLoader("notifier.render", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=True, default=False
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _fragment_name(view: EventView, ext: str) -> str:
    kind = view.kind if view.kind in EVENT_KINDS else "source_problem"
    return f"{kind}.{ext}.j2"


def _fragments(view: EventView) -> tuple[str, Markup]:
    env = environment()
    text = env.get_template(_fragment_name(view, "txt")).render(v=view).strip()
    # The HTML fragment comes from an autoescaped template, so it is safe to embed as is.
    html = Markup(env.get_template(_fragment_name(view, "html")).render(v=view))
    return text, html


def render_alert(event: EventRecord, chart_cid: str | None = None,
                 chart_alt: str = "") -> RenderedAlert:
    """The message for one event; ``chart_cid`` puts an inline chart (``cid:``) in the HTML
    part, the text part stays the same."""
    view = event_view(event)
    text_body, html_body = _fragments(view)
    env = environment()
    return RenderedAlert(
        subject=view.subject,
        text=env.get_template("alert.txt.j2").render(v=view, body=text_body),
        html=env.get_template("alert.html.j2").render(
            v=view, body=html_body, chart_cid=chart_cid, chart_alt=chart_alt),
    )


def digest_subject(views: Sequence[EventView], day: str) -> str:
    """``BEA daily digest, 2026-08-26: 3 updates (GDP Q2 2026 (second) +1.5% and 2 more)``."""
    count = len(views)
    if count == 1:
        return one_line(f"BEA daily digest, {day}: {views[0].headline}", 200)
    first = one_line(views[0].headline, 120)
    return one_line(f"BEA daily digest, {day}: {count} updates ({first} and {count - 1} more)", 200)


def render_digest(events: Sequence[EventRecord]) -> RenderedAlert:
    """One message listing several events, oldest first, for daily-digest subscriptions."""
    if not events:
        raise ValueError("a digest needs at least one event")
    ordered = chronological(events)
    views = [event_view(e) for e in ordered]
    texts, htmls = zip(*(_fragments(v) for v in views), strict=True)
    day = ordered[-1].created_at.date().isoformat()
    title = f"BEA daily digest for {day}: {len(views)} update{'s' if len(views) != 1 else ''}"
    subject = digest_subject(views, day)
    env = environment()
    text = env.get_template("digest.txt.j2").render(
        title=title, subject=subject, items=list(zip(views, texts, strict=True))
    )
    html = env.get_template("digest.html.j2").render(
        title=title, subject=subject, items=list(zip(views, htmls, strict=True))
    )
    return RenderedAlert(subject=subject, text=text, html=html)


def render_short(events: Sequence[EventRecord], digest: bool = False) -> RenderedAlert:
    """One line per event (``BEA: GDP Q2 2026 (second) +1.5% (adv +1.5%)``); the subject is
    that line for one event, the digest subject for several."""
    ordered = chronological(events)
    views = [event_view(e) for e in ordered]
    if len(views) == 1 and not digest:
        subject = views[0].short
    else:
        subject = digest_subject(views, ordered[-1].created_at.date().isoformat())
    env = environment()
    return RenderedAlert(
        subject=subject,
        text=env.get_template("short.txt.j2").render(views=views),
        html=env.get_template("short.html.j2").render(views=views, subject=subject),
    )


def render_events(
    events: Sequence[EventRecord], digest: bool = False, format: str = FORMAT_FULL,
    chart_cid: str | None = None, chart_alt: str = "",
) -> RenderedAlert:
    """One event as an alert; several (or a digest subscription's batch) as a digest; in
    the short format, one line per event. Only a single full alert carries a chart."""
    if not events:
        raise ValueError("nothing to render: no events")
    if format == FORMAT_SHORT:
        return render_short(events, digest)
    if len(events) == 1 and not digest:
        return render_alert(events[0], chart_cid, chart_alt)
    return render_digest(events)
