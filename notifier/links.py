"""Links in alerts point only at the configured BEA hosts.

A feed item may carry any link (``https://evil.example/phish``); it is never crawled, and
it must not reach an alert either: the e-mail's "Read it on bea.gov", the Slack button and
the webhook record's ``url`` all come from ``release.url``, so a URL that is not http(s) on
``bea.allowed_hosts`` is blanked here, once, before any channel renders the events.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from db.records import EventRecord

logger = logging.getLogger(__name__)


def link_allowed(url: str, hosts: tuple[str, ...]) -> bool:
    """An http(s) URL without credentials on one of ``hosts`` (host or host:port)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return (parts.scheme.lower() in ("http", "https") and bool(host)
            and not (parts.username or parts.password)
            and (host in hosts or parts.netloc.lower() in hosts))


def safe_links(events: Sequence[EventRecord], hosts: tuple[str, ...] | None) -> list[EventRecord]:
    """``events`` with every release link off ``hosts`` blanked (None = no restriction)."""
    if hosts is None:
        return list(events)
    hosts = tuple(h.lower() for h in hosts)
    out = []
    for event in events:
        release = event.release
        if release is not None and release.url and not link_allowed(release.url, hosts):
            logger.warning("event %s: link %r is not on bea.allowed_hosts; left out of the "
                           "alert", event.id, release.url)
            event = replace(event, release=replace(release, url=""))
        out.append(event)
    return out
