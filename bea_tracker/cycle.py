"""One poll cycle (feed + schedule + crawl), shared by ``poll --once`` and ``run --once``."""

from __future__ import annotations

import logging

from bea_tracker.app import App
from bea_tracker.runtime import make_crawl_runner
from bea_tracker.wiring import crawl_settings, scraper_settings

logger = logging.getLogger(__name__)


def build_poller(app: App, client):  # noqa: ANN001, ANN201 - httpx client -> Poller
    from scraper.poller import Poller

    return Poller(app.db, scraper_settings(app.config), client,
                  make_crawl_runner(crawl_settings(app.config)))


async def poll_cycle(app: App, notify_existing: bool = False,
                     schedule: bool = True) -> list[str]:
    """Refresh the schedule, poll the feed, crawl and store; return summary lines."""
    from scraper.fetch import make_client

    config = app.config
    lines = []
    async with make_client(config.bea.user_agent, config.polling.timeout) as client:
        poller = build_poller(app, client)
        if schedule:
            lines.append(await poller.poll_schedule())
        summary = await poller.poll_feed(notify_existing=notify_existing)
        lines.append(summary.line())
    for line in lines:
        logger.info("%s", line)
    return lines
