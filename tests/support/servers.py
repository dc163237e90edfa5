"""Real local servers on 127.0.0.1, one of each per test, always stopped:

- ``bea``: the local copy of BEA (``bea_tracker.demo.localbea.LocalBea``): feed, schedule,
  release pages; ``bea.config()`` is the ``bea:`` section pointing the tracker at it;
- ``smtp``: an aiosmtpd SMTP sink (``bea_tracker.demo.sinks.SmtpSink``) that keeps every
  message; it offers AUTH with ``SMTP_CREDENTIALS`` (sending without logging in works too);
- ``hooks``: a webhook receiver (``bea_tracker.demo.sinks.WebhookSink``) that records every
  request and answers 200 unless told otherwise (``hooks.respond(...)``);
- ``closed_port``: a port on 127.0.0.1 with nothing listening.

The demo uses the same classes, so the tests and the demo share one set of test doubles.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bea_tracker.demo.localbea import LocalBea
from bea_tracker.demo.sinks import SmtpSink, WebhookSink, free_port

SMTP_CREDENTIALS = ("bea-tracker", "s3cret-pa55word")


@pytest.fixture
def bea() -> Iterator[LocalBea]:
    with LocalBea() as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink(credentials=SMTP_CREDENTIALS) as sink:
        yield sink


@pytest.fixture
def hooks() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening: connections are refused."""
    return free_port()
