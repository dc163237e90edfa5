"""A few real BEA sample events and subscriptions for the channel tests (the SMTP sink
``smtp`` and the webhook receiver ``hooks`` come from tests/support/servers.py).

Sample figures are from BEA's feed of 2026-09-13 (tests/fixtures/bea/rss-2026-09-13.xml).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from db.records import EventRecord, FigureRecord, ReleaseRecord, Subscription, SubscriptionFilter
from tests.support.servers import SMTP_CREDENTIALS

NY = ZoneInfo("America/New_York")
UTC = timezone.utc


@pytest.fixture
def smtp_credentials() -> tuple[str, str]:
    """The login the ``smtp`` sink accepts."""
    return SMTP_CREDENTIALS


@pytest.fixture
def gdp_event() -> EventRecord:
    release = ReleaseRecord(
        url="https://www.bea.gov/news/2026/gdp-second-estimate-and-corporate-profits-2nd-quarter-2026",
        title="GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026",
        released_at=datetime(2026, 8, 26, 8, 30, tzinfo=NY),
        lead="Real gross domestic product (GDP) increased at an annual rate of 1.5 percent in "
        "the second quarter of 2026, according to the second estimate released today by BEA.",
        next_release=date(2026, 9, 30),
        series="GDP",
        figures=(
            FigureRecord("real_gdp", "Real GDP", "2026Q2", "second", 1.5, "percent_saar", 2.1,
                         "2026Q1"),
        ),
    )  # fmt: skip
    return EventRecord(101, "new_release", datetime(2026, 8, 26, 12, 30, 4, tzinfo=UTC), release)


@pytest.fixture
def trade_event() -> EventRecord:
    release = ReleaseRecord(
        url="https://www.bea.gov/news/2026/us-international-trade-goods-and-services-july-2026",
        title="U.S. International Trade in Goods and Services, July 2026",
        released_at=datetime(2026, 9, 3, 8, 30, tzinfo=NY),
        lead="The deficit increased from $71.2 billion in June (revised) to $88.6 billion in July.",
        series="U.S. International Trade in Goods and Services",
        figures=(
            FigureRecord("trade_balance", "Trade balance", "2026-07", None, -88.6,
                         "usd_billions", -71.2, "2026-06"),
        ),
    )  # fmt: skip
    return EventRecord(102, "new_release", datetime(2026, 9, 3, 12, 30, 6, tzinfo=UTC), release)


@pytest.fixture
def script_event(gdp_event) -> EventRecord:
    """The GDP release with markup in its title, as a hostile or broken page could carry."""
    release = replace(gdp_event.release, title="GDP <script>alert('x')</script> & Profits")
    return replace(gdp_event, id=103, release=release)


@pytest.fixture
def make_sub() -> Callable[..., Subscription]:
    def build(kind: str, target: str, **kw: object) -> Subscription:
        return Subscription(id=7, kind=kind, target=target, filter=SubscriptionFilter(), **kw)

    return build
