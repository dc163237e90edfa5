"""robots.txt for requests made outside Scrapy (which obeys it itself): the archive listing.

RFC 9309: a robots.txt answered with a 4xx means no rules (allow); one that cannot be
fetched (5xx, network error) means "assume complete disallow" until it can.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from scraper.fetch import FetchClient

logger = logging.getLogger(__name__)


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def robots_allow(body: bytes | None, status: int | None, user_agent: str, url: str) -> bool:
    """Whether ``url`` may be fetched, given the robots.txt answer (pure)."""
    if status is not None and 400 <= status < 500:
        return True
    if status != 200 or body is None:
        return False
    parser = RobotFileParser()
    parser.parse(body.decode("utf-8", errors="replace").splitlines())
    return parser.can_fetch(user_agent, url)


async def allowed_by_robots(client: FetchClient, url: str, user_agent: str) -> bool:
    """Fetch the host's robots.txt once (with the client's policy) and ask it about ``url``."""
    result = await client.get(robots_url(url))
    allowed = robots_allow(result.body, result.status, user_agent, url)
    if not allowed:
        logger.warning("robots.txt (%s) does not allow %s", result.status or result.error, url)
    return allowed
