"""The content model of the local BEA: what each path answers right now.

Kept apart from the HTTP plumbing (``server.py``) so the rules are easy to read:
scripted responses first (faults, huge bodies, one-off bodies), then overrides
(``put``/``remove``), then published releases (404 until their time), then the feed
(the real feed plus items whose time has come), then the bundled captures.

Publication is evaluated when a request arrives, from the clock: no timer threads, and
"page live at T, feed at T + 90 s" holds exactly whenever a client looks.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timezone

from bea_tracker.demo.localbea import data, feed
from bea_tracker.demo.localbea.archive import Archive
from bea_tracker.demo.localbea.home import render_home
from bea_tracker.demo.localbea.publication import Publication

logger = logging.getLogger(__name__)

_ERROR_PAGE = "<!DOCTYPE html>\n<html><body><h1>{status} {reason}</h1></body></html>\n"
_REASONS = {404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Reply:
    """What to send: status, headers, and a body (bytes, or chunks for a streamed one)."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunks: Callable[[], Iterator[bytes]] | None = None
    delay: float = 0.0


@dataclass
class Scripted:
    """One queued answer for a path; ``remaining`` None means until cleared."""

    status: int | None = None
    body: bytes | None = None
    content_type: str = data.CONTENT_TYPES["html"]
    retry_after: str | None = None
    delay: float = 0.0
    huge_size: int | None = None
    announce_length: bool = True
    remaining: int | None = 1
    etag: str = ""


@dataclass
class _Content:
    body: bytes | None  # None: removed (404)
    content_type: str = ""
    since: float = 0.0  # when this content appeared, for Last-Modified


class Site:
    """Thread-safe state of every path; :meth:`respond` is called per request."""

    def __init__(self, archive_pages: bool = False) -> None:
        self.base_url = data.BEA_BASE_URL
        self._lock = threading.Lock()
        self._started = time.time()
        self._static: dict[str, _Content] = {}
        self._overrides: dict[str, _Content] = {}
        self._scripted: dict[str, deque[Scripted]] = {}
        self._publications: list[Publication] = []
        self._validators: dict[str, tuple[str, int]] = {}
        self._feed_cache: tuple[tuple, bytes] | None = None
        self.archive = Archive(real_paths=archive_pages)
        html = data.CONTENT_TYPES["html"]
        for path, name in data.RELEASE_PAGES.items():
            self._static[path] = _Content(data.load(name), html, self._started)
        self.set_static(data.SCHEDULE_PATH, data.load(data.SCHEDULE_HTML_FILE), html)
        self.set_static(data.SCHEDULE_ICS_PATH, data.load(data.SCHEDULE_ICS_FILE),
                        data.CONTENT_TYPES["ics"])

    # -- changing content -------------------------------------------------------------
    def set_static(self, path: str, body: bytes, content_type: str) -> None:
        with self._lock:
            self._static[path] = _Content(body, content_type, time.time())

    def override(self, path: str, body: bytes | None, content_type: str = "") -> None:
        with self._lock:
            self._overrides[path] = _Content(body, content_type, time.time())

    def restore(self, path: str) -> None:
        with self._lock:
            self._overrides.pop(path, None)

    def script(self, path: str, answer: Scripted) -> None:
        with self._lock:
            self._scripted.setdefault(path, deque()).append(answer)

    def clear_scripts(self, path: str | None = None) -> None:
        with self._lock:
            if path is None:
                self._scripted.clear()
            else:
                self._scripted.pop(path, None)

    def add_publication(self, publication: Publication) -> None:
        with self._lock:
            self._overrides.pop(publication.release.path, None)
            self._publications.append(publication)

    # -- answering --------------------------------------------------------------------
    def respond(self, method: str, path: str, headers: Mapping[str, str],
                query: str = "") -> Reply:
        """The reply for one request, given the clock now (the query matters only for
        the archive listing, as on BEA)."""
        if method not in ("GET", "HEAD"):
            return _error(405, extra=[("Allow", "GET, HEAD")])
        with self._lock:
            now = time.time()
            scripted = self._take_scripted(path)
            if scripted is not None and scripted.huge_size is not None:
                return _huge_reply(scripted)
            if scripted is not None and scripted.status not in (None, 200):
                reply = _error(scripted.status, scripted.body, scripted.retry_after)
                reply.delay = scripted.delay
                return reply
            current: _Content | None
            if scripted is not None and scripted.body is not None:
                current = _Content(scripted.body, scripted.content_type, now)
            else:
                current = self._current(path, now, query)
            delay = scripted.delay if scripted is not None else 0.0
            key = f"{path}?{query}" if path == data.ARCHIVE_PATH else path
            if current is None or current.body is None:
                reply = _error(404)
            else:
                reply = self._ok(key, current, headers)
            reply.delay = delay
            return reply

    def _take_scripted(self, path: str) -> Scripted | None:
        queue = self._scripted.get(path)
        if not queue:
            return None
        answer = queue[0]
        if answer.remaining is not None:
            answer.remaining -= 1
            if answer.remaining <= 0:
                queue.popleft()
        return answer

    def _current(self, path: str, now: float, query: str = "") -> _Content | None:
        if path in self._overrides:
            return self._overrides[path]
        if path == data.ARCHIVE_PATH:
            listing = self.archive.listing(query)
            return None if listing is None else _Content(
                listing, data.CONTENT_TYPES["html"], self._started)
        pages = [p for p in self._publications if p.release.path == path]
        if pages:
            live = [p for p in pages if p.page_at.timestamp() <= now]
            if not live:
                return None
            latest = max(live, key=lambda p: p.page_at)
            return _Content(latest.release.page, latest.release.content_type,
                            latest.page_at.timestamp())
        if path == data.FEED_PATH:
            return self._feed(now)
        if path == data.HOME_PATH:
            return self._home(now)
        if path not in self._static:
            page = self.archive.release_page(path)
            if page is not None:  # synthetic, built once per path
                self._static[path] = _Content(page, data.CONTENT_TYPES["html"], self._started)
        return self._static.get(path)

    def _feed(self, now: float) -> _Content:
        live = [p for p in self._publications if p.feed_at.timestamp() <= now]
        live.sort(key=lambda p: p.feed_at, reverse=True)
        key = (self.base_url, tuple(id(p) for p in live))
        if self._feed_cache is None or self._feed_cache[0] != key:
            real = data.load(data.FEED_FILE)
            if live:
                newest = max(p.page_at for p in live)
                real = feed.with_items(real, _unique([p.item_xml for p in live]), newest)
            self._feed_cache = (key, data.rewrite_links(real, self.base_url))
        since = max([p.feed_at.timestamp() for p in live], default=self._started)
        return _Content(self._feed_cache[1], data.CONTENT_TYPES["feed"], since)

    def _home(self, now: float) -> _Content:
        """BEA's home page block, with the lines of the releases live now."""
        live = sorted((p for p in self._publications
                       if p.release.home is not None and p.page_at.timestamp() <= now),
                      key=lambda p: p.page_at)
        entries = [(p.release.home, p.release.path) for p in live
                   if p.release.home is not None]
        body = render_home(data.load(data.HOME_FILE).decode("utf-8"), entries)
        since = max([p.page_at.timestamp() for p in live], default=self._started)
        return _Content(body.encode("utf-8"), data.CONTENT_TYPES["html"], since)

    def _ok(self, path: str, content: _Content, headers: Mapping[str, str]) -> Reply:
        assert content.body is not None
        etag, modified = self._validate(path, content)
        last_modified = email.utils.formatdate(modified, usegmt=True)
        validators = [("ETag", etag), ("Last-Modified", last_modified)]
        if _not_modified(headers, etag, modified):
            return Reply(304, validators)
        return Reply(200, [("Content-Type", content.content_type),
                           ("Content-Length", str(len(content.body))), *validators],
                     content.body)

    def _validate(self, path: str, content: _Content) -> tuple[str, int]:
        """Strong ETag from the body; Last-Modified that moves forward whenever it changes.

        HTTP dates have one-second resolution, so a body that changes within the second
        of the previous one gets the previous Last-Modified + 1 s: If-Modified-Since
        must never hide a change.
        """
        assert content.body is not None
        etag = '"%s"' % hashlib.sha256(content.body).hexdigest()[:32]
        known = self._validators.get(path)
        if known is not None and known[0] == etag:
            return known
        modified = math.floor(content.since)
        if known is not None:
            modified = max(modified, known[1] + 1)
        self._validators[path] = (etag, modified)
        return etag, modified


