"""When a failing alert is given up, and how far apart its retries are."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bea_tracker.config import AppConfig
from bea_tracker.wiring import delivery_policy
from db.records import Subscription
from notifier.delivery import DeliveryPolicy, Job
from notifier.errors import PermanentSendError, TransientSendError

NOW = datetime(2026, 9, 3, 12, 30, tzinfo=timezone.utc)


def job(age: timedelta, attempts: int) -> Job:
    sub = Subscription(id=1, kind="webhook", target="https://example.org/h")
    return Job(sub, [], [1], attempts, held={1: attempts}, queued_at=NOW - age)


def test_transient_failures_are_retried_until_the_alert_is_older_than_give_up_after():
    policy = DeliveryPolicy(give_up_after=2 * 86400)
    down = TransientSendError("SMTP 127.0.0.1:25: ConnectionRefusedError")
    assert not policy.gives_up(job(timedelta(hours=47), attempts=100), down, NOW)
    assert policy.gives_up(job(timedelta(hours=48), attempts=3), down, NOW)
    assert policy.gives_up(job(timedelta(seconds=1), 1), PermanentSendError("HTTP 400"), NOW)


def test_max_attempts_is_only_a_bound_when_set():
    down = TransientSendError("HTTP 503")
    assert not DeliveryPolicy().gives_up(job(timedelta(minutes=5), 50), down, NOW)
    assert DeliveryPolicy(max_attempts=8).gives_up(job(timedelta(minutes=5), 8), down, NOW)


def test_retries_are_at_most_backoff_max_apart_even_when_asked_to_wait_longer():
    policy = DeliveryPolicy(backoff=30, backoff_max=1800)
    delays = [policy.retry_delay(n, None) for n in range(1, 200)]
    assert max(delays) <= 1800 and delays[-1] >= 900
    assert policy.retry_delay(1, retry_after=86400) == 1800  # a receiver's Retry-After


def test_config_defaults_and_old_configs():
    d = AppConfig.model_validate({}).delivery
    assert (d.give_up_after, d.backoff_max, d.max_attempts) == (2 * 86400, 1800, None)
    old = AppConfig.model_validate({"delivery": {"max_attempts": 8, "give_up_after": "36h"}})
    policy = delivery_policy(old)
    assert (policy.max_attempts, policy.give_up_after) == (8, 36 * 3600)
