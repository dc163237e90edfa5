"""Real local servers on 127.0.0.1, one of each per test, always stopped:

- ``bea``: the local copy of BEA (``bea_tracker.demo.localbea.LocalBea``): feed, schedule,
  release pages; ``bea.config()`` is the ``bea:`` section pointing the tracker at it;
- ``smtp``: an aiosmtpd SMTP sink (``bea_tracker.demo.sinks.SmtpSink``) that keeps every
  message; it offers AUTH with ``SMTP_CREDENTIALS`` (sending without logging in works too);
- ``hooks``: a webhook receiver (``bea_tracker.demo.sinks.WebhookSink``) that records every
  request and answers 200 unless told otherwise (``hooks.respond(...)``);
- ``closed_port``: a port on 127.0.0.1 with nothing listening.

The demo uses the same classes, so the tests and the demo share one set of test doubles;
here their ``wait_for`` bounds stretch with the machine's load, as ``wait_until``'s do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bea_tracker.demo.localbea import LocalBea
from bea_tracker.demo.sinks import HookCall, ReceivedMail, SmtpSink, WebhookSink, free_port
from tests.support.waiting import load_factor

SMTP_CREDENTIALS = ("bea-tracker", "s3cret-pa55word")


class LoadedSmtpSink(SmtpSink):
    """The demo's SMTP sink; ``wait_for``'s bound stretches with the machine's load."""

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[ReceivedMail]:
        return super().wait_for(count, timeout * load_factor())


class LoadedWebhookSink(WebhookSink):
    """The demo's webhook receiver; ``wait_for``'s bound stretches with the load."""

    def wait_for(self, count: int = 1, timeout: float = 10.0, **kw: Any) -> list[HookCall]:
        return super().wait_for(count, timeout * load_factor(), **kw)


@pytest.fixture
def bea() -> Iterator[LocalBea]:
    with LocalBea() as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with LoadedSmtpSink(credentials=SMTP_CREDENTIALS) as sink:
        yield sink


@pytest.fixture
def hooks() -> Iterator[WebhookSink]:
    with LoadedWebhookSink() as sink:
        yield sink


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening: connections are refused."""
    return free_port()
