"""The read-only JSON API on the daemon's listener: the CLI's ``--json`` shapes over HTTP.

Every handler calls the same :mod:`bea_tracker.publish.shapes` function as its CLI command
and encodes with the same :func:`to_json_text`, so ``curl /api/releases`` equals
``bea-tracker releases --json``. Database reads run in a worker thread, off the loop.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bea_tracker.cli.options import since_from_text
from bea_tracker.cli.output import to_json_text
from bea_tracker.publish import shapes

if TYPE_CHECKING:
    from bea_tracker.daemon.service import Daemon
    from bea_tracker.daemon.web import Handler


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=to_json_text(data) + "\n", status=status,
                        content_type="application/json", charset="utf-8")


def not_found(message: str) -> web.Response:
    return json_response({"error": message, "status": 404}, status=404)


def bad_request(message: str) -> web.Response:
    return json_response({"error": message, "status": 400}, status=400)


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("1", "true", "yes")


async def unknown(request: web.Request) -> web.Response:
    """Any other /api/ path: a JSON 404 like the others, naming the routes there are."""
    return not_found(f"no API route {request.path!r} (routes: /api/latest, /api/releases, "
                     "/api/releases/{id}, /api/indicators/{key}/history)")


def _limit(request: web.Request) -> int | None:
    text = request.query.get("limit")
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"limit must be a whole number >= 1, got {text!r}")
    return int(text)


def _since(request: web.Request) -> datetime | None:
    text = request.query.get("since")
    if not text:
        return None
    try:
        return since_from_text(text)
    except ValueError as exc:
        raise ValueError(f"since: {exc}") from None


def api_routes(daemon: Daemon) -> dict[str, Handler]:
    """/api/latest, /api/releases, /api/releases/{id}, /api/indicators/{key}/history
    (``?since=`` as the CLI's ``--since``); any other /api/ path is a JSON 404."""
    db = daemon.db
    url = daemon.config.database.resolved_url()

    async def latest(request: web.Request) -> web.Response:
        indicator = request.query.get("indicator") or None
        rows, stored = await asyncio.to_thread(shapes.latest_shape, db, url, indicator)
        if indicator is not None and not shapes.is_known_indicator(indicator, stored):
            return not_found(f"unknown indicator {indicator!r}")
        return json_response(rows)

    async def releases(request: web.Request) -> web.Response:
        try:
            limit = _limit(request)
        except ValueError as exc:  # a query parameter that cannot be read: a 400 naming it
            return bad_request(str(exc))

        def read() -> list[dict]:
            with db.session() as session:
                return shapes.releases_shape(session, limit)

        return json_response(await asyncio.to_thread(read))

    async def release(request: web.Request) -> web.Response:
        ref = request.match_info["id"]

        def read() -> dict | None:
            with db.session() as session:
                return shapes.release_shape(session, ref)

        found = await asyncio.to_thread(read)
        return not_found(f"no release matches {ref!r}") if found is None else json_response(found)

    async def history(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        vintages = _flag(request, "vintages")
        try:
            since = _since(request)
        except ValueError as exc:  # a query parameter that cannot be read: a 400 naming it
            return bad_request(str(exc))

        def read() -> list[dict] | None:
            from db.queries import known_indicators

            with db.session() as session:
                if not shapes.is_known_indicator(key, known_indicators(session)):
                    return None
                return shapes.history_shape(session, key, since, vintages)

        rows = await asyncio.to_thread(read)
        return not_found(f"unknown indicator {key!r}") if rows is None else json_response(rows)

    return {
        "/api/latest": latest,
        "/api/releases": releases,
        "/api/releases/{id}": release,
        "/api/indicators/{key}/history": history,
        "/api/{rest:.*}": unknown,  # last: aiohttp matches routes in the order added
    }