def _unique(items: list[bytes]) -> list[bytes]:
    seen: set[bytes] = set()
    kept = []
    for item in items:
        guid = feed.item_guid(item)
        if guid not in seen:
            seen.add(guid)
            kept.append(item)
    return kept


def _not_modified(headers: Mapping[str, str], etag: str, modified: int) -> bool:
    """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    return modified <= since.timestamp()


def _error(status: int, body: bytes | None = None, retry_after: str | None = None,
           extra: list[tuple[str, str]] | None = None) -> Reply:
    if body is None:
        reason = _REASONS.get(status, "Error")
        body = _ERROR_PAGE.format(status=status, reason=reason).encode()
    headers = [("Content-Type", data.CONTENT_TYPES["html"]), ("Content-Length", str(len(body)))]
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    return Reply(status, headers + (extra or []), body)


_HUGE_HEAD = b"<!DOCTYPE html>\n<html><body>\n"
_HUGE_FILL = b"<p>local BEA test padding for a very large page</p>\n" * 1024
_HUGE_TAIL = b"</body></html>\n"


def huge_chunks(size: int) -> Iterator[bytes]:
    """Exactly ``size`` bytes of HTML-looking padding, in 50 KB chunks."""
    if size < len(_HUGE_HEAD) + len(_HUGE_TAIL):
        yield (_HUGE_HEAD + _HUGE_TAIL)[:size]
        return
    yield _HUGE_HEAD
    left = size - len(_HUGE_HEAD) - len(_HUGE_TAIL)
    while left > 0:
        chunk = _HUGE_FILL[:left]
        left -= len(chunk)
        yield chunk
    yield _HUGE_TAIL


def huge_etag(size: int) -> str:
    digest = hashlib.sha256()
    for chunk in huge_chunks(size):
        digest.update(chunk)
    return '"%s"' % digest.hexdigest()[:32]


def _huge_reply(answer: Scripted) -> Reply:
    size = answer.huge_size or 0
    headers = [("Content-Type", answer.content_type), ("ETag", answer.etag),
               ("Last-Modified", email.utils.formatdate(time.time(), usegmt=True))]
    if answer.announce_length:
        headers.append(("Content-Length", str(size)))
    return Reply(200, headers, chunks=lambda: huge_chunks(size), delay=answer.delay)
