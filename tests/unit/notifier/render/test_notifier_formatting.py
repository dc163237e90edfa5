"""Values read the way BEA writes them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from notifier.render.formatting import (
    format_change,
    format_date,
    format_period,
    format_value,
    format_when,
    one_line,
)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1.5, "percent_saar", "+1.5%"),
        (2.0, "percent_saar", "+2.0%"),
        (-0.5, "percent", "-0.5%"),
        (0.0, "percent", "+0.0%"),
        (-0.0, "percent", "+0.0%"),  # never "-0.0%"
        (-0.00001, "percent_saar", "+0.0%"),
        (-0.04, "percent", "-0.04%"),  # BEA's decimals kept
        (26.0, "usd_trillions", "$26.0 trillion"),
        (2.7, "percent_yoy", "+2.7%"),
        (3.0, "percent_level", "3.0%"),
        (-88.6, "usd_billions", "-$88.6 billion"),
        (115.1, "usd_billions", "$115.1 billion"),
        (-1234.5, "usd_billions", "-$1,234.5 billion"),
        (-21.27, "usd_trillions", "-$21.27 trillion"),
        (0.1 + 0.2, "percent", "+0.3%"),
        (1.5, "unknown_unit", "1.5"),
    ],
)
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


@pytest.mark.parametrize(
    ("change", "unit", "expected"),
    [
        (0.1, "percent_saar", "+0.1 percentage point"),
        (-0.4, "percent_level", "-0.4 percentage point"),
        (0.5, "usd_billions", "+$0.5 billion"),
        (-0.6, "usd_trillions", "-$0.6 trillion"),
    ],
)
def test_format_change(change, unit, expected):
    assert format_change(change, unit) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [("2026Q2", "Q2 2026"), ("2026-07", "July 2026"), ("2026", "2026"), ("2026-13", "2026-13"),
     (None, "")],
)  # fmt: skip
def test_format_period(period, expected):
    assert format_period(period) == expected


def test_format_when_uses_the_datetimes_own_zone():
    moment = datetime(2026, 8, 26, 8, 30, tzinfo=ZoneInfo("America/New_York"))
    assert format_when(moment) == "Wed Aug 26, 2026, 8:30 AM EDT"
    assert format_when(None) == "unknown time"


def test_format_date():
    assert format_date(date(2026, 10, 6)) == "October 6, 2026"


def test_one_line_collapses_newlines_and_cuts():
    assert one_line("a\r\n  b\tc") == "a b c"
    assert one_line("x" * 50, 10) == "x" * 9 + "\u2026"
