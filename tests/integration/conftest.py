"""Real local servers shared by the integration tests: a local copy of BEA on 127.0.0.1,
an SMTP sink and a webhook receiver, one of each per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bea_tracker.demo.localbea import LocalBea
from bea_tracker.demo.sinks import SmtpSink, WebhookSink


@pytest.fixture
def bea() -> Iterator[LocalBea]:
    with LocalBea() as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def hooks() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink
