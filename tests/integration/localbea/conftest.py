"""Fixtures for the local BEA and sink tests (the servers come from the integration
conftest: one fresh server per test, always stopped)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import httpx
import pytest

from bea_tracker.demo.sinks import SmtpSink, WebhookSink

T = TypeVar("T")


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as http:
        yield http


@pytest.fixture
def smtp_sink(smtp: SmtpSink) -> SmtpSink:
    return smtp


@pytest.fixture
def webhook_sink(hooks: WebhookSink) -> WebhookSink:
    return hooks


def _wait_until(check: Callable[[], T], timeout: float = 15.0, every: float = 0.05) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(every)


@pytest.fixture
def wait_until() -> Callable[..., object]:
    """Bounded polling helper: ``wait_until(lambda: ..., timeout=15)``."""
    return _wait_until
