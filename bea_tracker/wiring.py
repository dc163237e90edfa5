"""Building the scraper and notifier from the validated config (the composition root)."""

from __future__ import annotations

from bea_tracker.config import AppConfig


def scraper_settings(config: AppConfig):  # noqa: ANN201 - scraper.poller.ScraperSettings
    from scraper.poller import ScraperSettings

    bea, polling = config.bea, config.polling
    return ScraperSettings(
        feed_url=bea.feed_url,
        schedule_url=bea.schedule_url,
        schedule_ics_url=bea.schedule_ics_url,
        base_url=bea.base_url,
        allowed_hosts=tuple(bea.allowed_hosts),
        user_agent=bea.user_agent,
        timeout=polling.timeout,
        failure_threshold=polling.failure_threshold,
    )


def crawl_settings(config: AppConfig) -> dict:
    from scraper.settings import crawl_settings as build

    return build(config.bea.user_agent, config.polling.timeout, tuple(config.bea.allowed_hosts))
