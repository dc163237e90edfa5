"""Scraped text that looks like rich markup (``[/]``, ``[bold]``) is shown as text by every
command that prints it, never parsed (it made latest, show, latency and status exit 1)."""

from __future__ import annotations

import re

import httpx

from tests.hostile.hostile_world import World, body

MARKUP = "Trade [/] [bold]July[/bold] [link=https://evil.example]2026[/link] [red"


def test_titles_with_markup_are_printed_as_text(world: World) -> None:
    feed = httpx.get(world.bea.feed_url).content
    first = re.search(rb"<item\b.*?<title>(.*?)</title>", feed, re.S)
    assert first is not None
    feed = feed[:first.start(1)] + MARKUP.encode() + feed[first.end(1):]
    world.hostile_feed(body(feed))
    assert world.poll().code == 0
    url = next(u for u, r in world.releases().items() if r.title == MARKUP)

    for args in (["latest"], ["show", url], ["latency"], ["releases"], ["status"]):
        result = world.cli(*args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args, result.exception)
        assert "MarkupError" not in result.output, args
        assert result.exit_code in (0, 1 if args == ["status"] else 0), (args, result.output)
    shown = world.cli("show", url).output
    assert MARKUP in shown
