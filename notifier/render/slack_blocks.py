"""Slack incoming-webhook payloads in Block Kit: a header, the headline figures as fields,
and a button to the release. Text is escaped for Slack's mrkdwn (``&``, ``<``, ``>``) so a
scraped title cannot turn into a mention or a link.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from db.records import EventRecord
from notifier.render.formatting import one_line
from notifier.render.messages import RenderedAlert
from notifier.render.views import EventView, chronological, event_view

logger = logging.getLogger(__name__)

# Block Kit limits (api.slack.com/reference/block-kit/blocks).
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
MAX_FIELDS = 10
MAX_BLOCKS = 50
URL_LIMIT = 3000


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control sequences in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _header(text: str) -> dict[str, Any]:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": one_line(text, HEADER_LIMIT), "emoji": False},
    }


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)}}


def _fields(view: EventView) -> list[dict[str, str]]:
    if view.figures:
        pairs = [(f.label, f"{f.value}  ({f.caption})") for f in view.figures]
    elif view.revisions:
        pairs = [
            (f"{r.label} {r.period}", f"{r.old} -> {r.new}  ({r.change})") for r in view.revisions
        ]
    else:
        pairs = list(view.details)
    return [
        {"type": "mrkdwn", "text": _cut(f"*{escape_mrkdwn(k)}*\n{escape_mrkdwn(v)}", FIELD_LIMIT)}
        for k, v in pairs[:MAX_FIELDS]
    ]


def _button(url: str | None) -> dict[str, Any] | None:
    if not url or len(url) > URL_LIMIT:
        return None
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Open the release on bea.gov"},
                "url": url,
                "action_id": "open_release",
            }
        ],
    }


def _event_blocks(view: EventView) -> list[dict[str, Any]]:
    summary = view.lead if view.lead else "\n".join(view.summary)
    blocks = [_section(escape_mrkdwn(f"*{view.title}*") + "\n" + escape_mrkdwn(summary or ""))]
    fields = _fields(view)
    if fields:
        blocks.append({"type": "section", "fields": fields})
    if view.checks:
        text = _cut("\n".join(escape_mrkdwn(line) for line in view.checks), SECTION_LIMIT)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    button = _button(view.url)
    if button:
        blocks.append(button)
    return blocks


def _digest_line(view: EventView) -> str:
    headline = escape_mrkdwn(f"{view.kind_label}: {view.headline}")
    if view.url and len(view.url) <= URL_LIMIT and "|" not in view.url and ">" not in view.url:
        return f"*<{view.url}|{headline}>*"
    return f"*{headline}*"


def _digest_blocks(views: Sequence[EventView]) -> list[dict[str, Any]]:
    room = MAX_BLOCKS - 2  # the header, and a possible "and N more" note
    blocks = []
    for view in views[:room]:
        details = "\n".join(escape_mrkdwn(s) for s in view.summary[:MAX_FIELDS])
        blocks.append(_section(f"{_digest_line(view)}\n{details}".rstrip()))
    if len(views) > room:
        note = f"\u2026and {len(views) - room} more; see the e-mail digest or `bea-tracker`."
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return blocks


def slack_payload(
    rendered: RenderedAlert, events: EventRecord | Sequence[EventRecord]
) -> dict[str, Any]:
    """The JSON body for a Slack incoming webhook (one event, or several as a digest)."""
    many = [events] if isinstance(events, EventRecord) else list(events)
    if not many:
        raise ValueError("a Slack message needs at least one event")
    views = [event_view(e) for e in chronological(many)]
    if len(views) == 1:
        body = _event_blocks(views[0])
    else:
        body = _digest_blocks(views)
    return {
        "text": escape_mrkdwn(rendered.subject),
        "blocks": [_header(rendered.subject), *body],
        "unfurl_links": False,
    }


def slack_text_payload(rendered: RenderedAlert) -> dict[str, Any]:
    """The short format: the rendered lines as one plain Slack message, no blocks."""
    return {"text": escape_mrkdwn(rendered.text.strip()), "unfurl_links": False}
