"""The daemon's local HTTP listener (``http.listen``, off by default): /healthz, /metrics,
and what bea_tracker/publish serves (the dashboard at /, /feed.atom, /calendar.ics, /api/...).

An aiohttp server on the daemon's own asyncio loop. Routes live in one table
(:func:`daemon_routes`): a new page is one line there, e.g. ``"/feed.atom": feed_atom``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bea_tracker.daemon.service import Daemon

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def daemon_routes(daemon: Daemon) -> dict[str, Handler]:
    """Every GET route the daemon serves: path -> handler."""

    async def healthz(_request: web.Request) -> web.Response:
        health = daemon.health()
        return web.Response(text=json.dumps(health) + "\n", content_type="application/json",
                            status=200 if health["healthy"] else 503)

    async def metrics(_request: web.Request) -> web.Response:
        from bea_tracker.daemon.metrics import CONTENT_TYPE

        response = web.Response(body=daemon.metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE
        return response

    from bea_tracker.publish.api import api_routes
    from bea_tracker.publish.pages import page_routes

    return {
        "/healthz": healthz,
        "/metrics": metrics,
        **api_routes(daemon),
        **page_routes(daemon),
    }


class HttpListener:
    """Serves ``routes`` on ``host:port`` until stopped."""

    def __init__(self, host: str, port: int, routes: dict[str, Handler]) -> None:
        self.host, self.port = host, port
        self.app = web.Application()
        self.paths = list(routes)
        for path, handler in routes.items():
            self.app.router.add_get(path, handler)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:  # port 0: the port the system chose
            self.port = server.sockets[0].getsockname()[1]
        logger.info("serving %s on http://%s:%d/", ", ".join(self.paths), self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
