"""Wiring the notifier from config: delivery policy, channel contexts, digest times."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx

from bea_tracker.config import AppConfig, SecretMissing
from notifier.delivery import ContextFactory, DeliveryPolicy, DeliverySummary, deliver_due
from notifier.errors import TransientSendError
from notifier.matching import match_events
from notifier.settings import DeliveryContext, SmtpSettings

logger = logging.getLogger(__name__)


def delivery_policy(config: AppConfig) -> DeliveryPolicy:
    d = config.delivery
    return DeliveryPolicy(max_attempts=d.max_attempts, backoff=d.backoff,
                          backoff_max=d.backoff_max, lease=d.lease, concurrency=d.concurrency)


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


def smtp_settings(config: AppConfig) -> SmtpSettings:
    """SMTP settings with the password read from its variable now (SecretMissing if unset)."""
    s = config.smtp
    return SmtpSettings(host=s.host, port=s.port, from_addr=s.from_addr, username=s.username,
                        password=s.password(), starttls=s.starttls, ssl=s.ssl,
                        timeout=s.timeout)


def context_factory(config: AppConfig, transport: httpx.BaseTransport | None) -> ContextFactory:
    def context_for(kind: str) -> DeliveryContext:
        smtp = None
        if kind == "email":
            try:
                smtp = smtp_settings(config)
            except SecretMissing as exc:
                raise TransientSendError(str(exc)) from None
        return DeliveryContext(smtp=smtp, timeout=config.polling.timeout,
                               user_agent=config.bea.user_agent, http_transport=transport)

    return context_for


async def notify_cycle(config: AppConfig, database) -> DeliverySummary:  # noqa: ANN001
    """Match new events into the outbox, then send what is due."""
    now = datetime.now(timezone.utc)
    await asyncio.to_thread(match_events, database, now, digest_due(config))
    transport = httpx.HTTPTransport(retries=0)
    try:
        return await deliver_due(database, context_factory(config, transport),
                                 delivery_policy(config))
    finally:
        transport.close()
