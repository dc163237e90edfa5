"""Building the scraper and notifier from the validated config (the composition root).

Everything here turns ``AppConfig`` into the plain settings objects that ``scraper`` and
``notifier`` take; neither package reads config itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bea_tracker.config import AppConfig
from bea_tracker.errors import SecretMissing
from notifier.channels import get_channel
from notifier.delivery import ContextFactory, DeliveryPolicy
from notifier.errors import TransientSendError
from notifier.settings import ChartRenderer, DeliveryContext

if TYPE_CHECKING:
    from db.session import Database

if TYPE_CHECKING:
    from scrapy.crawler import AsyncCrawlerRunner

    from scraper.fetch import FetchClient, FetchPolicy
    from scraper.poller import ScraperSettings

def fetch_policy(config: AppConfig) -> FetchPolicy:
    """What any fetch may do: http(s) on ``bea.allowed_hosts``, ``polling.timeout`` for the
    whole request, the one size cap."""
    from scraper.fetch import FetchPolicy

    return FetchPolicy(allowed_hosts=tuple(config.bea.allowed_hosts),
                       user_agent=config.bea.user_agent, deadline=config.polling.timeout)


def fetch_client(config: AppConfig) -> FetchClient:
    """The one client every fetch path uses (feed, schedule, probe, backfill, crawl policy)."""
    from scraper.fetch import FetchClient

    return FetchClient(fetch_policy(config))


def scraper_settings(config: AppConfig) -> ScraperSettings:
    from scraper.poller import ScraperSettings

    bea, polling = config.bea, config.polling
    return ScraperSettings(
        feed_url=bea.feed_url,
        schedule_url=bea.schedule_url,
        schedule_ics_url=bea.schedule_ics_url,
        base_url=bea.base_url,
        failure_threshold=polling.failure_threshold,
        max_new_items=polling.max_new_releases_per_poll,
        failed_bodies_kept=polling.keep_failed_bodies,
        failed_body_cap=polling.failed_body_max_bytes,
        revision_interval=polling.revision_alert_interval,
    )


def crawl_settings(policy: FetchPolicy) -> dict:
    """Scrapy settings from the same policy as the client (hosts, schemes, deadline, cap)."""
    from scraper.crawl.settings import crawl_settings as build

    return build(policy)


def make_crawl_runner(settings: dict[str, Any]) -> AsyncCrawlerRunner:
    from scrapy.crawler import AsyncCrawlerRunner

    return AsyncCrawlerRunner(settings)


def delivery_policy(config: AppConfig) -> DeliveryPolicy:
    d = config.delivery
    return DeliveryPolicy(give_up_after=d.give_up_after, max_attempts=d.max_attempts,
                          backoff=d.backoff,
                          backoff_max=d.backoff_max, lease=d.lease, concurrency=d.concurrency,
                          send_deadline=d.send_deadline_seconds)


def digest_due(config: AppConfig) -> Callable[[datetime], datetime]:
    """The next daily digest time (``delivery.digest_time`` in ``delivery.timezone``)."""
    zone = ZoneInfo(config.delivery.timezone)
    at = config.delivery.digest_time

    def next_digest(now: datetime) -> datetime:
        local = now.astimezone(zone)
        candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate = (candidate + timedelta(days=1)).replace(hour=at.hour, minute=at.minute)
        return candidate.astimezone(timezone.utc)

    return next_digest


def channel_settings(config: AppConfig, kind: str) -> object | None:
    """The settings object of channel ``kind``, from the config section the kind names
    (secrets read now: SecretMissing if a variable is unset)."""
    channel = get_channel(kind)
    if channel.settings_section is None:
        return None
    section = getattr(config, channel.settings_section)
    return channel.settings_from(section.channel_values())


def context_factory(config: AppConfig, chart: ChartRenderer | None = None) -> ContextFactory:
    """Each kind's context: its settings, the send deadline, where links and targets may
    point, and (for channels that embed one) the chart renderer."""

    def context_for(kind: str) -> DeliveryContext:
        try:
            settings = channel_settings(config, kind)
        except SecretMissing as exc:
            raise TransientSendError(str(exc)) from None
        return DeliveryContext(settings=settings, timeout=config.delivery.send_deadline_seconds,
                               user_agent=config.bea.user_agent,
                               link_hosts=tuple(config.bea.allowed_hosts), chart=chart,
                               allow_private_targets=config.delivery.allow_private_targets)

    return context_for


def alert_charts(database: Database) -> ChartRenderer:
    """The chart renderer e-mail alerts embed (history from ``database``, the plot code)."""
    from bea_tracker.history.alert_charts import AlertCharts

    return AlertCharts(database)


def warm_alert_charts() -> None:
    """Start loading the chart code in a background thread (the daemon, at start): the
    first e-mail alert then does not wait seconds for matplotlib. A daemon thread, so a
    stop during the warm-up is not held up by it."""
    import threading

    from bea_tracker.history.alert_charts import warm_up

    threading.Thread(target=warm_up, name="chart-warm-up", daemon=True).start()
