"""The daemon's published documents: /feed.atom, /calendar.ics and the dashboard, built
by the same functions as the CLI commands, read in a worker thread."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bea_tracker.daemon.service import Daemon
    from bea_tracker.daemon.web import Handler

FEED_LIMIT = 50


def page_routes(daemon: Daemon) -> dict[str, Handler]:
    db, config = daemon.db, daemon.config

    async def feed_atom(request: web.Request) -> web.Response:
        from bea_tracker.publish.atom import atom_feed
        from db.publishing import published_events

        def build() -> bytes:
            with db.session() as session:
                items = published_events(session, FEED_LIMIT)
            return atom_feed(items, config.bea.allowed_hosts, self_url=str(request.url))

        body = await asyncio.to_thread(build)
        return web.Response(body=body, content_type="application/atom+xml", charset="utf-8")

    async def calendar_ics(_request: web.Request) -> web.Response:
        from datetime import datetime, timezone

        from bea_tracker.publish.calendar import calendar_since, ics_calendar
        from db.publishing import calendar_entries

        def build() -> bytes:
            now = datetime.now(timezone.utc)
            with db.session() as session:
                entries = calendar_entries(session, calendar_since(now), now)
            return ics_calendar(entries, config.bea.allowed_hosts, now)

        body = await asyncio.to_thread(build)
        return web.Response(body=body, content_type="text/calendar", charset="utf-8")

    async def dashboard(_request: web.Request) -> web.Response:
        from datetime import datetime, timezone

        from bea_tracker.publish.dashboard import collect, render

        now = datetime.now(timezone.utc)
        url = config.database.resolved_url()
        data = await asyncio.to_thread(collect, db, url, now)
        html = render(data, now, daemon.health(), tuple(config.bea.allowed_hosts))
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    return {
        "/": dashboard,
        "/feed.atom": feed_atom,
        "/calendar.ics": calendar_ics,
    }
