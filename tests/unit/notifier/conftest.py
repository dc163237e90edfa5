"""Sample events for notifier unit tests, built from real BEA figures.

Figures come from BEA's feed and release pages captured in tests/fixtures/bea (GDP second
estimate Q2 2026 +1.5 (Q1 +2.1); trade deficit July 2026 -$88.6 billion (June -$71.2
billion); PIO July 2026; NIIP Q1 2026 -$21.27 trillion). The GDP revision to 1.6 in a third
estimate, the June trade revision from -71.7 and the schedule move are illustrative: they
were not in the captures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from db.records import (
    EventRecord,
    FigureRecord,
    ReleaseRecord,
    Revision,
    ScheduledRelease,
    Subscription,
    SubscriptionFilter,
)

NY = ZoneInfo("America/New_York")
UTC = timezone.utc

GDP_URL = "https://www.bea.gov/news/2026/gdp-second-estimate-and-corporate-profits-2nd-quarter-2026"
TRADE_URL = "https://www.bea.gov/news/2026/us-international-trade-goods-and-services-july-2026"
PIO_URL = "https://www.bea.gov/news/2026/personal-income-and-outlays-july-2026"
ITA_URL = (
    "https://www.bea.gov/news/2026/"
    "us-international-transactions-and-investment-position-1st-quarter-2026-and-annual-update"
)


def _gdp_release() -> ReleaseRecord:
    return ReleaseRecord(
        url=GDP_URL,
        title="GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026",
        released_at=datetime(2026, 8, 26, 8, 30, tzinfo=NY),
        release_number="BEA 26-38",
        lead=(
            "Real gross domestic product (GDP) increased at an annual rate of 1.5 percent in "
            "the second quarter of 2026 (April, May, and June), according to the second "
            "estimate released today by the U.S. Bureau of Economic Analysis (BEA). In the "
            "first quarter, real GDP increased 2.1 percent."
        ),
        next_release=date(2026, 9, 30),
        series="GDP",
        figures=(
            FigureRecord("real_gdp", "Real GDP", "2026Q2", "second", 1.5, "percent_saar", 2.1,
                         "2026Q1"),
        ),
    )  # fmt: skip


def _trade_release() -> ReleaseRecord:
    return ReleaseRecord(
        url=TRADE_URL,
        title="U.S. International Trade in Goods and Services, July 2026",
        released_at=datetime(2026, 9, 3, 8, 30, tzinfo=NY),
        lead=(
            "The U.S. goods and services trade deficit increased in July 2026 according to the "
            "U.S. Bureau of Economic Analysis and the U.S. Census Bureau. The deficit increased "
            "from $71.2 billion in June (revised) to $88.6 billion in July, as imports "
            "increased and exports decreased."
        ),
        next_release=date(2026, 10, 6),
        series="U.S. International Trade in Goods and Services",
        figures=(
            FigureRecord("trade_balance", "Trade balance", "2026-07", None, -88.6,
                         "usd_billions", -71.2, "2026-06"),
        ),
    )  # fmt: skip


def _pio_release() -> ReleaseRecord:
    return ReleaseRecord(
        url=PIO_URL,
        title="Personal Income and Outlays, July 2026",
        released_at=datetime(2026, 8, 26, 8, 30, tzinfo=NY),
        release_number="BEA 26-39",
        lead=(
            "Personal income increased $115.1 billion (0.4 percent at a monthly rate) in July, "
            "according to estimates released today by the U.S. Bureau of Economic Analysis."
        ),
        series="Personal Income and Outlays",
        figures=(
            FigureRecord("personal_income", "Personal income", "2026-07", None, 0.4, "percent",
                         0.2, "2026-06"),
            FigureRecord("disposable_personal_income", "Disposable personal income", "2026-07",
                         None, 0.5, "percent"),
            FigureRecord("pce", "PCE", "2026-07", None, 0.2, "percent"),
            FigureRecord("personal_saving_rate", "Personal saving rate", "2026-07", None, 3.0,
                         "percent_level"),
        ),
    )  # fmt: skip


def _ita_release() -> ReleaseRecord:
    return ReleaseRecord(
        url=ITA_URL,
        title=(
            "U.S. International Transactions and Investment Position, 1st Quarter 2026 "
            "and Annual Update"
        ),
        released_at=datetime(2026, 6, 24, 8, 30, tzinfo=NY),
        release_number="BEA 26-29",
        series="U.S. International Transactions",
        figures=(
            FigureRecord("current_account_balance", "Current-account balance", "2026Q1",
                         "annual_update", -226.8, "usd_billions", -221.1, "2025Q4"),
            FigureRecord("niip", "Net international investment position", "2026Q1",
                         "annual_update", -21.27, "usd_trillions", -21.87, "2025Q4"),
        ),
    )  # fmt: skip


def _events() -> dict[str, EventRecord]:
    gdp = _gdp_release()
    created = datetime(2026, 8, 26, 12, 30, 5, tzinfo=UTC)
    third = replace(gdp, title="GDP (Third Estimate), 2nd Quarter 2026", url=GDP_URL + "-third")
    schedule = ScheduledRelease(
        "GDP (Third Estimate), Corporate Profits (Revised), 2nd Quarter 2026", "2026Q2",
        datetime(2026, 10, 1, 8, 30, tzinfo=NY), "news",
    )  # fmt: skip
    return {
        "gdp": EventRecord(1, "new_release", created, release=gdp),
        "trade": EventRecord(2, "new_release", created + timedelta(days=8),
                             release=_trade_release()),
        "pio": EventRecord(3, "new_release", created, release=_pio_release()),
        "ita": EventRecord(4, "new_release", created - timedelta(days=63),
                           release=_ita_release()),
        "gdp_revision": EventRecord(
            5, "revision", datetime(2026, 9, 30, 12, 30, 7, tzinfo=UTC), release=third,
            revisions=(Revision("real_gdp", "Real GDP", "2026Q2", "percent_saar", 1.5, 1.6,
                                "second", "third"),),
        ),
        "trade_revision": EventRecord(
            6, "revision", datetime(2026, 9, 3, 12, 30, 9, tzinfo=UTC), release=_trade_release(),
            revisions=(Revision("trade_balance", "Trade balance", "2026-06", "usd_billions",
                                -71.7, -71.2, None, "revised"),),
        ),
        "schedule": EventRecord(
            7, "schedule_change", datetime(2026, 9, 20, 14, 0, tzinfo=UTC), schedule=schedule,
            previous_starts_at=datetime(2026, 9, 30, 8, 30, tzinfo=NY),
        ),
        "problem": EventRecord(
            8, "source_problem", datetime(2026, 9, 20, 14, 5, tzinfo=UTC),
            message="BEA feed answered HTTP 503 three times in a row",
            source="https://apps.bea.gov/rss/rss.xml",
        ),
        "gdp_baseline": EventRecord(9, "new_release", created, release=gdp, baseline=True),
    }  # fmt: skip


@pytest.fixture
def events() -> dict[str, EventRecord]:
    """Sample events by name: gdp, trade, pio, ita, gdp_revision, trade_revision, schedule,
    problem, gdp_baseline."""
    return _events()


@pytest.fixture
def script_event() -> EventRecord:
    """A GDP release whose title and lead carry markup, as a hostile page could."""
    gdp = _gdp_release()
    release = replace(
        gdp,
        title="GDP <script>alert('x')</script> & Profits",
        lead="Lead with <b>bold</b> & an ampersand",
    )
    return EventRecord(
        10, "new_release", datetime(2026, 8, 26, 12, 30, tzinfo=UTC), release=release
    )


@pytest.fixture
def make_sub() -> Callable[..., Subscription]:
    """``make_sub(indicators=("real_gdp",), revisions=True)`` -> an e-mail Subscription."""

    def build(kind: str = "email", target: str = "alice@example.org", **filter_kw: object):
        return Subscription(id=1, kind=kind, target=target, filter=SubscriptionFilter(**filter_kw))

    return build
