"""``LocalBea``: a real HTTP server on 127.0.0.1 that looks like bea.gov to our client.

Tests, the offline demo and benchmarks point ``bea.*`` URLs at it. One connection per
request (``Connection: close``), so stopping never waits on an idle keep-alive socket;
handler threads are joined on :meth:`LocalBea.stop`, so no socket is left open.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self, cast
from urllib.parse import urlsplit

from bea_tracker.demo.localbea import data
from bea_tracker.demo.localbea.archive import Archive
from bea_tracker.demo.localbea.feed import rfc822_eastern, set_element
from bea_tracker.demo.localbea.publication import Publication, SyntheticRelease
from bea_tracker.demo.localbea.requestlog import RequestLog, RequestRecord
from bea_tracker.demo.localbea.schedule_gen import (
    CalendarEntry,
    as_event,
    render_html,
    render_ics,
)
from bea_tracker.demo.localbea.site import Reply, Scripted, Site, huge_etag
from bea_tracker.demo.serving import Service, serve_in_thread, shut_down

logger = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # joined by server_close(): nothing outlives stop()
    block_on_close = True

    def __init__(self, address: tuple[str, int], site: Site, log: RequestLog) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.log = log
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            logger.debug("client %s went away: %s", client_address, error)
        else:
            logger.exception("local BEA failed answering %s", client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "LocalBea/1.0"
    sys_version = ""
    timeout = 30  # a client that never sends its request cannot hold stop() forever

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def _serve(self, method: str) -> None:
        arrived = datetime.now(timezone.utc)
        url = urlsplit(self.path)
        conditional = ("If-None-Match" in self.headers
                       or "If-Modified-Since" in self.headers)
        self.close_connection = True
        log = self.server.log
        log.request_started()
        try:
            reply = self.server.site.respond(method, url.path, cast(Any, self.headers), url.query)
            stopped = bool(reply.delay) and self.server.stopping.wait(reply.delay)
            # Logged before answering: once a client has its answer, the log shows it.
            log.append(RequestRecord(
                method, url.path, url.query, 0 if stopped else reply.status, conditional,
                arrived, self.headers.get("User-Agent", ""),
            ))
            if not stopped:
                self._send(method, reply)
        finally:
            log.request_finished()

    def _send(self, method: str, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if method == "HEAD" or reply.status == 304:
            return
        if reply.chunks is None:
            self.wfile.write(reply.body)
            return
        for chunk in reply.chunks():
            if self.server.stopping.is_set():
                return
            self.wfile.write(chunk)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("%s " + format, self.address_string(), *args)


class LocalBea(Service):
    """A local copy of bea.gov: real captures, scripted faults, simulated publication.

    >>> with LocalBea() as bea:
    ...     config_bea_section = bea.config()   # base_url, feed_url, schedule URLs
    ...     bea.fault(bea.feed_url, status=500)  # next feed poll gets a 500
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 archive_pages: bool = False) -> None:
        """``archive_pages``: also serve synthetic release pages for the archive rows at
        BEA's real paths (see ``localbea.archive``)."""
        self._address = (host, port)
        self._site = Site(archive_pages)
        self.log = RequestLog()
        self.publications: list[Publication] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> Self:
        """Bind (port 0 = a free port) and serve from a background thread."""
        if self._server is not None:
            return self
        self._server = _Server(self._address, self._site, self.log)
        host, port = str(self._server.server_address[0]), int(self._server.server_address[1])
        self._site.base_url = f"http://{host}:{port}"
        self._thread = serve_in_thread(self._server, "localbea")
        logger.info("local BEA serving on %s", self._site.base_url)
        return self

    def stop(self) -> None:
        """Stop serving, cut delayed answers short, join every thread, close the socket."""
        server, self._server = self._server, None
        if server is None:
            return
        shut_down(server, self._thread)

    # -- where things are -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash, like ``https://www.bea.gov``)."""
        if self._server is None:
            raise RuntimeError("LocalBea is not started")
        return self._site.base_url

    @property
    def feed_url(self) -> str:
        return self.base_url + data.FEED_PATH

    @property
    def schedule_url(self) -> str:
        return self.base_url + data.SCHEDULE_PATH

    @property
    def schedule_ics_url(self) -> str:
        return self.base_url + data.SCHEDULE_ICS_PATH

    @property
    def archive(self) -> Archive:
        """The archive listing and its synthetic pages (``entries``, ``broken``)."""
        return self._site.archive

    def url(self, path: str) -> str:
        """Absolute local URL of a path such as ``/news/2026/...``."""
        return self.base_url + path

    def config(self) -> dict[str, Any]:
        """The ``bea:`` config section that points the tracker here."""
        return {"base_url": self.base_url, "feed_url": self.feed_url,
                "schedule_url": self.schedule_url, "schedule_ics_url": self.schedule_ics_url,
                "allowed_hosts": [urlsplit(self.base_url).hostname]}

    # -- content ----------------------------------------------------------------------
    def put(self, path: str, body: bytes,
            content_type: str = data.CONTENT_TYPES["html"]) -> None:
        """Serve ``body`` at ``path`` from now on (a changed page = a new vintage)."""
        self._site.override(_path(path), body, content_type)

    def remove(self, path: str) -> None:
        """Answer 404 at ``path`` from now on (until :meth:`restore` or a publication)."""
        self._site.override(_path(path), None)

    def restore(self, path: str) -> None:
        """Undo :meth:`put` / :meth:`remove`: serve the bundled content again."""
        self._site.restore(_path(path))

    # -- scripted answers (a queue per path, consumed in order) -----------------------
    def fault(self, path: str, status: int | None = None, *, retry_after: int | str | None = None,
              delay: float = 0.0, body: bytes | None = None, times: int | None = 1) -> None:
        """Queue an error (``status``) and/or a ``delay`` before answering.

        ``status=None`` with a ``delay`` serves the normal content late (a slow response
        past a client's timeout). ``retry_after`` adds a Retry-After header (seconds or an
        HTTP date).
        ``times=None`` repeats until :meth:`clear_faults`.
        """
        if status is None and not delay and body is None:
            raise ValueError("a fault needs a status, a delay or a body")
        self._site.script(_path(path), Scripted(
            status=status, body=body, delay=delay, remaining=times_or_none(times),
            retry_after=None if retry_after is None else str(retry_after),
        ))

    def huge(self, path: str, size_bytes: int, *, announce_length: bool = True,
             content_type: str = data.CONTENT_TYPES["html"], times: int | None = 1) -> None:
        """Queue a 200 with a ``size_bytes`` HTML body, streamed (no Content-Length if
        ``announce_length`` is False, so only counting bytes can stop it)."""
        self._site.script(_path(path), Scripted(
            huge_size=size_bytes, announce_length=announce_length, content_type=content_type,
            remaining=times_or_none(times), etag=huge_etag(size_bytes),
        ))

    def set_body(self, path: str, body: bytes, content_type: str = data.CONTENT_TYPES["html"],
                 *, times: int | None = 1) -> None:
        """Queue a 200 with these bytes (an HTML error page as the feed, a truncated page,
        a malformed feed); ETag and conditional GET apply to it as to any 200."""
        self._site.script(_path(path), Scripted(
            body=body, content_type=content_type, remaining=times_or_none(times)))

    def clear_faults(self, path: str | None = None) -> None:
        """Drop queued answers for ``path`` (all paths if None)."""
        self._site.clear_scripts(None if path is None else _path(path))

    # -- publication and schedule -----------------------------------------------------
    def publish(self, release: SyntheticRelease, at: datetime | None = None,
                feed_delay: float = 0.0) -> Publication:
        """Make ``release`` appear: its page is 404 until ``at`` (default now), then live;
        ``feed_delay`` seconds after ``at`` the feed gains its item on top (item and
        channel pubDate = ``at``), so the feed's ETag and Last-Modified change then.

        Call it before a client first asks for the page: a bundled page at the same path
        (the real GDP advance page) is replaced by this schedule at once.
        """
        at = at or datetime.now(timezone.utc)
        if at.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        item = set_element(release.item_xml, "pubDate", rfc822_eastern(at))
        publication = Publication(release, at, at + timedelta(seconds=feed_delay), item)
        self._site.add_publication(publication)
        self.publications.append(publication)
        logger.info("release %s: page at %s, feed at %s", release.path,
                    publication.page_at.isoformat(), publication.feed_at.isoformat())
        return publication

    def schedule_with(self, events: Iterable[CalendarEntry | tuple], *,
                      keep_real: bool = False,
                      postponed: Iterable[CalendarEntry | tuple] = ()) -> list[CalendarEntry]:
        """Regenerate the ICS and the HTML schedule with ``events``
        (``CalendarEntry`` or ``(title, period, starts_at[, category])``), plus BEA's
        real events if ``keep_real``. ``postponed`` events stay in the ICS at their time;
        the table marks them "To Be Rescheduled" as bea.gov does (its row-update script).
        Returns the events as CalendarEntry."""
        late = [as_event(e) for e in postponed]
        parsed = [as_event(e) for e in events]
        now = datetime.now(timezone.utc)
        real_ics = data.load(data.SCHEDULE_ICS_FILE).decode("utf-8")
        real_html = data.load(data.SCHEDULE_HTML_FILE).decode("utf-8")
        ics = render_ics(real_ics, parsed + late, keep_real=keep_real, now=now)
        html = render_html(real_html, parsed, keep_real=keep_real, postponed=late)
        self._site.set_static(data.SCHEDULE_ICS_PATH, ics.encode("utf-8"),
                              data.CONTENT_TYPES["ics"])
        self._site.set_static(data.SCHEDULE_PATH, html.encode("utf-8"),
                              data.CONTENT_TYPES["html"])
        return parsed


def times_or_none(times: int | None) -> int | None:
    if times is not None and times < 1:
        raise ValueError("times must be >= 1 or None (forever)")
    return times


def _path(path_or_url: str) -> str:
    """Accept ``/rss/rss.xml`` or a full local URL such as ``bea.feed_url``."""
    return urlsplit(path_or_url).path or "/"
