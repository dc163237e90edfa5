"""The two cycles every entry point runs: poll (feed, schedule, crawl) and notify (match, send).

Shared by ``poll --once``, ``notify --once``, ``run --once`` and the daemon.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bea_tracker.app import App
from bea_tracker.config import AppConfig
from bea_tracker.wiring import (
    alert_charts,
    context_factory,
    crawl_settings,
    delivery_policy,
    digest_due,
    fetch_client,
    make_crawl_runner,
    scraper_settings,
)
from db.types import utcnow
from notifier.delivery import DeliverySummary, deliver_due
from notifier.matching import match_events

if TYPE_CHECKING:
    from db.session import Database
    from scraper.fetch import FetchClient
    from scraper.poller import Poller

logger = logging.getLogger(__name__)


def build_poller(app: App, client: FetchClient) -> Poller:
    """A poller whose fetches and crawls share the client's policy."""
    from scraper.poller import Poller

    return Poller(app.db, scraper_settings(app.config), client,
                  make_crawl_runner(crawl_settings(client.policy)))


async def poll_cycle(app: App, notify_existing: bool = False,
                     schedule: bool = True) -> list[str]:
    """Refresh the schedule, poll the feed, crawl and store; return summary lines."""
    lines = []
    async with fetch_client(app.config) as client:
        poller = build_poller(app, client)
        if schedule:
            lines.append(await poller.poll_schedule())
        summary = await poller.poll_feed(notify_existing=notify_existing)
        lines.append(summary.line())
    for line in lines:
        logger.debug("%s", line)  # the command prints them: once
    return lines


async def notify_cycle(config: AppConfig, database: Database) -> DeliverySummary:
    """Match new events into the outbox and send what is due, matching again before each
    claim (events stored while sends are in flight are sent in the same cycle)."""
    next_digest = digest_due(config)

    def match() -> None:
        match_events(database, utcnow(), next_digest)

    return await deliver_due(database, context_factory(config, alert_charts(database)),
                             delivery_policy(config), refill=match)
